"""Demo impact measurement (called by seed-demo after the trajectories and follow-up):
most participants consent, their start measurement is filled in (some on their phone
through their link, some in an interview), a mid-point after three months, and the
closure measurement of closed trajectories. Changes are small and noisy, as befriending
studies find, so the outcome pages show honest uncertainty."""

from __future__ import annotations

from datetime import timedelta

from django.utils import translation
from django_scopes import scopes_disabled

from buddynet.participants import consent
from buddynet.participants import services as participant_services
from buddynet.trajectories.models import Trajectory

from . import services
from .models import ImpactPlan, Measurement

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


def _fill(measurement, rng, person, progress, coordinator, on) -> None:
    answers = _answers(rng, person, progress)
    if rng.random() < 0.5:
        link, _raw = services.link_create(measurement=measurement, by=coordinator)
        services.answers_enter(
            measurement=measurement, answers=answers, entered_by="participant", link=link
        )
    else:
        services.answers_enter(
            measurement=measurement, answers=answers, entered_by="coordinator", by=coordinator
        )
    Measurement.objects.filter(pk=measurement.pk).update(completed_on=on)


def seed_extra(*, projects, users, rng, today, progress) -> None:
    coordinator = users["coordinator"]
    measured = 0
    with translation.override("nl"), scopes_disabled():
        for project in projects:
            ImpactPlan.objects.update_or_create(
                project=project, defaults={"mid_after_months": 3, "instruments": ["djg6", "who5"]}
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
