"""The right of access and portability: a person's export holds every piece of their
data across the apps (read back from the ZIP: JSON and PDF text), every personal field
is declared by its app, the ZIP is downloaded once by a coordinator of the person's
project, and every step is on the audit log."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from pypdf import PdfReader

from buddynet.core import personal
from buddynet.core.models import AuditEntry
from buddynet.expenses.models import PayeeAccount
from buddynet.matching.models import PairExclusion
from buddynet.participants.models import ContactMoment, HouseholdMember, Offer, Participant
from buddynet.privacy import services
from buddynet.privacy.models import Export
from buddynet.trajectories.services import goal_add
from buddynet.volunteers.models import Attachment, Buddy, IntakeInterview, Reference
from tests.community import factories as cf
from tests.contact import factories as kf
from tests.expenses import factories as ef
from tests.impact import factories as imf
from tests.matching import factories as mf
from tests.plans import factories as plf
from tests.privacy import factories as pf
from tests.trajectories import factories as tf

PERSON_MODELS = (Participant, Buddy)


def read_zip(body: bytes) -> tuple[dict, str, list[str]]:
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = archive.namelist()
    data = json.loads(archive.read("data.json").decode("utf-8"))
    pdf_name = next(n for n in names if n.endswith(".pdf"))
    reader = PdfReader(io.BytesIO(archive.read(pdf_name)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return data, " ".join(text.split()), names


def zip_of(run: Export) -> tuple[dict, str, list[str]]:
    with run.file.open("rb") as handle:
        return read_zip(handle.read())


def records_about(person) -> dict[str, set[str]]:
    """Independently of the declarations: every row of every model that is the person
    or points at them, by model label → the rows' codes (or ids)."""
    found: dict[str, set[str]] = {}
    for model in personal.personal_models(PERSON_MODELS):
        keys = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is type(person)
        ]
        query = models.Q(pk=person.pk) if model is type(person) else models.Q()
        for key in keys:
            query |= models.Q(**{key: person.pk})
        if not query:
            continue
        rows = model._default_manager.filter(query)
        codes = {str(getattr(row, "code", row.pk)) for row in rows}
        if codes:
            found[model._meta.label] = codes
    return found


def assert_every_record_exported(made: dict[str, set[str]], data: dict) -> None:
    """A row with a code: that code is in the export. A row without one (a household
    member, a payee account): its model's sections hold at least as many records (their
    internal ids are left out of the export on purpose, so an id is not looked for)."""
    exported = json.dumps(data["sections"])
    held: dict[str, int] = {}
    for section in data["sections"]:
        model = ".".join(section["key"].split("-")[:2])
        held[model] = held.get(model, 0) + len(section["records"])
    for label, codes in made.items():
        model = apps.get_model(label)
        if any(f.name == "code" for f in model._meta.concrete_fields):
            for code in codes:
                assert code in exported, f"{label} {code} is not in the export"
        else:
            assert held.get(model._meta.label_lower, 0) >= len(codes), (
                f"{label}: {len(codes)} rows, {held.get(model._meta.label_lower, 0)} exported"
            )


def exported_codes(data: dict) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for section in data["sections"]:
        label = section["key"].rsplit("-", 1)[0] if section["key"].count("-") > 1 else ""
        for record in section["records"]:
            found.setdefault(label or section["key"], set()).add(
                str(record.get("code") or record.get("id"))
            )
    return found


