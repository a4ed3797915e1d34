"""The right of access and portability: a person's export holds every piece of their
data across the apps (read back from the ZIP: JSON and PDF text), every personal field
is declared by its app, the ZIP is downloaded once by a coordinator of the person's
project, and every step is on the audit log."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled
from pypdf import PdfReader

from buddynet.core import choices, personal
from buddynet.core.models import AuditEntry
from buddynet.expenses.models import PayeeAccount
from buddynet.matching.models import PairExclusion
from buddynet.participants import consent
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


# Chains of keys that reach a person without being about them, and why; any other chain
# must be covered by a part of the model for that kind of person.
NOT_ABOUT = {
    **dict.fromkeys(
        (
            ("impact.Measurement", "trajectory__buddy"),
            ("impact.Response", "measurement__trajectory__buddy"),
            ("impact.OwnAnswer", "measurement__trajectory__buddy"),
            ("impact.MeasurementLink", "measurement__trajectory__buddy"),
        ),
        "a participant's answers to a questionnaire are hers, not her buddy's",
    ),
    **dict.fromkeys(
        (
            ("community.Handover", "trajectory__buddy"),
            ("community.HandoverStep", "handover__trajectory__buddy"),
            ("community.HandoverLink", "handover__trajectory__buddy"),
        ),
        "the participant's warm hand-over to a service is about her, not her buddy",
    ),
    **dict.fromkeys(
        (
            ("plans.PlanEntry", "source_goal__trajectory__buddy"),
            ("plans.PlanEntry", "source_journal__trajectory__buddy"),
            ("plans.PlanAction", "source_goal__trajectory__buddy"),
        ),
        "the family's plan is the family's; the goal or note it came from is in the "
        "buddy's own export",
    ),
    **dict.fromkeys(
        (
            ("expenses.Claim", "trajectory__participant"),
            ("expenses.NamedListEntry", "claim__trajectory__participant"),
        ),
        "the buddy's expense claim (the buddy's money) is in the buddy's export; the "
        "visit it pays for is in the trajectory's journal",
    ),
}


def chains_to(model: type[models.Model], person_model: type[models.Model]) -> list[str]:
    """Independently of the declarations: every chain of keys from ``model`` to a
    ``person_model`` (``"participant"``, ``"trajectory__participant"``,
    ``"closure__trajectory__buddy"``) through models that reach a person; ``""`` when
    ``model`` is the person's own record. A chain stops at a person's record."""
    if model is person_model:
        return [""]
    reachable = set(personal.reachable_models(PERSON_MODELS))
    found: list[str] = []

    def walk(current: type[models.Model], path: tuple[str, ...], seen: frozenset) -> None:
        for f in current._meta.concrete_fields:
            if not (f.is_relation and (f.many_to_one or f.one_to_one)):
                continue
            target = f.related_model
            if target is person_model:
                found.append("__".join((*path, f.name)))
            elif target in reachable and target not in seen and target not in PERSON_MODELS:
                walk(target, (*path, f.name), seen | {target})

    walk(model, (), frozenset({model}))
    return found


def paths_to(model: type[models.Model], person_model: type[models.Model]) -> list[str]:
    """The chains that make a row of ``model`` about the person (``NOT_ABOUT`` left out)."""
    label = model._meta.label
    return [c for c in chains_to(model, person_model) if (label, c) not in NOT_ABOUT]


def records_about(person) -> dict[str, list[models.Model]]:
    """Independently of the declarations: every row of every model that is the person
    or reaches them through its keys (a journal entry through its trajectory, a
    signature through its version, agreement and trajectory), by model label."""
    found: dict[str, list[models.Model]] = {}
    for model in personal.reachable_models(PERSON_MODELS):
        query = models.Q()
        for path in paths_to(model, type(person)):
            query |= models.Q(**{f"{path}__pk" if path else "pk": person.pk})
        if not query:
            continue
        rows = list(model._default_manager.filter(query).distinct().order_by("pk"))
        if rows:
            found[model._meta.label] = rows
    return found


def squeezed(text: str) -> str:
    """Text without its white space: the PDF breaks a long value over lines."""
    return "".join(text.split())


def assert_every_record_exported(
    made: dict[str, list[models.Model]], data: dict, pdf_text: str, person
) -> None:
    """Each row about the person is a record of its model's sections in data.json (by
    its code, else by all its exported values), and the PDF shows its words: its
    code, its texts and the labels of its codes. The export's own row, which changes
    as it is made, is looked for by its code alone."""
    pdf = squeezed(pdf_text)
    for label, rows in made.items():
        model = apps.get_model(label)
        parts = [
            p for p in personal.all_parts() if p.model is model and p.person_model() is type(person)
        ]
        assert parts, f"{label} has rows about a {type(person).__name__} but no part exports them"
        part = parts[0]
        prefix = model._meta.label_lower.replace(".", "-")
        records = [
            r
            for s in data["sections"]
            if s["key"].split("-")[:2] == prefix.split("-")
            for r in s["records"]
        ]
        assert len(records) >= len(rows), f"{label}: {len(rows)} rows, {len(records)} exported"
        names = [n for n in part.exported if n not in part.files]
        for row in rows:
            changed = label == "privacy.Export"  # made (and changed) by the export
            if "code" in names:
                matches = [r for r in records if r["code"] == str(row.code)]
            else:
                values = {n: personal.json_value(getattr(row, n)) for n in names}
                matches = [r for r in records if all(r.get(n) == v for n, v in values.items())]
            assert matches, f"{label} {getattr(row, 'code', row.pk)} is not in data.json"
            if changed:
                assert str(row.code) in pdf, f"{label} {row.code} is not in the PDF"
                continue
            if "code" in names:
                values = {n: personal.json_value(getattr(row, n)) for n in names}
                assert {n: matches[0].get(n) for n in names} == values
            for name in names:
                field = model._meta.get_field(name)
                if not (
                    field.choices
                    or isinstance(field, models.CharField | models.TextField | models.UUIDField)
                ):
                    continue
                shown = personal._shown(row, name, part)
                if shown != "-":
                    assert squeezed(shown) in pdf, f"{label}.{name} {shown!r} is not in the PDF"


def test_every_chain_to_a_person_is_exported_or_said_not_to_be_about_them():
    """A model that reaches a participant or a buddy through its keys (directly or
    through a trajectory, conversation, plan...) has a part for that kind of person,
    unless every chain is listed in NOT_ABOUT with a reason; NOT_ABOUT names chains
    that exist."""
    gaps = []
    for model in personal.reachable_models(PERSON_MODELS):
        for person_model in PERSON_MODELS:
            if not paths_to(model, person_model):
                continue
            if not any(
                p.model is model and p.person_model() is person_model for p in personal.all_parts()
            ):
                gaps.append(f"{model._meta.label} → {person_model.__name__}")
    assert gaps == []
    for label, chain in NOT_ABOUT:
        model = apps.get_model(label)
        assert any(chain in chains_to(model, pm) for pm in PERSON_MODELS), (label, chain)


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
        through_the_trajectory(w, p, b, trajectory, claim)
    return w, p, b, claim


def through_the_trajectory(w, p, b, trajectory, claim) -> None:
    """The records that reach the two through the trajectory, a proposal, a signal, a
    closure, a measurement or the family plan, and the buddy's own other records: one
    of each, with words that can be looked for in the export."""
    from buddynet.community.models import Transfer
    from buddynet.expenses.models import NamedListEntry, OtherAllowance
    from buddynet.followup.models import Closure, ExitConversation, SignalStep
    from buddynet.impact.models import MeasurementLink, OwnAnswer, Response
    from buddynet.matching.models import HandRaise, Introduction, IntroductionAnswer, Proposal
    from buddynet.plans.models import PlanAction, PlanEntry, PlanReview, PlanShare
    from buddynet.trajectories.models import AgreementSignature, RoleTask
    from buddynet.volunteers.models import (
        InformationNote,
        PipelineStep,
        TrainingModule,
        TrainingRecord,
    )
    from tests.followup import factories as ff

    project, now, today = p.project, timezone.now(), timezone.localdate()
    proposal = Proposal.objects.create(
        project=project,
        buddy=b,
        participant=p,
        score=87,
        source="ranking",
        feeling_note="Klikt vast over fietsen",
    )
    HandRaise.objects.create(project=project, buddy=b, participant=p, note="Ik ken de buurt")
    introduction = Introduction.objects.create(
        project=project,
        proposal=proposal,
        buddy=b,
        participant=p,
        meets_at=now,
        place="Bibliotheek De Krook",
        staff_present="Coördinator Sarah",
        notes="Vlot gesprek",
        trajectory=trajectory,
    )
    IntroductionAnswer.objects.create(
        project=project,
        introduction=introduction,
        side="participant",
        yes=True,
        reason="Een fijne man",
    )
    version = tf.with_agreement(w, trajectory, w.coord)
    AgreementSignature.objects.create(
        project=project,
        version=version,
        party="participant",
        signed_name="Fatma Getekend",
        signed_at=now,
        document_hash=version.document_hash,
    )
    RoleTask.objects.create(
        project=project,
        trajectory=trajectory,
        description="Belt de huisarts voor haar",
        owner="buddy",
    )
    tf.journal_entries(w, trajectory, w.coord)
    signal = ff.make_signal(trajectory, w.coord, description="Vraagt om geld voor de huur")
    SignalStep.objects.create(
        project=project, signal=signal, step="talk", note="Besproken met de buddy", by=w.coord
    )
    closure = Closure.objects.create(
        project=project,
        trajectory=trajectory,
        reason="goals_reached",
        reason_note="Doelen bereikt, ze rijdt zelf met de bus",
    )
    ExitConversation.objects.create(
        project=project,
        closure=closure,
        party="participant",
        held_on=today,
        rating=4,
        what_helped="De wekelijkse wandeling",
    )
    measurement = imf.measurement(trajectory, "baseline")
    Response.objects.create(
        project=project,
        measurement=measurement,
        instrument="who5",
        answers=imf.who5(3),
        headline=60,
    )
    _questionnaire, (question,) = imf.own_questionnaire(
        project, w.coord, {"text_nl": "Hoe gaat het met koken?", "kind": "text"}
    )
    OwnAnswer.objects.create(
        project=project, measurement=measurement, question=question, value="Soep maken lukt"
    )
    MeasurementLink.objects.create(
        project=project,
        measurement=measurement,
        token_hash="f" * 64,
        expires_at=now + timezone.timedelta(days=7),
    )
    Transfer.objects.create(
        project=project, participant=p, to_project=w.other, note="Verhuist naar Antwerpen"
    )
    plan = plf.plan(p, by=w.coord)
    PlanEntry.objects.create(
        project=project, plan=plan, kind="strength", text="Kookt graag voor de buren"
    )
    PlanAction.objects.create(
        project=project, plan=plan, what="Inschrijven bij de muziekschool", who="family"
    )
    PlanReview.objects.create(
        project=project,
        plan=plan,
        held_on=today,
        went_well="Het huiswerk loopt beter",
        next_review_on=today,
    )
    PlanShare.objects.create(
        project=project, plan=plan, user=w.buddy_user, role="buddy", given_on=today
    )
    PipelineStep.objects.create(
        project=b.project,
        buddy=b,
        from_status="intake",
        to_status="training",
        note="Klaar voor de vorming",
    )
    module = TrainingModule.objects.create(project=b.project, title="Grenzen bewaken")
    TrainingRecord.objects.create(
        project=b.project, buddy=b, module=module, attended=True, completed_on=today
    )
    InformationNote.objects.create(
        project=b.project,
        buddy=b,
        text="Informatienota voor vrijwilligers",
        document_hash="a" * 64,
        signed_name="Bram Ondertekend",
        signed_at=now,
    )
    OtherAllowance.objects.create(
        project=b.project,
        buddy=b,
        year=today.year,
        organisation="Vzw De Andere Buurt",
        amount=Decimal("50.00"),
    )
    # A paid claim of its own: its line is on the named list (the erasure tests pay the
    # fixture's claim themselves).
    paid = ef.flat(b, today - timezone.timedelta(days=1), "7.50", by=w.coord)
    NamedListEntry.objects.create(
        project=b.project,
        organisation_name="Buddywerking Gent",
        year=today.year,
        volunteer_name="Bram Lijstnaam",
        volunteer_ref=b.code,
        on=today,
        kind="flat_day",
        amount=Decimal("4.20"),
        batch_number=1,
        keep_until=today,
        claim=paid,
    )


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
    "Klikt vast over fietsen",
    "Bibliotheek De Krook",
    "Een fijne man",
    "Fatma Getekend",
    "Belt de huisarts voor haar",
    "Notitie team",
    "Vraagt om geld voor de huur",
    "Besproken met de buddy",
    "Doelen bereikt, ze rijdt zelf met de bus",
    "De wekelijkse wandeling",
    "Soep maken lukt",
    "Verhuist naar Antwerpen",
    "Kookt graag voor de buren",
    "Inschrijven bij de muziekschool",
    "Het huiswerk loopt beter",
)
VALUES_BUDDY = (
    "Ik wil iets teruggeven aan mijn buurt",
    "Fietsherstelling",
    "Sterk in luisteren",
    "Griet Referentiepersoon",
    "cv-bram.pdf",
    "4.20",
    "Zelf de bus nemen naar Gent-Sint-Pieters",
    "Klaar voor de vorming",
    "Grenzen bewaken",
    "Bram Ondertekend",
    "Vzw De Andere Buurt",
    "Bram Lijstnaam",
    "Vraagt om geld voor de huur",
    "Belt de huisarts voor haar",
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
        assert_every_record_exported(made, data, text, p)
    # Every model that can hold something about her holds something in this test.
    assert set(made) == {
        m._meta.label for m in personal.reachable_models(PERSON_MODELS) if paths_to(m, Participant)
    }
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
        assert_every_record_exported(made, data, text, b)
    assert set(made) == {
        m._meta.label for m in personal.reachable_models(PERSON_MODELS) if paths_to(m, Buddy)
    }
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


def test_no_two_sections_of_one_persons_export_have_the_same_title():
    """A person reads the export's list of sections: a record kind that reaches the
    same person by two keys (a transfer: the file it left, the file it made) says
    which way in its title, in both languages."""
    for person_model in PERSON_MODELS:
        parts = personal.parts_for(person_model)
        for language in ("nl", "en"):
            with translation.override(language):
                titles = [str(p.title or p.model._meta.verbose_name_plural) for p in parts]
            repeated = sorted({t for t in titles if titles.count(t) > 1})
            assert repeated == [], (person_model.__name__, language, repeated)


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


# Words that are the same in Dutch and English (a label may be one of them).
SAME_IN_BOTH = {
    "buddy",
    "code",
    "contact",
    "gender",
    "IBAN",
    "moment",
    "postcode",
    "professional",
    "project",
    "score",
    "scores",
    "status",
}


def test_every_title_and_label_of_the_export_has_its_dutch_words():
    """A section's title and a field's label in the Dutch PDF are Dutch: a model
    without a verbose name, or a field without a label, shows the English words
    Django makes of its name."""
    english = []
    for part in personal.all_parts():
        model = part.model
        for name in ("", *part.exported):
            words = {}
            for language in ("en", "nl"):
                with translation.override(language):
                    words[language] = (
                        personal.field_label(model, name)
                        if name
                        else str(part.title or model._meta.verbose_name_plural)
                    )
            if words["en"] == words["nl"] and words["en"] not in SAME_IN_BOTH:
                english.append(f"{model._meta.label}.{name or '(title)'}: {words['en']}")
    assert english == []


ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@pytest.mark.django_db
def test_the_summary_shows_words_not_keys_in_both_languages(rich):
    """The PDF says a consent's purpose by its title, a questionnaire by its name, the
    fields a hand-over shares by their labels, and times as a date and hour in the
    reader's language; the Dutch one has no English section title or label."""
    _w, p, b, _claim = rich
    # (A key that is an English word, "support", may be in the English text.)
    keys = {purpose.key for purpose in consent.PURPOSES if "_" in purpose.key}
    keys |= {"djg6", "who5", "first_name", "public_transport"}
    for language in ("nl", "en"):
        for person in (p, b):
            with scopes_disabled(), translation.override(language):
                data, text, _names = read_zip(services.build_zip(person))
                titles = {s["key"]: s["title"] for s in data["sections"] if s["records"]}
            raw = [key for key in keys if re.search(rf"\b{key}\b", text)]
            assert raw == [], (language, raw)
            assert not ISO_TIME.search(text), (language, ISO_TIME.search(text))
            with translation.override(language):
                arabic = str(dict(choices.LANGUAGES)["ar"])
            assert (arabic in text) is (person == p), language  # her languages, by name
            if language == "nl":
                assert "Recorded by" not in text and "Created by" not in text
                with translation.override("en"):
                    english = {
                        str(p.title or p.model._meta.verbose_name_plural)
                        for p in personal.all_parts()
                    }
                for title in titles.values():
                    assert title not in english or title in SAME_IN_BOTH, title
