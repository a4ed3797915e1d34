"""Demo data for recruitment: vacancies, the information note, training, pipeline history
and a signed note for the demo buddy. Dutch content; deterministic for a seed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone, translation

from buddynet.core import choices
from buddynet.core.bulk import bulk_update_rows
from buddynet.core.geo import by_postcode

from .models import (
    Buddy,
    InformationNote,
    IntakeInterview,
    Orientation,
    PipelineStep,
    TrainingModule,
    TrainingRecord,
    TrainingSession,
    Vacancy,
    VolunteerTerms,
)
from .services import PIPELINE_ORDER, note_hash, note_text

# (title, description, hours, required before matching, refresh after months)
# The training modules: one row per module, in the order of MODULE_FIELDS.
MODULE_FIELDS = ("title", "description", "hours", "required_before_matching", "refresh_months")
MODULES = [
    ("Grenzen bewaken", "Wat doe je wel, wat niet? Geen grijze zones.", 3, True, None),
    ("Rollenspel: de eerste ontmoeting", "Oefenen in kleine groep met een acteur.", 2, True, None),
    ("Privacy en discretie", "Wat je hoort, blijft bij jou.", 1.5, True, 24),
    ("Omgaan met psychische kwetsbaarheid", "Verdiepingsmodule.", 3, False, None),
]
VACANCIES = [
    (
        "Buddy voor een eenzame oudere",
        Orientation.RELATION,
        "Je bezoekt wekelijks iemand die weinig buiten komt: een babbel, een wandeling, samen "
        "naar de markt.",
        "Wekelijks, 2 uur",
        "Minstens een jaar",
    ),
    (
        "Buddy voor papieren en afspraken",
        Orientation.TASK,
        "Je gaat mee naar afspraken (OCMW, school, dokter) en helpt met brieven en formulieren.",
        "Tweewekelijks, 2 à 3 uur",
        "Zes maanden",
    ),
]


def _terms(project, rng) -> VolunteerTerms:
    return VolunteerTerms.objects.create(
        project=project,
        purpose=f"{project.organisation.name} ondersteunt {project.target_group} met "
        "vrijwillige buddy's, zodat niemand er alleen voor staat.",
        insurer=rng.choice(["Ethias", "KBC Verzekeringen", "AG Insurance"]),
        policy_number=f"{rng.randint(10, 99)}.{rng.randint(100000, 999999)}",
        insurance_cover="Burgerlijke aansprakelijkheid, lichamelijke ongevallen (ook op weg "
        "van en naar je buddy) en rechtsbijstand.",
        expense_system=rng.choice(["flat", "real"]),
        expense_details="Uitbetaling per kwartaal op je rekening, na je overzicht.",
        professional_secrecy=project.organisation.name.startswith("CAW"),
        discretion="Wat je hoort over je buddy en zijn omgeving vertel je aan niemand, "
        "behalve aan je coördinator.",
        nature_of_work="Je spreekt ongeveer wekelijks af met één deelnemer, gedurende "
        "ongeveer een jaar.",
        contact_person="de coördinator van het project",
        contact_details=project.contact_email,
        requires_record_check="jongvolwassenen" in project.name.lower(),
        privacy_statement="We gebruiken je gegevens alleen om je kandidatuur te behandelen en, "
        "als je start, voor je buddywerk. Je kunt ze altijd inkijken of laten wissen.",
    )


# Days after applying that a candidate takes each step: applied, intake, screening,
# training, the mutual decision, ready to match.
STEP_DAYS = [0, 10, 20, 30, 55, 60]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


# What ``_pipeline`` fills in on each buddy (written for all of them at once).
PIPELINE_FIELDS = [
    "availability",
    "max_distance_km",
    "latitude",
    "longitude",
    "applied_on",
    "stop_reason",
    "status_before_pause",
    "status_changed_on",
    "buddy_says_yes",
    "project_says_yes",
]


def _pipeline(project, buddy, rng, today, coordinator, modules, steps, records) -> None:
    """The buddy's way through the pipeline, each step on the day it was taken: applied
    months ago for those who walk with someone, a few weeks ago for a candidate still in
    a step (not today for everyone, and not a year ago for someone still "applied")."""
    buddy.availability = rng.sample(choices.SLOT_CODES, k=rng.randint(2, 6))
    buddy.max_distance_km = rng.choice([5, 10, 15, 20])
    place = by_postcode(buddy.postcode)
    if place:
        buddy.latitude, buddy.longitude = place.latitude, place.longitude
    started = today - timedelta(days=rng.randint(60, 500))
    if buddy.status in PIPELINE_ORDER:
        reached = PIPELINE_ORDER.index(buddy.status)
    else:
        reached = rng.randint(1, 5)
    if buddy.status in PIPELINE_ORDER[: PIPELINE_ORDER.index(Buddy.Status.READY)]:
        # Still a candidate: the current step was taken in the last few weeks.
        started = today - timedelta(days=STEP_DAYS[reached] + (started - today).days % 28)
    buddy.applied_on = started
    day = started
    for i in range(reached + 1):
        if i < len(STEP_DAYS):
            day = started + timedelta(days=STEP_DAYS[i])
        else:  # matched: some time after they were ready
            day += (today - day) // 2
        steps.append(
            PipelineStep(
                project=project,
                buddy=buddy,
                from_status=PIPELINE_ORDER[i - 1] if i else "",
                to_status=PIPELINE_ORDER[i],
                by=coordinator if i else None,
                created_at=_at(day),
            )
        )
    if buddy.status in (Buddy.Status.PAUSED, Buddy.Status.STOPPED):
        reason = ""
        if buddy.status == Buddy.Status.STOPPED:
            reason = rng.choice(["moved", "no_time", "other"])
            buddy.stop_reason = reason
        else:
            buddy.status_before_pause = PIPELINE_ORDER[reached]
        day += (today - day) // 2
        steps.append(
            PipelineStep(
                project=project,
                buddy=buddy,
                from_status=PIPELINE_ORDER[reached],
                to_status=buddy.status,
                reason=reason,
                by=coordinator,
                created_at=_at(day),
            )
        )
    buddy.status_changed_on = day
    if reached >= PIPELINE_ORDER.index(Buddy.Status.READY):
        buddy.buddy_says_yes = buddy.project_says_yes = True
        for module in modules[:3]:
            records.append(
                TrainingRecord(
                    project=project,
                    buddy=buddy,
                    module=module,
                    completed_on=started + timedelta(days=rng.randint(20, 50)),
                )
            )


def seed_extra(*, projects, users, rng, today, progress) -> None:
    coordinator = users["coordinator"]
    for project in projects:
        _terms(project, rng)
        for title, orientation, task, freq, dur in VACANCIES:
            Vacancy.objects.create(
                project=project,
                title=title,
                orientation=orientation,
                task_description=task,
                competences="Een luisterend oor, geduld, respect voor andermans keuzes.",
                minimum_requirements="Minstens 18 jaar. Je spreekt Nederlands of de taal van "
                "de deelnemer.",
                frequency=freq,
                duration=dur,
                training_required="Drie basismodules (samen ongeveer 6,5 uur).",
                is_published=True,
                closes_on=today + timedelta(days=rng.randint(20, 90)),
            )
        modules = [
            TrainingModule.objects.create(
                project=project, **dict(zip(MODULE_FIELDS, row, strict=True))
            )
            for row in MODULES
        ]
        for module in modules:
            for weeks in (-20, -6, 3):
                when = datetime.combine(today + timedelta(weeks=weeks), time(19, 0))
                TrainingSession.objects.create(
                    project=project,
                    module=module,
                    starts_at=timezone.make_aware(when),
                    location=f"Ontmoetingsruimte {project.town}",
                    trainer="Team vorming",
                )
        steps: list[PipelineStep] = []
        records: list[TrainingRecord] = []
        buddies = list(Buddy.objects.filter(project=project).order_by("pk"))
        for buddy in buddies:
            _pipeline(project, buddy, rng, today, coordinator, modules, steps, records)
        bulk_update_rows(buddies, PIPELINE_FIELDS)
        # bulk_create stamps auto_now_add fields with now; the days they were taken:
        taken_at = [step.created_at for step in steps]
        made = PipelineStep.objects.bulk_create(steps)
        for step, created_at in zip(made, taken_at, strict=True):
            step.created_at = created_at
        bulk_update_rows(made, ["created_at"])
        TrainingRecord.objects.bulk_create(records)
    progress("vacancies, training and pipeline history")

    # The demo buddy: an intake interview and a signed information note.
    demo = Buddy.objects.filter(user=users["buddy"]).select_related("project").first()
    if demo is None:
        return
    # On the days of their intake step and, after screening, the information note.
    applied = demo.applied_on or today - timedelta(days=200)
    IntakeInterview.objects.create(
        buddy=demo,
        project=demo.project,
        held_on=applied + timedelta(days=STEP_DAYS[1]),
        motivation="Wil iets betekenen in de buurt; kreeg zelf ooit hulp van een vrijwilliger.",
        expectations="Een vaste deelnemer, wekelijks afspreken.",
        strengths="Rustig, goede luisteraar, praktisch.",
        availability="Woensdagnamiddag en zaterdag.",
        by=coordinator,
    )
    terms = VolunteerTerms.objects.get(project=demo.project)
    with translation.override("nl"):
        text = note_text(buddy=demo, terms=terms)
    InformationNote.objects.create(
        project=demo.project,
        buddy=demo,
        text=text,
        document_hash=note_hash(text),
        language="nl",
        signed_name=demo.full_name,
        signed_at=_at(applied + timedelta(days=STEP_DAYS[2]), 17),
        signed_by=users["buddy"],
    )
    progress("signed information note for the demo buddy")