@pytest.fixture
def rich(world):
    """The participant persona (Fatma) and buddy Bram, with data in every app."""
    w = world
    p, b = w.own_participant, w.buddy
    with scopes_disabled():
        Participant.objects.filter(pk=p.pk).update(
            help_request="Wil graag samen naar de markt in Sint-Amandsberg",
            health_notes="Knieoperatie gepland in maart",
            languages=["nl", "ar"],
        )
        Buddy.objects.filter(pk=b.pk).update(
            motivation="Ik wil iets teruggeven aan mijn buurt", skills="Fietsherstelling"
        )
        p.refresh_from_db()
        b.refresh_from_db()
        HouseholdMember.objects.create(
            project=p.project, participant=p, first_name="Yusufje", relation="child"
        )
        ContactMoment.objects.create(
            project=p.project,
            participant=p,
            contacted_on=date(2026, 3, 2),
            kind="phone",
            outcome="reached",
            note="Belde over de wachttijd",
        )
        Offer.objects.create(
            project=p.project,
            participant=p,
            kind="group",
            description="Wandelgroep Blaarmeersen",
            offered_on=date(2026, 3, 3),
        )
        mf.publish(p, summary="Zoekt een wandelmaatje voor de zondag")
        PairExclusion.objects.create(
            project=p.project, participant=p, buddy=b, reason="other", note="Wonen te ver uiteen"
        )
        trajectory = tf.own_trajectory(w)
        goal_add(
            trajectory=trajectory, by=w.coord, title="Zelf de bus nemen naar Gent-Sint-Pieters"
        )
        imf.give_consent(p, by=w.coord)
        imf.measurement(trajectory, "baseline")
        cf.support(p, by=w.coord)
        cf.handover(p, cf.service(w.network), by=w.coord)
        kf.pair_message(w)
        plf.plan(p, by=w.coord, coordinator_name="Tante Zohra")
        IntakeInterview.objects.create(
            project=b.project,
            buddy=b,
            held_on=date(2026, 1, 5),
            motivation="Wil mensen helpen",
            notes="Sterk in luisteren",
        )
        Reference.objects.create(
            project=b.project,
            buddy=b,
            name="Griet Referentiepersoon",
            relation="werkgever",
        )
        Attachment.objects.create(
            project=b.project,
            buddy=b,
            name="cv-bram.pdf",
            content_type="application/pdf",
            size=9,
            data=b"%PDF-cv-1",
        )
        ef.figures()
        from buddynet.expenses import services as expense_services

        expense_services.payee_account_set(
            buddy=b, holder="Bram Buddyman", iban="BE68 5390 0754 7034", by=w.coord
        )
        claim = ef.ticket(b, timezone.localdate(), "4.20", by=w.coord)
    return w, p, b, claim


VALUES_PARTICIPANT = (
    "Wil graag samen naar de markt in Sint-Amandsberg",
    "Knieoperatie gepland in maart",
    "Yusufje",
    "Belde over de wachttijd",
    "Wandelgroep Blaarmeersen",
    "Zoekt een wandelmaatje voor de zondag",
    "Wonen te ver uiteen",
    "Tante Zohra",
    "Zoekt hulp bij de opvoeding.",
    "Zie ik je donderdag aan de bib?",
    "Zelf de bus nemen naar Gent-Sint-Pieters",
)
VALUES_BUDDY = (
    "Ik wil iets teruggeven aan mijn buurt",
    "Fietsherstelling",
    "Sterk in luisteren",
    "Griet Referentiepersoon",
    "cv-bram.pdf",
    "4.20",
    "Zelf de bus nemen naar Gent-Sint-Pieters",
)


@pytest.mark.django_db
def test_the_participants_export_holds_everything_created_for_them(rich):
    w, p, _b, _claim = rich
    run = pf.made(p, w.coord)
    assert run.status == Export.Status.DONE, run.error
    data, text, names = zip_of(run)

    assert data["person"]["code"] == str(p.code)
    blob = json.dumps(data, ensure_ascii=False)
    for value in VALUES_PARTICIPANT:
        assert value in blob, value
        assert value in text, value
    # Every record of every app that points at the person is in the JSON, by its code.
    with scopes_disabled():
        made = records_about(p)
    assert_every_record_exported(made, data)
    # At least these apps gave records for her.
    assert {
        "participants.Participant",
        "participants.HouseholdMember",
        "participants.ConsentRecord",
        "participants.ContactMoment",
        "participants.Offer",
        "matching.MatchingProfile",
        "matching.PairExclusion",
        "trajectories.Trajectory",
        "impact.Measurement",
        "community.Handover",
        "plans.FamilyPlan",
    } <= set(made)
    # Her conversation with her buddy (a pair's, through the trajectory) is in it.
    assert str(kf.pair(w).code) in json.dumps(data["sections"])
    # ISO dates, and the why and since of each section with records.
    contact = next(
        s for s in data["sections"] if s["key"] == "participants-contactmoment-participant"
    )
    assert contact["records"][0]["contacted_on"] == "2026-03-02"
    assert all(s["why"] for s in data["sections"])
    # (A household member has no date of its own: it is kept since the intake.)
    dated = [s for s in data["sections"] if s["records"] and "householdmember" not in s["key"]]
    assert all(s["since"] for s in dated), [s["key"] for s in dated if not s["since"]]
    support = next(s for s in data["sections"] if s["key"] == "participants-participant")
    assert support["purpose"]["key"] == "support"
    # In her language (Dutch is her first one buddynet speaks): the Dutch summary.
    assert "overzicht.pdf" in names
    assert "Wat buddynet over je bewaart" in text


