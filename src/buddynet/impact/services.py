"""Writes of the impact app: validate, save in one transaction, audit.

- ``measurements_plan``: the measurement moments of a trajectory (start, mid-point,
  closure; idempotent), called when a trajectory is saved and by a coordinator.
- ``link_create`` / ``link_open``: the participant's personal, expiring link. Only the
  SHA-256 of the secret is kept; a new link switches the older ones off.
- ``answers_enter``: the answers of one measurement, scored by
  :func:`buddynet.impact.instruments.score`, by the participant (link) or a coordinator
  (interview), saying which.

Nothing here works without the participant's consent for impact measurement; a
withdrawal (``consent_effects``) switches the links off, cancels what is planned and
leaves every measurement out of the figures.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from buddynet.core import clock
from buddynet.core.errors import Conflict, ServiceError
from buddynet.followup import services as followup_services
from buddynet.followup.models import FollowUp
from buddynet.participants import consent
from buddynet.participants.selectors import consent_holds
from buddynet.trajectories.models import Trajectory

from . import instruments
from .models import ImpactPlan, Instrument, Measurement, MeasurementLink, Response

CLOSURE_STATUSES = (Trajectory.Status.CLOSING, Trajectory.Status.CLOSED)
PLANNING_STATUSES = (
    Trajectory.Status.STARTING,
    Trajectory.Status.ACTIVE,
    Trajectory.Status.PAUSED,
    *CLOSURE_STATUSES,
)


class ImpactError(ServiceError):
    """A rule of impact measurement was broken; the message is safe to show."""


class ImpactConflict(ImpactError, Conflict):
    """Already done, or changed meanwhile (409)."""


# --- Consent ------------------------------------------------------------------------


def impact_consent_holds(participant) -> bool:
    """The participant's latest word on impact measurement is "yes" (never asked is no:
    the questionnaires are optional and need an explicit yes)."""
    with scopes_disabled():
        return consent_holds(participant, consent.IMPACT)


def _refuse_without_consent(participant) -> None:
    if not impact_consent_holds(participant):
        raise ImpactError(
            _("There is no consent for impact measurement: record it on the participant first."),
            code="no_consent",
        )


# --- The plan -----------------------------------------------------------------------


def plan_for(project) -> ImpactPlan:
    """The project's plan, or the defaults (unsaved) when not set."""
    with scopes_disabled():
        plan = ImpactPlan.objects.filter(project_id=project.pk).first()
    return plan or ImpactPlan(project=project)


def impact_plan_update(*, project, by, data: dict) -> ImpactPlan:
    chosen = [code for code in Instrument.values if code in (data.get("instruments") or [])]
    if not chosen:
        raise ImpactError(_("Choose at least one questionnaire."), field="instruments")
    if Instrument.DJG6 in chosen and Instrument.DJG11 in chosen:
        raise ImpactError(
            _("Choose the 6-item or the 11-item loneliness scale, not both."),
            field="instruments",
        )
    with transaction.atomic():
        plan, _created = ImpactPlan.objects.select_for_update().get_or_create(project=project)
        plan.instruments = chosen
        plan.mid_after_months = data.get("mid_after_months", plan.mid_after_months)
        plan.link_valid_days = data.get("link_valid_days", plan.link_valid_days)
        plan.full_clean()
        plan.save()
        plan.log_action("impact.plan_changed", user=by, data={"instruments": chosen})
    return plan


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _due_days(trajectory: Trajectory, plan: ImpactPlan) -> dict[str, date]:
    start = trajectory.started_on
    days: dict[str, date] = {
        Measurement.Moment.BASELINE: start,
        Measurement.Moment.MID: _add_months(start, plan.mid_after_months),
    }
    if trajectory.status in CLOSURE_STATUSES:
        days[Measurement.Moment.CLOSURE] = trajectory.closed_on or clock.today()
    return days


# --- The measurement moments in the follow-up schedule ---------------------------------
# Each moment is an item of the follow-up's "measurement" series (number 1, 2, 3), so it
# shows in the trajectory's schedule, the coordinator's list, the reminders and the
# calendar like any other; this app plans, completes and cancels them (registered in
# ``ImpactConfig.ready``, see ``followup.series``).

MOMENT_NUMBER: dict[str, int] = {
    Measurement.Moment.BASELINE: 1,
    Measurement.Moment.MID: 2,
    Measurement.Moment.CLOSURE: 3,
}


def _schedule_open_moments(trajectory: Trajectory) -> None:
    """Every open moment of the trajectory has its item in the schedule (idempotent)."""
    with scopes_disabled():
        open_moments = Measurement.objects.filter(
            trajectory=trajectory,
            completed_at__isnull=True,
            cancelled_at__isnull=True,
            excluded_at__isnull=True,
        ).values_list("moment", "due_on")
        for moment, due_on in open_moments:
            followup_services.owned_item_plan(
                trajectory=trajectory,
                series_code=FollowUp.Series.MEASUREMENT,
                number=MOMENT_NUMBER[moment],
                kind=FollowUp.Kind.QUESTIONNAIRE,
                with_whom=FollowUp.With.PARTICIPANT,
                due_on=due_on,
            )


