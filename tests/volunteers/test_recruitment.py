"""Recruitment, screening, training and onboarding: services, pages and API."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled
from pypdf import PdfReader

from buddynet.core.models import AuditEntry
from buddynet.volunteers import services
from buddynet.volunteers.models import Buddy, InformationNote, PipelineStep, TrainingRecord
from buddynet.volunteers.pdf import note_pdf
from buddynet.volunteers.views import RATE_LIMIT
from tests import factories as f
from tests.volunteers.factories import (
    TrainingModuleFactory,
    TrainingSessionFactory,
    VacancyFactory,
    VolunteerTermsFactory,
)

S = Buddy.Status


@pytest.fixture(autouse=True)
def _clear_rate_limit(db):
    cache.clear()
    yield
    cache.clear()


def application(**overrides):
    data = {
        "first_name": "Ann",
        "last_name": "Peeters",
        "email": "ann.peeters@example.be",
        "phone": "0470 11 22 33",
        "postcode": "9000",
        "birth_year": "1980",
        "languages": ["nl", "fr"],
        "availability": ["wed_afternoon", "sat_morning"],
        "interests": "wandelen, koken",
        "motivation": "Ik wil iets betekenen.",
        "privacy_consent": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def vacancy(world):
    with scopes_disabled():
        return VacancyFactory(project=world.project)


# --- The public application page ------------------------------------------------------


def test_public_application_creates_an_applied_buddy(world, client, vacancy):
    url = reverse("vacancy_public", kwargs={"code": vacancy.code})
    page = client.get(url)
    assert page.status_code == 200
    assert vacancy.title in page.content.decode()
    response = client.post(url, application())
    assert response.status_code == 302
    assert response["Location"] == reverse("vacancy_thanks", kwargs={"code": vacancy.code})
    with scopes_disabled():
        buddy = Buddy.objects.get(email="ann.peeters@example.be")
        assert buddy.status == S.APPLIED
        assert buddy.vacancy == vacancy
        assert buddy.town == "Gent"
        assert buddy.latitude and buddy.longitude
        assert buddy.languages == ["nl", "fr"]
        assert buddy.interests == ["wandelen", "koken"]
        assert buddy.privacy_consent_at is not None
        assert PipelineStep.objects.filter(buddy=buddy, to_status=S.APPLIED).exists()
        assert AuditEntry.unscoped.filter(action="buddy.applied", object_id=buddy.pk).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"postcode": "9999"}, "is not a Belgian postcode"),
        ({"first_name": ""}, "This field is required"),
        ({"privacy_consent": ""}, "This field is required"),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"languages": []}, "This field is required"),
    ],
)
def test_bad_application_keeps_what_was_typed(world, client, vacancy, overrides, message):
    client.cookies.load({"django_language": "en"})
    url = reverse("vacancy_public", kwargs={"code": vacancy.code})
    response = client.post(url, application(**overrides), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "There is a problem" in body or "Er is een probleem" in body
    assert "Ik wil iets betekenen." in body  # what was typed is still there
    assert 'value="Peeters"' in body
    with scopes_disabled():
        assert not Buddy.objects.filter(last_name="Peeters").exists()


def test_duplicate_application_gets_a_clear_message(world, client, vacancy):
    url = reverse("vacancy_public", kwargs={"code": vacancy.code})
    client.cookies.load({"django_language": "en"})
    assert client.post(url, application()).status_code == 302
    response = client.post(url, application(motivation="Tweede keer"))
    assert response.status_code == 400
    assert "already applied" in response.content.decode()
    assert "Tweede keer" in response.content.decode()
    with scopes_disabled():
        assert Buddy.objects.filter(email="ann.peeters@example.be").count() == 1


def test_honeypot_and_rate_limit(world, client, vacancy):
    url = reverse("vacancy_public", kwargs={"code": vacancy.code})
    response = client.post(url, application(website="http://spam.example"))
    assert response.status_code == 302  # looks fine to the robot ...
    with scopes_disabled():
        assert not Buddy.objects.filter(email="ann.peeters@example.be").exists()  # ... nothing kept
    for i in range(RATE_LIMIT):
        assert client.post(url, application(email=f"a{i}@example.be")).status_code == 302
    response = client.post(url, application(email="late@example.be"))
    assert response.status_code == 429
    with scopes_disabled():
        assert not Buddy.objects.filter(email="late@example.be").exists()


def test_unpublished_and_closed_vacancies(world, client):
    with scopes_disabled():
        hidden = VacancyFactory(project=world.project, is_published=False)
        closed = VacancyFactory(
            project=world.project, closes_on=timezone.localdate() - timedelta(days=1)
        )
    assert client.get(reverse("vacancy_public", kwargs={"code": hidden.code})).status_code == 404
    url = reverse("vacancy_public", kwargs={"code": closed.code})
    assert client.get(url).status_code == 200
    assert client.post(url, application()).status_code == 404


# --- The pipeline ---------------------------------------------------------------------


def _candidate(world, **kw):
    with scopes_disabled():
        return f.BuddyFactory(project=world.project, status=S.APPLIED, **kw)


def test_ready_to_match_needs_everything_done(world):
    with scopes_disabled():
        VolunteerTermsFactory(project=world.project, requires_record_check=True)
        module = TrainingModuleFactory(project=world.project, refresh_months=12)
        TrainingModuleFactory(project=world.project, required_before_matching=False)
        buddy = _candidate(world)
        for step in (S.INTAKE, S.SCREENING, S.TRAINING, S.DECISION):
            services.buddy_move(buddy=buddy, to_status=step, user=world.coord)
        with pytest.raises(services.BuddyError) as exc, translation.override("en"):
            services.buddy_move(buddy=buddy, to_status=S.READY, user=world.coord)
        text = str(exc.value)
        for fragment in ("intake", "596.2", module.title, "information note", "said yes"):
            assert fragment in text
        today = timezone.localdate()
        services.intake_save(
            buddy=buddy,
            user=world.coord,
            data={
                "held_on": today,
                "motivation": "m",
                "expectations": "e",
                "strengths": "s",
                "availability": "a",
                "notes": "",
            },
        )
        services.screening_update(
            buddy=buddy, user=world.coord, data={"record_check_on": today - timedelta(days=3)}
        )
        assert buddy.record_check_by == world.coord
        session = TrainingSessionFactory(module=module)
        assert services.attendance_record(session=session, buddies=[buddy], user=world.coord) == 1
        terms = buddy.project.volunteer_terms
        with translation.override("en"):
            text = services.note_text(buddy=buddy, terms=terms)
        services.note_sign(
            buddy=buddy,
            user=world.coord,
            signed_name=buddy.full_name,
            shown_hash=services.note_hash(text),
            language="en",
        )
        services.decision_save(
            buddy=buddy,
            user=world.coord,
            data={"buddy_says_yes": True, "project_says_yes": True, "decision_note": ""},
        )
        assert services.readiness_missing(buddy=buddy) == []
        services.buddy_move(buddy=buddy, to_status=S.READY, user=world.coord)
        assert buddy.status == S.READY
        steps = list(PipelineStep.objects.filter(buddy=buddy).values_list("to_status", flat=True))
        assert steps == [S.INTAKE, S.SCREENING, S.TRAINING, S.DECISION, S.READY]


def test_stop_needs_a_reason_and_no_match_gets_a_kind_message(world):
    with scopes_disabled():
        buddy = _candidate(world)
        with pytest.raises(services.BuddyError):
            services.buddy_move(buddy=buddy, to_status=S.STOPPED, user=world.coord)
        services.decision_save(
            buddy=buddy,
            user=world.coord,
            data={"buddy_says_yes": True, "project_says_yes": False, "decision_note": "x"},
        )
        buddy.refresh_from_db()
        assert buddy.status == S.STOPPED
        assert buddy.stop_reason == "no_match"
    assert len(mail.outbox) == 1
    assert buddy.email in mail.outbox[0].to
    assert buddy.first_name in mail.outbox[0].body


def test_pause_and_resume(world):
    with scopes_disabled():
        buddy = _candidate(world)
        services.buddy_move(buddy=buddy, to_status=S.TRAINING, user=world.coord)
        services.buddy_move(buddy=buddy, to_status=S.PAUSED, user=world.coord)
        assert buddy.status_before_pause == S.TRAINING
        from buddynet.volunteers.views import next_status

        assert next_status(buddy) == S.TRAINING


def test_step_page_shows_what_is_missing(world, client_for):
    buddy = _candidate(world)
    client = client_for(world.coord)
    url = reverse("buddy_step", kwargs={"project": world.project.code, "code": buddy.code})
    response = client.post(url, {"to_status": "ready", "note": "te snel"})
    assert response.status_code == 400
    assert "te snel" in response.content.decode()
    response = client.post(url, {"to_status": "stopped"})
    assert response.status_code == 400
    response = client.post(url, {"to_status": "intake"})
    assert response.status_code == 302
    with scopes_disabled():
        buddy.refresh_from_db()
    assert buddy.status == S.INTAKE


def test_coordinator_pages_render(world, client_for):
    with scopes_disabled():
        VolunteerTermsFactory(project=world.project)
        session = TrainingSessionFactory(module__project=world.project)
        vacancy = VacancyFactory(project=world.project)
    client = client_for(world.coord)
    p = world.project.code
    b = world.buddy.code
    for url in (
        reverse("buddy_board", kwargs={"project": p}),
        reverse("buddy_pool", kwargs={"project": p}),
        reverse("buddy_detail", kwargs={"project": p, "code": b}),
        reverse("vacancy_list", kwargs={"project": p}),
        reverse("vacancy_edit", kwargs={"project": p, "code": vacancy.code}),
        reverse("training", kwargs={"project": p}),
        reverse("training_session", kwargs={"project": p, "code": session.code}),
        reverse("volunteer_terms", kwargs={"project": p}),
        reverse("dashboard"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert (
        "Bram Buddyman"
        in client.get(reverse("buddy_board", kwargs={"project": p})).content.decode()
    )


def test_vacancy_create_and_training_forms(world, client_for):
    client = client_for(world.coord)
    p = world.project.code
    response = client.post(
        reverse("vacancy_create", kwargs={"project": p}),
        {
            "title": "Buddy voor nieuwkomers",
            "task_description": "Samen de stad ontdekken.",
            "frequency": "wekelijks",
            "duration": "een jaar",
            "orientation": "relation",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("training_module_create", kwargs={"project": p}),
        {"title": "Privacy", "hours": "1.5", "required_before_matching": "on"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        from buddynet.volunteers.models import TrainingModule, Vacancy

        assert Vacancy.objects.filter(
            project=world.project, title="Buddy voor nieuwkomers"
        ).exists()
        module = TrainingModule.objects.get(project=world.project, title="Privacy")
        other_module = TrainingModuleFactory(project=world.other)
    # A module of another project cannot be chosen.
    response = client.post(
        reverse("training_session_create", kwargs={"project": p}),
        {"module": other_module.pk, "starts_at": "2026-12-01T19:00"},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("training_session_create", kwargs={"project": p}),
        {"module": module.pk, "starts_at": "2026-12-01T19:00"},
    )
    assert response.status_code == 302


def test_training_expiry_warning(world):
    with scopes_disabled():
        module = TrainingModuleFactory(project=world.project, refresh_months=12)
        TrainingRecord.objects.create(
            project=world.project,
            buddy=world.buddy,
            module=module,
            completed_on=timezone.localdate() - timedelta(days=340),
        )
        from buddynet.volunteers.selectors import buddy_training, expiring_items

        rows = buddy_training(buddy=world.buddy)
        assert rows[0]["state"] == "expiring"
        assert expiring_items(project_ids=[world.project.pk])["trainings"] == 1
        # Expiring is not expired: the module does not count as missing yet.
        missing = services.readiness_missing(buddy=world.buddy)
        assert not [m for m in missing if module.title in m]


# --- Information note -----------------------------------------------------------------


def test_buddy_signs_the_note_and_gets_a_pdf(world, client_for):
    with scopes_disabled():
        VolunteerTermsFactory(project=world.project, professional_secrecy=True)
    client = client_for(world.buddy_user)
    client.cookies.load({"django_language": "en"})
    url = reverse("buddy_me_note", kwargs={"project": world.project.code})
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Ethias" in body and "45.123456" in body and "art. 458" in body
    text_hash = page.context["form"].initial["text_hash"]
    wrong = client.post(url, {"signed_name": "Iemand Anders", "text_hash": text_hash})
    assert wrong.status_code == 400
    assert "Type your full name" in wrong.content.decode()
    assert 'value="Iemand Anders"' in wrong.content.decode()
    stale = client.post(url, {"signed_name": "Bram Buddyman", "text_hash": "0" * 64})
    assert stale.status_code == 400
    assert "changed while you were reading" in stale.content.decode()
    ok = client.post(url, {"signed_name": "bram  buddyman", "text_hash": text_hash})
    assert ok.status_code == 302
    with scopes_disabled():
        note = InformationNote.objects.get(buddy=world.buddy)
    assert note.document_hash == text_hash
    pdf_url = reverse(
        "buddy_me_note_pdf", kwargs={"project": world.project.code, "note": note.code}
    )
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Ethias" in text
    assert note.document_hash[:16] in text.replace("\n", "")
    assert "bram buddyman" in text
    # The coordinator can download it too; the view of the buddy's file is logged.
    coord = client_for(world.coord)
    response = coord.get(
        reverse(
            "buddy_note_pdf",
            kwargs={"project": world.project.code, "code": world.buddy.code, "note": note.code},
        )
    )
    assert response.status_code == 200


def test_pdf_has_no_external_resources(world):
    with scopes_disabled():
        terms = VolunteerTermsFactory(project=world.project, purpose='<img src="http://x/y.png">')
        text = services.note_text(buddy=world.buddy, terms=terms)
        note = services.note_sign(
            buddy=world.buddy,
            user=world.buddy_user,
            signed_name="Bram Buddyman",
            shown_hash=services.note_hash(text),
        )
    assert note_pdf(note).startswith(b"%PDF")


# --- Self-service and privacy ---------------------------------------------------------


def test_buddy_sees_and_edits_only_their_own_profile(world, client_for):
    client = client_for(world.buddy_user)
    client.cookies.load({"django_language": "en"})
    p = world.project.code
    me = client.get(reverse("buddy_me", kwargs={"project": p}))
    assert me.status_code == 200
    assert "Bram Buddyman" in me.content.decode()
    url = reverse("buddy_me_edit", kwargs={"project": p})
    bad = client.post(
        url,
        {
            "postcode": "0000",
            "phone": "0499 99 99 99",
            "capacity": 2,
            "max_distance_km": 10,
            "email": "bram@example.be",
        },
    )
    assert bad.status_code == 400
    assert "not a Belgian postcode" in bad.content.decode()
    assert "0499 99 99 99" in bad.content.decode()
    ok = client.post(
        url,
        {
            "postcode": "2000",
            "phone": "0499 99 99 99",
            "capacity": 2,
            "max_distance_km": 15,
            "email": "bram@example.be",
            "languages": ["nl", "ar"],
            "availability": ["mon_evening"],
            "interests": "schaken, fietsen",
            # A buddy cannot rename themselves through the form.
            "first_name": "Hacker",
        },
    )
    assert ok.status_code == 302
    with scopes_disabled():
        world.buddy.refresh_from_db()
    assert world.buddy.town == "Antwerpen"
    assert world.buddy.first_name == "Bram"
    assert world.buddy.availability == ["mon_evening"]
    assert world.buddy.interests == ["schaken", "fietsen"]
    # Another buddy's pages are not reachable: coordinator pages are 403.
    other = client.get(reverse("buddy_detail", kwargs={"project": p, "code": world.buddy.code}))
    assert other.status_code == 403


def test_contact_details_only_for_own_coordinators(world, client_for):
    with scopes_disabled():
        f.member(world.other, "professional", email="prof-b@example.be")
        prof_b = f.UserFactory(email="prof-other@example.be")
        f.MembershipFactory(user=prof_b, role="professional", project=world.project)
    email = world.buddy.email
    phone = world.buddy.phone
    page = reverse("buddy_detail", kwargs={"project": world.project.code, "code": world.buddy.code})
    api = f"/api/v1/projects/{world.project.code}/buddies/{world.buddy.code}"
    coord = client_for(world.coord)
    assert email in coord.get(page).content.decode()
    assert coord.get(api).json()["email"] == email
    # Members of the project without the permission: 403; outsiders: 404 (as if absent).
    for user, status in (
        (world.prof, 403),
        (prof_b, 403),
        (world.other_coord, 404),
        (world.participant_user, 403),
    ):
        client = client_for(user)
        for url in (page, api, f"/api/v1/projects/{world.project.code}/applications"):
            response = client.get(url)
            assert response.status_code == status, (user, url)
            assert email not in response.content.decode()
            assert phone not in response.content.decode()
    # The pool page shows figures, never a name or contact.
    pool = coord.get(reverse("buddy_pool", kwargs={"project": world.project.code}))
    assert "Buddyman" not in pool.content.decode()
    assert email not in pool.content.decode()


def test_every_view_of_a_buddy_file_is_logged(world, client_for):
    client = client_for(world.coord)
    client.get(
        reverse("buddy_detail", kwargs={"project": world.project.code, "code": world.buddy.code})
    )
    client.get(f"/api/v1/projects/{world.project.code}/buddies/{world.buddy.code}/history")
    with scopes_disabled():
        entries = AuditEntry.unscoped.filter(action="buddy.viewed", object_id=world.buddy.pk)
        assert {e.via for e in entries} == {"web", "api"}


# --- API ------------------------------------------------------------------------------


def test_api_vacancies_applications_and_own_profile(world, client_for, vacancy):
    with scopes_disabled():
        services.application_submit(
            vacancy=vacancy,
            data={
                "first_name": "Ann",
                "last_name": "Peeters",
                "email": "ann@example.be",
                "postcode": "9000",
                "languages": ["nl"],
            },
        )
    coord = client_for(world.coord)
    vacancies = coord.get(f"/api/v1/projects/{world.project.code}/vacancies").json()
    assert vacancies[0]["title"] == vacancy.title
    assert vacancies[0]["applications"] == 1
    apps = coord.get(f"/api/v1/projects/{world.project.code}/applications").json()
    assert [a["last_name"] for a in apps["items"]] == ["Peeters"]
    assert apps["items"][0]["vacancy"] == str(vacancy.code)
    me = client_for(world.buddy_user).get(f"/api/v1/projects/{world.project.code}/me/buddy")
    assert me.status_code == 200
    assert me.json()["last_name"] == "Buddyman"


# --- Demo -----------------------------------------------------------------------------


def test_demo_has_recruitment_data(db):
    from datetime import date

    from buddynet.site import demo

    demo.seed_demo(scale=40, today=date(2026, 11, 27))
    with scopes_disabled():
        from buddynet.volunteers.models import Vacancy

        assert Vacancy.objects.filter(is_published=True).count() == 10
        note = InformationNote.objects.get(buddy__user__email="buddy@demo.buddynet.be")
        assert note.document_hash == services.note_hash(note.text)
        assert PipelineStep.objects.count() > 20
    demo.demo_delete()
    assert not demo.demo_exists()


def test_dashboard_panel_queries_do_not_grow_with_projects(world, django_assert_max_num_queries):
    from buddynet.volunteers.dashboard import coordinator_panel

    with scopes_disabled():
        projects = [f.ProjectFactory() for _ in range(6)]
        for project in projects:
            VolunteerTermsFactory(project=project, requires_record_check=True)
            f.BuddyFactory(project=project, record_check_on=timezone.localdate())
        ids = [p.pk for p in projects]
        with django_assert_max_num_queries(6):
            panel = coordinator_panel(project_ids=ids, user=world.coord)
    assert panel["template"] == "volunteers/_dashboard_panel.html"
    assert dict((str(k), v) for k, v in panel["steps"])  # labels and counts
    assert panel["expiring"]["record_checks"] == 0


def test_record_check_expiry_warning(world, client_for):
    with scopes_disabled():
        VolunteerTermsFactory(
            project=world.project, requires_record_check=True, record_check_valid_months=12
        )
        Buddy.objects.filter(pk=world.buddy.pk).update(
            record_check_on=timezone.localdate() - timedelta(days=340)
        )
        from buddynet.volunteers.selectors import expiring_items

        assert expiring_items(project_ids=[world.project.pk])["record_checks"] == 1
    client = client_for(world.coord)
    client.cookies.load({"django_language": "en"})
    page = client.get(
        reverse("buddy_detail", kwargs={"project": world.project.code, "code": world.buddy.code})
    )
    assert "renew soon" in page.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "not accepted"),
        ("cv.pdf", b"<html>not a pdf</html>", "not a real PDF"),
        ("cv.pdf", b"%PDF-" + b"x" * (2 * 1024 * 1024), "larger than 2 MB"),
    ],
)
def test_wrong_files_are_refused_with_a_clear_message(
    world, client, vacancy, name, content, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.cookies.load({"django_language": "en"})
    url = reverse("vacancy_public", kwargs={"code": vacancy.code})
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = client.post(url, {**application(), "attachment": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'value="Peeters"' in body and "Ik wil iets betekenen." in body
    with scopes_disabled():
        assert not Buddy.objects.filter(last_name="Peeters").exists()


def test_a_good_file_is_kept_for_the_coordinator_only(world, client, client_for, vacancy):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("vacancy_public", kwargs={"code": vacancy.code})
    upload = SimpleUploadedFile("mijn cv.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert client.post(url, {**application(), "attachment": upload}).status_code == 302
    with scopes_disabled():
        buddy = Buddy.objects.get(last_name="Peeters")
        attachment = buddy.attachments.get()
    assert attachment.name == "mijn cv.pdf" and attachment.size == 15
    detail = reverse("buddy_detail", kwargs={"project": world.project.code, "code": buddy.code})
    assert "mijn cv.pdf" in client_for(world.coord).get(detail).content.decode()
    download = reverse(
        "buddy_attachment",
        kwargs={"project": world.project.code, "code": buddy.code, "attachment": attachment.code},
    )
    response = client_for(world.coord).get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content == b"%PDF-1.4\n%%EOF\n"
    assert client_for(world.other_coord).get(download).status_code == 404
    assert client_for(world.prof).get(download).status_code == 403


def test_a_good_file_with_other_errors_asks_to_choose_it_again(world, client, vacancy):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.cookies.load({"django_language": "en"})
    url = reverse("vacancy_public", kwargs={"code": vacancy.code})
    upload = SimpleUploadedFile("cv.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    response = client.post(url, {**application(postcode="123"), "attachment": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert "not a Belgian postcode" in body
    assert "please choose it again" in body