@pytest.mark.django_db
def test_the_buddys_export_holds_their_files_and_expenses(rich):
    w, _p, b, claim = rich
    run = pf.made(b, w.coord)
    data, text, names = zip_of(run)
    blob = json.dumps(data, ensure_ascii=False)
    with scopes_disabled():
        iban = PayeeAccount.objects.get(buddy=b).iban
    for value in (*VALUES_BUDDY, iban):
        assert value in blob, value
        assert value in text, value
    with scopes_disabled():
        made = records_about(b)
    assert_every_record_exported(made, data)
    assert {"expenses.Claim", "expenses.PayeeAccount", "volunteers.Attachment"} <= set(made)
    # The files themselves are in the ZIP beside the data.
    archive = zipfile.ZipFile(io.BytesIO(run.file.open("rb").read()))
    cv = next(n for n in names if n.endswith("cv-bram.pdf"))
    assert archive.read(cv) == b"%PDF-cv-1"
    receipt = next(n for n in names if str(claim.code) in n)
    assert archive.read(receipt).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_who_saw_the_file_is_in_the_export(world, client_for):
    w = world
    client = client_for(w.coord)
    assert (
        client.get(
            reverse("buddy_detail", kwargs={"project": w.project.code, "code": w.buddy.code})
        ).status_code
        == 200
    )
    run = pf.made(w.buddy, w.coord)
    data, text, _names = zip_of(run)
    seen = [h for h in data["file_history"] if h["action"] == "buddy.viewed"]
    assert seen and seen[0]["who"] == str(w.coord)
    assert "privacy.export_requested" in [h["action"] for h in data["file_history"]]
    assert str(w.coord) in text


def test_every_personal_field_is_declared_by_its_app():
    gaps = personal.undeclared_fields(PERSON_MODELS)
    assert gaps == {}, (
        "These fields of records about a participant or a buddy are neither in the "
        "export nor left out with a reason: declare them in the app's personal.py "
        f"(fields= or left_out=): {gaps}"
    )


def test_a_new_undeclared_field_fails_the_coverage_check():
    """The check is not empty by construction: drop one declared field from a part and
    it is reported."""
    parts = personal.all_parts()
    trimmed = []
    for part in parts:
        if part.model is Participant:
            part = personal.Part(
                part.model,
                person=part.person,
                why=part.why,
                fields=tuple(n for n in part.fields if n != "health_notes"),
                left_out=part.left_out,
            )
        trimmed.append(part)
    assert personal.undeclared_fields(PERSON_MODELS, trimmed) == {
        "participants.Participant": ["health_notes"]
    }


def test_every_declared_field_exists():
    for part in personal.all_parts():
        names = {f.name for f in part.model._meta.concrete_fields}
        declared = set(part.fields) | set(part.left_out) | set(part.files)
        assert declared <= names, (part.model, declared - names)
        assert part.person_model() in PERSON_MODELS