def _drop_mid_after_closure(trajectory: Trajectory) -> None:
    """A trajectory that closes before its mid-point: the closure measurement takes its
    place, so the open mid-point leaves the plan and the schedule."""
    if trajectory.status not in CLOSURE_STATUSES:
        return
    closing_on = trajectory.closed_on or clock.today()
    with scopes_disabled():
        dropped = Measurement.objects.filter(
            trajectory=trajectory,
            moment=Measurement.Moment.MID,
            due_on__gt=closing_on,
            completed_at__isnull=True,
            cancelled_at__isnull=True,
        ).update(cancelled_at=timezone.now())
    if dropped:
        followup_services.owned_items_close(
            trajectory_ids=[trajectory.pk],
            series_code=FollowUp.Series.MEASUREMENT,
            numbers=[MOMENT_NUMBER[Measurement.Moment.MID]],
            cancel=True,
        )


def measurements_plan(*, trajectory: Trajectory, by=None, via: str = "web") -> list[Measurement]:
    """Plan the trajectory's measurement moments that are not planned yet: start,
    mid-point (unless the trajectory is already closing) and closure. Idempotent.

    Without consent it plans nothing: quietly when the system calls it (a trajectory
    was saved), with a message when a coordinator asks for it (``by``)."""
    if not impact_consent_holds(trajectory.participant):
        if by is not None:
            _refuse_without_consent(trajectory.participant)
        return []
    if trajectory.status not in PLANNING_STATUSES:
        return []
    plan = plan_for(trajectory.project)
    created: list[Measurement] = []
    with transaction.atomic(), scopes_disabled():
        existing = dict(
            Measurement.objects.filter(trajectory=trajectory).values_list("moment", "due_on")
        )
        for moment, due in _due_days(trajectory, plan).items():
            if moment in existing:
                continue
            if (
                moment == Measurement.Moment.MID
                and trajectory.status in CLOSURE_STATUSES
                and Measurement.Moment.CLOSURE not in existing
            ):
                continue  # closing before the mid-point: the closure measurement is it
            try:
                with transaction.atomic():
                    created.append(
                        Measurement.objects.create(
                            project_id=trajectory.project_id,
                            trajectory=trajectory,
                            participant_id=trajectory.participant_id,
                            moment=moment,
                            due_on=due,
                            instruments=list(plan.instruments),
                        )
                    )
            except IntegrityError:
                continue  # planned at the same moment by a simultaneous save
        _drop_mid_after_closure(trajectory)
        _schedule_open_moments(trajectory)
        if created:
            trajectory.log_action(
                "impact.planned",
                user=by,
                via=via if by is not None else "system",
                data={"moments": [m.moment for m in created]},
            )
    return created


# --- The personal link --------------------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _lock_measurement(measurement: Measurement) -> Measurement:
    with scopes_disabled():
        return (
            Measurement.objects.select_for_update(of=("self",))
            .select_related("participant", "trajectory", "project")
            .get(pk=measurement.pk)
        )


def _keys_of(measurement: Measurement) -> dict[str, Any]:
    """The keys of a row that belongs to a measurement (a link, answers): its project
    and the measurement itself."""
    return {"project_id": measurement.project_id, "measurement": measurement}


def _lock_open_measurement(measurement: Measurement) -> Measurement:
    """The measurement, locked, once its participant still consents and it is still
    open (not filled in, cancelled or left out)."""
    locked = _lock_measurement(measurement)
    _refuse_without_consent(locked.participant)
    if not locked.is_open:
        raise ImpactConflict(
            _("This measurement is already filled in or cancelled."), code="not_open"
        )
    return locked


def link_create(*, measurement: Measurement, by, via: str = "web") -> tuple[MeasurementLink, str]:
    """A new personal link to this measurement's questionnaire (shown once); older links
    to it stop working."""
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = _lock_open_measurement(measurement)
        now = timezone.now()
        with scopes_disabled():
            MeasurementLink.objects.filter(measurement=locked, revoked_at__isnull=True).update(
                revoked_at=now
            )
            link = MeasurementLink.objects.create(
                **_keys_of(locked),
                token_hash=_hash(raw),
                expires_at=now + timedelta(days=plan_for(locked.project).link_valid_days),
                created_by=by,
            )
        locked.log_action("impact.link_created", user=by, via=via)
    return link, raw


