"""Issue 11 in recruitment, one test per class of defect: bad input answers 400 with
what was typed kept; form limits equal the model's; the status follows the pipeline;
signing on the coordinator's device; the invitation link; the public front door and
new applications reaching the coordinators; panels from higher apps on the buddy's
file; no hash on the buddy's own pages; the 7 x 3 availability grid; the pool figures;
the "viewed" entries written by the selectors; every write twice."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django import forms as django_forms
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.template import Template
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from buddynet.core.errors import ServiceError
from buddynet.core.models import AuditEntry
from buddynet.tenancy.access import access_for_user
from buddynet.volunteers import forms, panels, selectors, services
from buddynet.volunteers.models import (
    Buddy,
    InformationNote,
    PipelineStep,
    TrainingRecord,
)
from tests import factories as f
from tests.smtp import body_text, smtp_server
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
        "languages": ["nl"],
        "motivation": "Ik wil iets betekenen.",
        "privacy_consent": "on",
    }
    data.update(overrides)
    return data


def _buddy(world, **kw):
    with scopes_disabled():
        return f.BuddyFactory(project=world.project, **kw)


def _url(name, world, buddy=None, **kw):
    kwargs = {"project": world.project.code, **kw}
    if buddy is not None:
        kwargs["code"] = buddy.code
    return reverse(name, kwargs=kwargs)


# --- Invalid submissions: 400, everything typed kept -----------------------------------


def _coordinator_form_cases(world):
    """(url name, needs a buddy, invalid data, a typed value that must come back)."""
    with scopes_disabled():
        session = TrainingSessionFactory(module__project=world.project)
        vacancy = VacancyFactory(project=world.project)
    return [
        ("buddy_edit", {"first_name": "Zelda", "postcode": "0000"}, "Zelda"),
        ("buddy_step", {"to_status": "stopped", "note": "Geen reden"}, "Geen reden"),
        ("buddy_intake", {"motivation": "Typte dit", "held_on": ""}, "Typte dit"),
        (
            "buddy_screening",
            {"benefit_status": "unemployment", "record_check_on": "9999-12-31"},
            "9999-12-31",
        ),
        ("buddy_reference_add", {"name": "", "relation": "Buurvrouw"}, "Buurvrouw"),
        ("buddy_training", {"module": "", "completed_on": "2001-01-01"}, "2001-01-01"),
        ("buddy_decision", {"buddy_says_yes": "maybe", "decision_note": "Twijfel"}, "Twijfel"),
        ("buddy_note_sign", {"signed_name": "Iemand Anders", "text_hash": "x"}, "Iemand Anders"),
        ("vacancy_create", {"title": "Halve vacature", "frequency": ""}, "Halve vacature"),
        (
            "vacancy_edit",
            {"title": "Nieuwe titel", "task_description": "", "code": vacancy.code},
            "Nieuwe titel",
        ),
        ("volunteer_terms", {"insurer": "Ethias", "purpose": ""}, "Ethias"),
        ("training_module_create", {"title": "Privacy", "hours": "x"}, "Privacy"),
        (
            "training_session_create",
            {"module": "", "location": "Zaal 7", "starts_at": "2026-12-01T19:00"},
            "Zaal 7",
        ),
        ("training_session", {"buddies": ["999999"], "code": session.code}, "999999"),
    ]


BUDDY_FORMS = {
    "buddy_edit",
    "buddy_step",
    "buddy_intake",
    "buddy_screening",
    "buddy_reference_add",
    "buddy_training",
    "buddy_decision",
    "buddy_note_sign",
}


def test_every_coordinator_form_answers_400_and_keeps_what_was_typed(world, client_for):
    with scopes_disabled():
        VolunteerTermsFactory(project=world.project)
    client = client_for(world.coord)
    for name, data, typed in _coordinator_form_cases(world):
        data = dict(data)
        kwargs = {"project": world.project.code}
        if name in BUDDY_FORMS:
            kwargs["code"] = world.buddy.code
        if "code" in data:
            kwargs["code"] = data.pop("code")
        response = client.post(reverse(name, kwargs=kwargs), data)
        assert response.status_code == 400, name
        assert typed in response.content.decode(), name


def test_buddy_self_edit_answers_400_and_keeps_what_was_typed(world, client_for):
    client = client_for(world.buddy_user)
    response = client.post(
        _url("buddy_me_edit", world),
        {"postcode": "0000", "phone": "0499 11 11 11", "capacity": "x", "email": "a@b.be"},
    )
    assert response.status_code == 400
    assert "0499 11 11 11" in response.content.decode()


def test_public_application_answers_400_and_keeps_what_was_typed(world, client):
    with scopes_disabled():
        vacancy = VacancyFactory(project=world.project)
    url = reverse("vacancy_public", kwargs={"code": vacancy.code})
    response = client.post(url, application(postcode="12"))
    assert response.status_code == 400
    assert 'value="Peeters"' in response.content.decode()


# --- Form limits equal the model's; a long e-mail is refused, not a crash ---------------

VOLUNTEER_FORMS = [
    forms.VacancyForm,
    forms.ApplicationForm,
    forms.ProfileForm,
    forms.IntakeForm,
    forms.ScreeningForm,
    forms.ReferenceForm,
    forms.TrainingModuleForm,
    forms.TrainingSessionForm,
    forms.TrainingCompleteForm,
    forms.TermsForm,
    forms.SignForm,
]
# Form fields of a plain form and the model field they are stored in.
STORED_IN = {
    forms.ApplicationForm: Buddy,
    forms.SignForm: InformationNote,
    forms.TrainingSessionForm: TrainingSessionFactory._meta.model,
}
SIGN_FIELDS = {"signed_name": "signed_name"}


@pytest.mark.parametrize("form_class", VOLUNTEER_FORMS, ids=lambda c: c.__name__)
def test_form_limits_equal_the_model_limits(form_class, db):
    with scopes_disabled():
        form = form_class(project=f.ProjectFactory()) if _takes_project(form_class) else None
    form = form or form_class()
    model = getattr(getattr(form_class, "_meta", None), "model", None) or STORED_IN.get(form_class)
    checked = 0
    for name, field in form.fields.items():
        if not isinstance(field, django_forms.CharField) or model is None:
            continue
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field (honeypot, hash, list text)
            continue
        if model_field.get_internal_type() not in ("CharField", "EmailField"):
            continue
        assert field.max_length == model_field.max_length, (form_class.__name__, name)
        checked += 1
    if form_class in (forms.ApplicationForm, forms.ProfileForm):
        assert form.fields["email"].max_length == 254
        assert checked >= 4


def _takes_project(form_class) -> bool:
    return form_class in (
        forms.ApplicationForm,
        forms.TrainingSessionForm,
        forms.TrainingCompleteForm,
    )


def test_a_valid_311_character_email_is_refused_and_not_counted(world, client):
    with scopes_disabled():
        vacancy = VacancyFactory(project=world.project)
    url = reverse("vacancy_public", kwargs={"code": vacancy.code})
    long_email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".be"
    assert len(long_email) == 311
    client.cookies.load({"django_language": "en"})
    for _attempt in range(10):  # more than the limit: none of them counts
        response = client.post(url, application(email=long_email))
        assert response.status_code == 400
    assert "at most 254 characters" in response.content.decode()
    assert client.post(url, application()).status_code == 302
    with scopes_disabled():
        assert Buddy.objects.filter(project=world.project, last_name="Peeters").count() == 1


def test_a_service_refusal_is_not_counted_by_the_rate_limit(world, client):
    with scopes_disabled():
        vacancy = VacancyFactory(project=world.project)
    url = reverse("vacancy_public", kwargs={"code": vacancy.code})
    assert client.post(url, application()).status_code == 302
    for attempt in range(8):  # the same person again (new words): refused, never counted
        again = application(motivation=f"Nog eens, poging {attempt}.")
        assert client.post(url, again).status_code == 400
    assert client.post(url, application(email="other@example.be")).status_code == 302


# --- The status badge follows the pipeline ---------------------------------------------

INTAKE = {
    "held_on": None,
    "motivation": "m",
    "expectations": "e",
    "strengths": "s",
    "availability": "a",
    "notes": "",
}


def test_recording_each_step_moves_the_status_forward(world):
    today = timezone.localdate()
    with scopes_disabled():
        buddy = _buddy(world, status=S.APPLIED)
        module = TrainingModuleFactory(project=world.project)
        services.intake_save(buddy=buddy, user=world.coord, data={**INTAKE, "held_on": today})
        assert Buddy.objects.get(pk=buddy.pk).status == S.INTAKE
        services.screening_update(
            buddy=buddy, user=world.coord, data={"record_check_on": today - timedelta(days=1)}
        )
        assert Buddy.objects.get(pk=buddy.pk).status == S.SCREENING
        services.training_complete(buddy=buddy, module=module, user=world.coord, on=today)
        assert Buddy.objects.get(pk=buddy.pk).status == S.TRAINING
        services.decision_save(
            buddy=buddy,
            user=world.coord,
            data={"buddy_says_yes": True, "project_says_yes": None, "decision_note": ""},
        )
        assert Buddy.objects.get(pk=buddy.pk).status == S.DECISION
        steps = list(PipelineStep.objects.filter(buddy=buddy).values_list("to_status", flat=True))
        assert steps == [S.INTAKE, S.SCREENING, S.TRAINING, S.DECISION]
        # A training through a session counts too.
        other = _buddy(world, status=S.APPLIED)
        session = TrainingSessionFactory(module=module)
        services.attendance_record(session=session, buddies=[other], user=world.coord)
        assert Buddy.objects.get(pk=other.pk).status == S.TRAINING


def test_the_status_never_goes_back_and_a_pause_stays_a_pause(world):
    today = timezone.localdate()
    with scopes_disabled():
        later = _buddy(world, status=S.DECISION)
        services.intake_save(buddy=later, user=world.coord, data={**INTAKE, "held_on": today})
        assert Buddy.objects.get(pk=later.pk).status == S.DECISION
        paused = _buddy(world, status=S.PAUSED, status_before_pause=S.APPLIED)
        services.intake_save(buddy=paused, user=world.coord, data={**INTAKE, "held_on": today})
        assert Buddy.objects.get(pk=paused.pk).status == S.PAUSED


def test_the_badge_on_the_file_follows_the_intake_page(world, client_for):
    buddy = _buddy(world, status=S.APPLIED)
    client = client_for(world.coord)
    client.cookies.load({"django_language": "en"})
    today = timezone.localdate().isoformat()
    response = client.post(
        _url("buddy_intake", world, buddy),
        {**INTAKE, "held_on": today},
    )
    assert response.status_code == 302
    page = client.get(_url("buddy_detail", world, buddy)).content.decode()
    assert f'<span class="badge status-{S.INTAKE} ' in page
    assert "intake interview</span>" in page


# --- Signing the information note on the coordinator's device -------------------------


def test_a_buddy_without_an_account_signs_on_the_coordinators_device(world, client_for):
    with scopes_disabled():
        VolunteerTermsFactory(project=world.project)
    buddy = _buddy(world, status=S.DECISION, first_name="Lien", last_name="Zonderlogin")
    assert buddy.user_id is None
    client = client_for(world.coord)
    client.cookies.load({"django_language": "en"})
    detail = client.get(_url("buddy_detail", world, buddy)).content.decode()
    assert _url("buddy_note_sign", world, buddy) in detail
    page = client.get(_url("buddy_note_sign", world, buddy))
    assert page.status_code == 200
    assert "Ethias" in page.content.decode()
    text_hash = page.context["form"].initial["text_hash"]
    data = {"signed_name": "Lien Zonderlogin", "text_hash": text_hash}
    assert client.post(_url("buddy_note_sign", world, buddy), data).status_code == 302
    # A double click gives the same note.
    assert client.post(_url("buddy_note_sign", world, buddy), data).status_code == 302
    with scopes_disabled():
        note = InformationNote.objects.get(buddy=buddy)
        assert note.on_device_of == world.coord
        assert note.signed_by == world.coord
        entry = AuditEntry.unscoped.get(action="buddy.information_note_signed", object_id=buddy.pk)
    assert entry.data["on_coordinator_device"] is True
    assert entry.actor == world.coord
    detail = client.get(_url("buddy_detail", world, buddy)).content.decode()
    assert "Signed on the device of" in detail
    with scopes_disabled(), translation.override("en"):
        missing = services.readiness_missing(buddy=buddy)
    assert missing  # other things, but not the note
    assert not [m for m in missing if "information note" in m]


def test_without_terms_the_device_page_says_so(world, client_for):
    client = client_for(world.coord)
    page = client.get(_url("buddy_note_sign", world, world.buddy))
    assert page.status_code == 200
    assert page.templates[0].name == "volunteers/note_missing.html"


# --- The login invitation: a link that sets the password ------------------------------


def test_the_login_email_has_a_one_time_link_that_sets_the_password(world, client_for):
    buddy = _buddy(world, email="nieuw.buddy@example.be", first_name="Nina")
    coord = client_for(world.coord)
    assert coord.post(_url("buddy_login", world, buddy)).status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw.buddy@example.be"]
    links = re.findall(r"https?://\S+", message.body)
    assert links, message.body
    link = links[0]
    assert link.startswith(settings.SITE_URL.rstrip("/") + "/accounts/password/reset/key/")
    # A double click: the first answer again, no second account and no second mail.
    again = coord.post(_url("buddy_login", world, buddy))
    assert again.status_code == 302 and again["X-Buddynet-Repeat"] == "1"
    assert len(mail.outbox) == 1
    # Asked again later (not a repeat of the same click): refused by the service.
    cache.clear()
    assert coord.post(_url("buddy_login", world, buddy)).status_code == 400
    assert len(mail.outbox) == 1
    # The buddy follows the link (allauth moves the key into the session) and sets a
    # password.
    visitor = client_for(None)
    response = visitor.get(urlparse(link).path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else urlparse(link).path
    password = "Een-lang-wachtwoord-2026"
    response = visitor.post(form_url, {"password1": password, "password2": password})
    assert response.status_code == 302
    with scopes_disabled():
        buddy.refresh_from_db()
    assert buddy.user.check_password(password)
    # The link works once.
    again = client_for(None).get(urlparse(link).path, follow=True)
    assert "password1" not in again.content.decode()


def test_the_login_email_is_in_the_buddys_language_through_real_smtp(world, settings):
    buddy = _buddy(world, email="smtp.buddy@example.be", first_name="Sam")
    with smtp_server() as inbox:
        # The real path: the queued backend, then SMTP delivery by the job.
        settings.EMAIL_BACKEND = "buddynet.core.mail.QueuedEmailBackend"
        settings.BUDDYNET_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", inbox.port
        with scopes_disabled():
            services.buddy_login_create(buddy=buddy, user=world.coord)
    (received,) = inbox.messages
    body = body_text(received)
    assert "Hallo Sam" in body or "Dag Sam" in body
    assert settings.SITE_URL.rstrip("/") + "/accounts/password/reset/key/" in body


# --- The public front door; new applications reach the coordinators --------------------


def test_the_front_door_lists_only_open_published_vacancies(world, client):
    today = timezone.localdate()
    with scopes_disabled():
        open_one = VacancyFactory(project=world.project, title="Open wandelbuddy")
        VacancyFactory(project=world.project, title="Nog geheim", is_published=False)
        VacancyFactory(project=world.project, title="Al dicht", closes_on=today - timedelta(days=1))
        VacancyFactory(project=world.other, title="Ander project")
    client.cookies.load({"django_language": "nl"})
    response = client.get(reverse("vacancies_public", kwargs={"project": world.project.code}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Open wandelbuddy" in body
    for hidden in ("Nog geheim", "Al dicht", "Ander project"):
        assert hidden not in body
    assert reverse("vacancy_public", kwargs={"code": open_one.code}) in body
    assert reverse("public_signup", kwargs={"project": world.project.code}) in body
    vacancy_page = client.get(reverse("vacancy_public", kwargs={"code": open_one.code}))
    assert reverse("vacancies_public", kwargs={"project": world.project.code}) in (
        vacancy_page.content.decode()
    )


def test_the_front_door_of_an_inactive_or_unknown_project_is_404(world, client):
    with scopes_disabled():
        world.other.is_active = False
        world.other.save()
    assert (
        client.get(reverse("vacancies_public", kwargs={"project": world.other.code})).status_code
        == 404
    )
    assert (
        client.get(
            reverse("vacancies_public", kwargs={"project": "00000000-0000-0000-0000-000000000000"})
        ).status_code
        == 404
    )


def test_a_new_application_reaches_the_coordinators(world, client, client_for):
    with scopes_disabled():
        english = f.member(world.project, "project_coordinator", email="eng@example.be")
        english.preferred_language = "en"
        english.save()
        vacancy = VacancyFactory(project=world.project, title="Taalbuddy")
    url = reverse("vacancy_public", kwargs={"code": vacancy.code})
    assert client.post(url, application()).status_code == 302
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"coord@example.be", "eng@example.be"}  # not coordb@
    assert "New buddy application" in by_address["eng@example.be"].subject
    assert "Nieuwe" in by_address["coord@example.be"].subject
    with scopes_disabled():
        buddy = Buddy.objects.get(last_name="Peeters")
    file_url = settings.SITE_URL.rstrip("/") + _url("buddy_detail", world, buddy)
    assert file_url in by_address["eng@example.be"].body
    dashboard = client_for(world.coord).get(reverse("dashboard")).content.decode()
    assert "Ann Peeters" in dashboard
    assert _url("buddy_detail", world, buddy) in dashboard
    # A coordinator of another project does not see the name.
    assert (
        "Ann Peeters"
        not in client_for(world.other_coord).get(reverse("dashboard")).content.decode()
    )


# --- Panels from higher apps on the buddy's file ----------------------------------------


def test_apps_above_can_add_a_panel_to_the_buddys_file(world, client_for):
    seen = []

    def trajectory_panel(*, buddy, access, user):
        seen.append((buddy.pk, user.pk))
        # A panel names its template; a Template object is fine for a test.
        template = Template('<p class="panel">{{ panel.text }}</p>')
        return {"template": template, "text": "Trajectory with Pieter"}

    panels.register(trajectory_panel)
    try:
        page = client_for(world.coord).get(_url("buddy_detail", world, world.buddy))
    finally:
        panels.unregister(trajectory_panel)
    assert seen == [(world.buddy.pk, world.coord.pk)]
    assert "Trajectory with Pieter" in page.content.decode()


# --- No hash on the buddy's own pages ------------------------------------------------------


def test_the_hash_is_for_the_pdf_and_the_coordinators_not_the_buddy(world, client_for):
    with scopes_disabled():
        terms = VolunteerTermsFactory(project=world.project)
        with translation.override("nl"):
            text = services.note_text(buddy=world.buddy, terms=terms)
        note = services.note_sign(
            buddy=world.buddy,
            user=world.buddy_user,
            signed_name="Bram Buddyman",
            shown_hash=services.note_hash(text),
        )
    own = client_for(world.buddy_user)
    for url in (_url("buddy_me", world), _url("buddy_me_note", world)):
        body = own.get(url).content.decode()
        assert note.document_hash not in body.replace('value="' + note.document_hash, "")
        assert "SHA-256" not in body
    coord = client_for(world.coord).get(_url("buddy_detail", world, world.buddy))
    assert note.document_hash in coord.content.decode()


# --- The availability grid ---------------------------------------------------------------


def test_availability_is_the_7_by_3_grid(world, client, client_for):
    with scopes_disabled():
        vacancy = VacancyFactory(project=world.project)
    pages = [
        client.get(reverse("vacancy_public", kwargs={"code": vacancy.code})),
        client_for(world.buddy_user).get(_url("buddy_me_edit", world)),
    ]
    for page in pages:
        body = page.content.decode()
        assert 'class="choice-list slot-grid"' in body
        assert body.count('name="availability"') == 21
    assert forms.ApplicationForm.base_fields["availability"].widget.attrs["class"] == (
        "choice-list slot-grid"
    )


# --- The pool figures, on a project with known answers ----------------------------------


def test_the_pool_figures_on_a_constructed_project(world, client_for):
    year = timezone.localdate().year
    with scopes_disabled():
        project = f.ProjectFactory(organisation=world.project.organisation, name="Pooltest")
        coord = f.member(project, "project_coordinator", email="pool@example.be")

        def buddy(status, birth_year, languages, gender, town, availability, capacity):
            return f.BuddyFactory(
                project=project,
                status=status,
                birth_year=birth_year,
                languages=languages,
                gender=gender,
                town=town,
                availability=availability,
                capacity=capacity,
            )

        buddy(S.READY, year - 23, ["nl", "ar"], "f", "Gent", ["mon_morning", "wed_evening"], 2)
        buddy(S.ACTIVE, year - 36, ["nl"], "m", "Gent", ["mon_morning"], 1)
        buddy(S.PAUSED, None, ["fr"], "", "Antwerpen", [], 1)
        buddy(S.READY, year - 66, ["nl", "fr"], "x", "", ["mon_morning", "sat_afternoon"], 3)
        # Not in the pool: a candidate and a stopped buddy.
        buddy(S.APPLIED, year - 76, ["ar"], "f", "Brugge", ["sun_evening"], 4)
        buddy(S.STOPPED, year - 40, ["ar"], "m", "Brugge", ["sun_evening"], 1)
        W = f.ParticipantFactory
        W(project=project, languages=["ar"], town="Brugge")
        W(project=project, languages=["ar", "nl"], town="Brugge")
        W(project=project, languages=["ti"], town="Gent")
        W(project=project, languages=["ru"], town="Hasselt", status="matched")
        fig = selectors.pool_figures(access=access_for_user(coord), project=project)
    assert fig["total"] == 4
    assert fig["places"] == 7
    assert fig["waiting"] == 3
    assert fig["ages"] == {"< 25": 1, "25-34": 0, "35-49": 1, "50-64": 0, "65+": 1}
    assert fig["ages_unknown"] == 1
    assert list(fig["languages"].items()) == [("nl", 3), ("fr", 2), ("ar", 1)]
    assert fig["genders"] == {"f": 1, "m": 1, "": 1, "x": 1}
    assert list(fig["towns"].items()) == [("Gent", 2), ("Antwerpen", 1)]
    assert fig["slots"] == {"mon_morning": 3, "wed_evening": 1, "sat_afternoon": 1}
    assert fig["language_gaps"] == [
        {"language": "ar", "waiting": 2, "buddies": 1},
        {"language": "ti", "waiting": 1, "buddies": 0},
    ]
    assert fig["town_gaps"] == [{"town": "Brugge", "waiting": 2, "buddies": 0}]

    client = client_for(coord)
    client.cookies.load({"django_language": "en"})
    page = client.get(reverse("buddy_pool", kwargs={"project": project.code}))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))
    assert "4 buddies ready, active or paused, with room for 7 people; 3 people" in text
    charts = dict(page.context["charts"])
    assert charts["ages"]["rows"] == [
        ["< 25", 1],
        ["25-34", 0],
        ["35-49", 1],
        ["50-64", 0],
        ["65+", 1],
    ]
    assert charts["languages"]["rows"] == [["Dutch", 3], ["French", 2], ["Arabic", 1]]
    assert [row[1] for row in charts["towns"]["rows"]] == [2, 1]
    slots = charts["slots"]["rows"]  # a day per row: morning, afternoon, evening
    assert slots[0] == ["Monday", 3, 0, 0]
    assert slots[2] == ["Wednesday", 0, 0, 1]
    assert slots[5] == ["Saturday", 0, 1, 0]
    assert sum(sum(row[1:]) for row in slots) == 5
    assert " Arabic 2 1 " in text and " Tigrinya 1 0 " in text
    assert " Brugge 2 0 " in text


# --- "Viewed" entries come from the selectors ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "part"),
    [
        ("buddy_detail", None),
        ("buddy_edit", "profile"),
        ("buddy_intake", "intake"),
        ("buddy_screening", "screening"),
        ("buddy_decision", "decision"),
    ],
)
def test_every_page_that_shows_the_file_records_the_view(world, client_for, name, part):
    client = client_for(world.coord)
    assert client.get(_url(name, world, world.buddy)).status_code == 200
    with scopes_disabled():
        entry = AuditEntry.unscoped.get(action="buddy.viewed", object_id=world.buddy.pk)
    assert entry.actor == world.coord
    assert entry.data.get("part") == part


def test_the_api_file_and_the_downloads_are_recorded(world, client_for):
    client = client_for(world.coord)
    response = client.get(f"/api/v1/projects/{world.project.code}/buddies/{world.buddy.code}")
    assert response.status_code == 200
    with scopes_disabled():
        entry = AuditEntry.unscoped.get(action="buddy.viewed", object_id=world.buddy.pk)
    assert entry.via == "api"


def test_the_openapi_schema_names_of_buddies_are_unique(world, client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("BuddyStepOut", "BuddyTrainingOut", "BuddyApplicationOut"):
        assert name in schemas


# --- Every write twice ------------------------------------------------------------------


def test_moving_twice_is_a_conflict_not_a_second_step(world):
    with scopes_disabled():
        buddy = _buddy(world, status=S.APPLIED)
        services.buddy_move(buddy=buddy, to_status=S.INTAKE, user=world.coord)
        stale = Buddy.objects.get(pk=buddy.pk)
        stale.status = S.APPLIED  # the second click saw the old page
        with pytest.raises(services.BuddyError) as exc:
            services.buddy_move(buddy=stale, to_status=S.INTAKE, user=world.coord)
        assert exc.value.status == 409
        assert PipelineStep.objects.filter(buddy=buddy, to_status=S.INTAKE).count() == 1


def test_training_twice_gives_the_same_record(world):
    today = timezone.localdate()
    with scopes_disabled():
        module = TrainingModuleFactory(project=world.project)
        first = services.training_complete(
            buddy=world.buddy, module=module, user=world.coord, on=today
        )
        second = services.training_complete(
            buddy=world.buddy, module=module, user=world.coord, on=today
        )
        assert first.pk == second.pk
        assert TrainingRecord.objects.filter(buddy=world.buddy, module=module).count() == 1


def test_login_twice_is_refused(world):
    buddy = _buddy(world, email="twee@example.be")
    with scopes_disabled():
        services.buddy_login_create(buddy=buddy, user=world.coord)
        with pytest.raises(ServiceError) as exc:
            services.buddy_login_create(buddy=buddy, user=world.coord)
    assert exc.value.code == "already_has_login"


def test_applying_twice_is_refused_with_one_record(world):
    with scopes_disabled():
        vacancy = VacancyFactory(project=world.project)
        data = {
            "first_name": "Ann",
            "last_name": "Peeters",
            "email": "ann@example.be",
            "postcode": "9000",
            "languages": ["nl"],
        }
        services.application_submit(vacancy=vacancy, data=data)
        with pytest.raises(services.BuddyError) as exc:
            services.application_submit(vacancy=vacancy, data=data)
        assert exc.value.code == "already_applied"
        assert Buddy.objects.filter(email="ann@example.be").count() == 1


def test_a_model_rule_becomes_a_buddy_error(world):
    with scopes_disabled(), pytest.raises(services.BuddyError) as exc:
        services.vacancy_create(
            project=world.project,
            user=world.coord,
            data={"title": "x" * 300, "task_description": "t", "frequency": "f", "duration": "d"},
        )
    assert exc.value.field == "title"


def test_the_projects_dutch_vacancy_text_is_marked_dutch_on_english_pages(world, client):
    with scopes_disabled():
        vacancy = VacancyFactory(project=world.project)
    client.cookies["django_language"] = "en"
    for url in (
        reverse("vacancy_public", kwargs={"code": vacancy.code}),
        reverse("vacancies_public", kwargs={"project": world.project.code}),
    ):
        html = client.get(url).content.decode()
        assert '<html lang="en">' in html
        assert f'lang="nl">{vacancy.title}<' in html