@pytest.mark.django_db
def test_ask_follow_and_download_once(world, client_for, django_capture_on_commit_callbacks):
    w = world
    client = client_for(w.coord)
    kw = {"project": w.project.code, "code": w.participant.code}
    page = client.get(reverse("participant_detail", kwargs=kw))
    assert reverse("privacy_export_participant", kwargs=kw) in page.content.decode()

    response = client.post(reverse("privacy_export_participant", kwargs=kw))
    assert response.status_code == 302
    with scopes_disabled():
        run = Export.objects.get(participant=w.participant)
    # The test's transaction never commits: run the queue's job here.
    services.export_execute(run.pk)
    run_kw = {"project": w.project.code, "code": run.code}
    assert response["Location"] == reverse("privacy_export", kwargs=run_kw)
    progress = client.get(reverse("privacy_export_progress", kwargs=run_kw))
    assert progress["HX-Redirect"] == reverse("privacy_export", kwargs=run_kw)
    ready = client.get(reverse("privacy_export", kwargs=run_kw)).content.decode()
    assert reverse("privacy_export_download", kwargs=run_kw) in ready

    with scopes_disabled():
        run.refresh_from_db()
    stored = run.file.name
    assert default_storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("privacy_export_download", kwargs=run_kw))
    assert first.status_code == 200
    assert first["Content-Type"] == "application/zip"
    data, _text, _names = read_zip(b"".join(first.streaming_content))
    assert data["person"]["name"] == w.participant.full_name
    assert not default_storage.exists(stored)

    # A double click gets no second file (the repeated-request guard answers 409)...
    repeat = client.post(reverse("privacy_export_download", kwargs=run_kw))
    assert repeat.status_code == 409 and not repeat.get("Content-Disposition")
    # ...and later the download is refused with the reason, on the export's page.
    cache.clear()
    second = client.post(reverse("privacy_export_download", kwargs=run_kw), follow=True)
    assert second.status_code == 200
    assert second.redirect_chain[-1][0] == reverse("privacy_export", kwargs=run_kw)
    assert "maar één keer gedownload" in second.content.decode()
    with scopes_disabled(), pytest.raises(services.ExportGone):
        services.export_download(run=run, by=w.coord)

    with scopes_disabled():
        actions = list(
            AuditEntry.unscoped.filter(
                object_id=w.participant.pk, action__startswith="privacy."
            ).values_list("action", flat=True)
        )
    for action in ("export_requested", "export_made", "export_viewed", "export_downloaded"):
        assert f"privacy.{action}" in actions


@pytest.mark.django_db
def test_asking_twice_gives_the_same_export(world):
    w = world
    with scopes_disabled():
        first = services.export_start(project=w.project, person=w.buddy, by=w.coord)
        again = services.export_start(project=w.project, person=w.buddy, by=w.coord)
    assert first.pk == again.pk


@pytest.mark.django_db
def test_an_export_not_downloaded_in_time_is_removed(
    world, client_for, django_capture_on_commit_callbacks
):
    w = world
    run = pf.made(w.buddy, w.coord)
    stored = run.file.name
    later = timezone.now() + timezone.timedelta(days=services.KEEP_DAYS + 1)
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        assert services.exports_expire(now=later) == 1
        run.refresh_from_db()
    assert run.removed_at is not None and not run.file
    assert not default_storage.exists(stored)
    response = client_for(w.coord).post(
        reverse("privacy_export_download", kwargs={"project": w.project.code, "code": run.code}),
        follow=True,
    )
    assert "Deze export is verlopen" in response.content.decode()


@pytest.mark.django_db
def test_another_projects_coordinator_gets_404(world, client_for):
    w = world
    run = pf.made(w.participant, w.coord)
    other = client_for(w.other_coord)
    run_kw = {"project": w.project.code, "code": run.code}
    assert other.post(reverse("privacy_export_download", kwargs=run_kw)).status_code == 404
    # Their own project's code with our export: still 404.
    mixed = {"project": w.other.code, "code": run.code}
    assert other.post(reverse("privacy_export_download", kwargs=mixed)).status_code == 404
    assert other.get(reverse("privacy_export", kwargs=mixed)).status_code == 404
    with scopes_disabled():
        run.refresh_from_db()
    assert run.downloaded_at is None


@pytest.mark.django_db
def test_decimal_and_dates_are_json_text():
    assert personal.json_value(Decimal("4.20")) == "4.20"
    assert personal.json_value(date(2026, 1, 2)) == "2026-01-02"