def link_open(raw: str) -> MeasurementLink | None:
    """The link behind a secret, if it still opens its questionnaire: not switched off,
    not expired, the measurement still open and the consent still given."""
    if not raw or len(raw) > 100:
        return None
    with scopes_disabled():
        link = (
            MeasurementLink.objects.filter(token_hash=_hash(raw), revoked_at__isnull=True)
            .select_related("measurement__participant", "measurement__trajectory", "project")
            .first()
        )
    if link is None or link.expires_at <= timezone.now():
        return None
    if not link.measurement.is_open or not impact_consent_holds(link.measurement.participant):
        return None
    return link


# --- Answers ------------------------------------------------------------------------


def _clean_answers(code: str, given: dict[str, Any]) -> dict[str, Any]:
    """Only the instrument's own items, each a valid answer or ``None`` (missing)."""
    cleaned: dict[str, Any] = {}
    for item in instruments.items_of(code):
        value = given.get(item)
        if value in ("", None):
            cleaned[item] = None
        elif code == "who5":
            try:
                cleaned[item] = int(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                cleaned[item] = value  # score() refuses it below
        else:
            cleaned[item] = value
    return cleaned


def answers_enter(
    *,
    measurement: Measurement,
    answers: dict[str, dict[str, Any]],
    entered_by: str,
    by=None,
    link: MeasurementLink | None = None,
    via: str = "web",
) -> Measurement:
    """Record the answers of one measurement, per questionnaire it asks, scored as
    published. ``entered_by`` says who filled it in: the participant (through
    ``link``) or a coordinator from an interview (``by``)."""
    if entered_by not in Measurement.EnteredBy.values:
        raise ImpactError(_("Say who gave the answers."), field="entered_by")
    if entered_by == Measurement.EnteredBy.PARTICIPANT and link is None and by is None:
        raise ImpactError(_("Say who gave the answers."), field="entered_by")
    with transaction.atomic():
        locked = _lock_open_measurement(measurement)
        if link is not None:
            with scopes_disabled():
                fresh = MeasurementLink.objects.select_for_update().get(pk=link.pk)
            if fresh.revoked_at or fresh.expires_at <= timezone.now():
                raise ImpactConflict(_("This link no longer works."), code="link_closed")
        rows = []
        for code in locked.instruments:
            cleaned = _clean_answers(code, answers.get(code) or {})
            if all(value is None for value in cleaned.values()):
                raise ImpactError(
                    _("Answer at least one question of every questionnaire."), field=code
                )
            try:
                result = instruments.score(code, cleaned)
            except ValueError as exc:
                raise ImpactError(_("An answer is not one of the choices."), field=code) from exc
            rows.append(
                Response(
                    **_keys_of(locked),
                    instrument=code,
                    answers=cleaned,
                    scores=result,
                    headline=instruments.headline(code, result),
                )
            )
        now = timezone.now()
        with scopes_disabled():
            Response.objects.bulk_create(rows)
            if link is not None:
                MeasurementLink.objects.filter(pk=link.pk).update(used_at=now, revoked_at=now)
        locked.completed_at = now
        locked.completed_on = clock.local_date(now)
        locked.entered_by = entered_by
        locked.entered_by_user = by if by is not None and by.is_authenticated else None
        locked.save(
            update_fields=[
                "completed_at",
                "completed_on",
                "entered_by",
                "entered_by_user",
                "updated_at",
            ]
        )
        followup_services.owned_items_close(
            trajectory_ids=[locked.trajectory_id],
            series_code=FollowUp.Series.MEASUREMENT,
            numbers=[MOMENT_NUMBER[locked.moment]],
            done_by=by,
        )
        locked.log_action(
            "impact.answers_entered",
            user=by,
            via=via if link is None else "web",
            data={"entered_by": entered_by, "instruments": list(locked.instruments)},
        )
    return locked


def withdraw(*, participant, by, via: str = "web") -> int:
    """Consent for impact measurement withdrawn: links off, planned moments cancelled,
    every measurement of the person left out of the figures. Returns how many
    measurements it touched."""
    now = timezone.now()
    with scopes_disabled():
        measurements = list(Measurement.objects.filter(participant_id=participant.pk))
        MeasurementLink.objects.filter(
            measurement__participant_id=participant.pk, revoked_at__isnull=True
        ).update(revoked_at=now)
        Measurement.objects.filter(
            participant_id=participant.pk, completed_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=now)
        Measurement.objects.filter(participant_id=participant.pk, excluded_at__isnull=True).update(
            excluded_at=now
        )
        # The planned moments leave the follow-up schedule (list, reminders, calendar).
        followup_services.owned_items_close(
            trajectory_ids=Trajectory.objects.filter(participant_id=participant.pk).values_list(
                "pk", flat=True
            ),
            series_code=FollowUp.Series.MEASUREMENT,
            cancel=True,
        )
    if measurements:
        participant.log_action(
            "impact.consent_withdrawn", user=by, via=via, data={"measurements": len(measurements)}
        )
    return len(measurements)
