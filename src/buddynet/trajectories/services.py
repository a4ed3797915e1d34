"""Writes on trajectories: validate, save in one transaction, audit."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buddynet.participants.models import Participant
from buddynet.volunteers.models import Buddy

from .models import StatusChange, Trajectory

OPEN_STATUSES = (
    Trajectory.Status.STARTING,
    Trajectory.Status.ACTIVE,
    Trajectory.Status.PAUSED,
    Trajectory.Status.CLOSING,
)


class TrajectoryError(Exception):
    """A rule about trajectories was broken; the message is safe to show."""


def trajectory_start(
    *, buddy: Buddy, participant: Participant, by, started_on: date | None = None
) -> Trajectory:
    """Start a trajectory from an accepted match (both said yes after the introduction).

    The trajectory begins in "starting": it becomes active once the agreement is
    signed by every party. The participant leaves the waiting list (matched), the buddy
    is accompanying someone.
    """
    if buddy.project_id != participant.project_id:
        raise TrajectoryError(_("The buddy and the participant are in different projects."))
    started_on = started_on or timezone.localdate()
    with transaction.atomic():
        if Trajectory.objects.filter(
            buddy=buddy, participant=participant, status__in=OPEN_STATUSES
        ).exists():
            raise TrajectoryError(_("These two already walk together."))
        trajectory = Trajectory.objects.create(
            project_id=participant.project_id,
            buddy=buddy,
            participant=participant,
            professional_id=participant.referred_by_id,
            started_on=started_on,
        )
        StatusChange.objects.create(
            trajectory=trajectory,
            project_id=trajectory.project_id,
            to_status=Trajectory.Status.STARTING,
            by=by,
        )
        Participant.objects.filter(pk=participant.pk).update(
            status=Participant.Status.MATCHED, matched_on=started_on, next_contact_due=None
        )
        if buddy.status in (Buddy.Status.READY, Buddy.Status.PAUSED):
            Buddy.objects.filter(pk=buddy.pk).update(status=Buddy.Status.ACTIVE)
        trajectory.log_action(
            "trajectory.started",
            user=by,
            data={"buddy": str(buddy.code), "participant": str(participant.code)},
        )
    return trajectory
