"""Demo impact measurement (called by seed-demo after the trajectories and follow-up):
most participants consent, their start measurement is filled in (some on their phone
through their link, some in an interview), a mid-point after three months, and the
closure measurement of closed trajectories. Changes are small and noisy, as befriending
studies find, so the outcome pages show honest uncertainty. The first project also asks
its own "Zelfredzaamheid" questionnaire (four self-reliance domains on a 1-5 scale)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import translation
from django_scopes import scopes_disabled

from buddynet.participants import consent
from buddynet.participants import services as participant_services
from buddynet.trajectories.models import Trajectory

from . import services
from .models import ImpactPlan, Measurement, OwnQuestion

SELF_RELIANCE = (
    ("Boodschappen doen", "Doing the shopping"),
    ("Contact leggen met anderen", "Getting in touch with others"),
    ("Post en administratie regelen", "Dealing with post and paperwork"),
    ("De weg vinden naar hulp", "Finding the way to help"),
)


def _self_reliance(project, coordinator) -> list[int]:
    """The project's "Zelfredzaamheid" questionnaire: four domains on a 1-5 scale."""
    questionnaire = services.own_questionnaire_create(
        project=project, name="Zelfredzaamheid", by=coordinator
    )
    for text_nl, text_en in SELF_RELIANCE:
        services.own_question_add(
            questionnaire=questionnaire,
            data={
                "text_nl": text_nl,
                "text_en": text_en,
                "kind": OwnQuestion.Kind.SCALE,
                "low_nl": "lukt niet alleen",
                "high_nl": "lukt helemaal alleen",
                "low_en": "not on my own",
                "high_en": "fully on my own",
                "higher_is_better": True,
            },
            by=coordinator,
        )
    return [questionnaire.pk]


PER_PROJECT = 40  # measured trajectories per project (the demo stays quick at any scale)
CONSENT_SHARE = 0.9


def _djg6(rng, lonely: float) -> dict[str, str]:
    answers = {}
    for item in ("3", "9", "10", "4", "7", "8"):
        negative = item in ("3", "9", "10")
        roll = rng.random()
        if roll < lonely * 0.6:
            answers[item] = "ja" if negative else "nee"
        elif roll < lonely:
            answers[item] = "min of meer"
        else:
            answers[item] = "nee" if negative else "ja"
    return answers


def _who5(rng, level: float) -> dict[str, int]:
    return {item: max(0, min(5, round(rng.gauss(level, 0.9)))) for item in "12345"}


def _answers(rng, person: dict, progress: float) -> dict:
    """A person's answers at a moment: their start level, a little better with time."""
    return {
        "djg6": _djg6(rng, max(0.05, person["lonely"] - 0.15 * progress)),
        "who5": _who5(rng, person["wellbeing"] + 0.6 * progress),
    }


def _own(rng, measurement, person, progress) -> dict[int, int]:
    """Self-reliance answers (1-5): the person's level, a little higher with time."""
    level = person["wellbeing"] + 0.8 * progress
    return {
        q.pk: max(1, min(5, round(rng.gauss(level, 0.8))))
        for q in services.own_questions_of(measurement)
    }


def _fill(measurement, rng, person, progress, coordinator, on) -> None:
    answers = _answers(rng, person, progress)
    own = _own(rng, measurement, person, progress)
    if rng.random() < 0.5:  # the participant through their link, or in an interview
        link, _raw = services.link_create(measurement=measurement, by=coordinator)
        entered: dict = {"entered_by": "participant", "link": link}
    else:
        entered = {"entered_by": "coordinator", "by": coordinator}
    services.answers_enter(measurement=measurement, answers=answers, own=own, **entered)
    Measurement.objects.filter(pk=measurement.pk).update(completed_on=on)


def seed_extra(*, projects, users, rng, today, progress) -> None:
    coordinator = users["coordinator"]
    measured = 0
    with translation.override("nl"), scopes_disabled():
        for index, project in enumerate(projects):
            own = _self_reliance(project, coordinator) if index == 0 else []
            ImpactPlan.objects.update_or_create(
                project=project,
                defaults={
                    "mid_after_months": 3,
                    "instruments": ["djg6", "who5"],
                    "own_questionnaires": own,
                },
            )
            trajectories = list(
                Trajectory.objects.filter(project=project)
                .select_related("participant", "project")
                .order_by("pk")[:PER_PROJECT]
            )
            for trajectory in trajectories:
                if rng.random() > CONSENT_SHARE:
                    continue
                participant_services.consent_record(
                    participant=trajectory.participant,
                    purpose=consent.IMPACT,
                    given=True,
                    by=coordinator,
                )
                services.measurements_plan(trajectory=trajectory, by=coordinator)
                person = {"lonely": rng.uniform(0.3, 0.8), "wellbeing": rng.uniform(1.2, 3.0)}
                moments = {m.moment: m for m in Measurement.objects.filter(trajectory=trajectory)}
                start = trajectory.started_on
                if start > today - timedelta(days=3) or "baseline" not in moments:
                    continue  # just started: the start measurement is still to do
                _fill(moments["baseline"], rng, person, 0, coordinator, start)
                mid = moments.get("mid")
                due = mid is not None and mid.due_on <= today - timedelta(days=3)
                if mid is not None and due and rng.random() < 0.85:
                    _fill(mid, rng, person, 0.6, coordinator, mid.due_on)
                closure = moments.get("closure")
                if closure is not None and trajectory.status == Trajectory.Status.CLOSED:
                    _fill(closure, rng, person, 1.0, coordinator, closure.due_on)
            measured += len(trajectories)
    progress(f"impact: measurements for up to {measured} trajectories")
