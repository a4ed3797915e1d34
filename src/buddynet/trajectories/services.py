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


# Which status may follow which. Closing is the planned or unplanned end with exit
# conversations; closed is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Trajectory.Status.STARTING: (Trajectory.Status.ACTIVE, Trajectory.Status.CLOSING),
    Trajectory.Status.ACTIVE: (Trajectory.Status.PAUSED, Trajectory.Status.CLOSING),
    Trajectory.Status.PAUSED: (Trajectory.Status.ACTIVE, Trajectory.Status.CLOSING),
    Trajectory.Status.CLOSING: (Trajectory.Status.CLOSED,),
    Trajectory.Status.CLOSED: (),
}


def trajectory_set_status(
    *, trajectory: Trajectory, to_status: str, by, reason: str = ""
) -> Trajectory:
    """Move a trajectory to another status, with the reason in its history."""
    if to_status not in TRANSITIONS[trajectory.status]:
        raise TrajectoryError(
            _("A trajectory that is %(current)s cannot become %(new)s.")
            % {
                "current": trajectory.get_status_display(),
                "new": Trajectory.Status(to_status).label,
            }
        )
    with transaction.atomic():
        from_status = trajectory.status
        trajectory.status = to_status
        if to_status == Trajectory.Status.CLOSED:
            trajectory.closed_on = timezone.localdate()
        trajectory.save(update_fields=["status", "closed_on", "updated_at"])
        StatusChange.objects.create(
            trajectory=trajectory,
            project_id=trajectory.project_id,
            from_status=from_status,
            to_status=to_status,
            by=by,
            reason=reason,
        )
        trajectory.log_action(
            "trajectory.status_changed",
            user=by,
            data={"from": from_status, "to": to_status},
        )
    return trajectory
