"""What a withdrawn consent stops in the trajectories (registered with the participants'
consent registry; imported in ``TrajectoriesConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.participants import consent

from . import services
from .models import Trajectory


@consent.register_effect(
    consent.SUPPORT,
    app="trajectories",
    describes=_(
        "Open trajectories close at once; the journal, goals, role division and agreement "
        "can no longer change."
    ),
)
def close_trajectories(*, participant, by, via: str = "web") -> None:
    for trajectory in Trajectory.objects.filter(
        participant_id=participant.pk, status__in=services.OPEN_STATUSES
    ).select_related("participant"):
        services.trajectory_end_for_withdrawn_consent(trajectory=trajectory, by=by, via=via)


@consent.register_effect(
    consent.SHARE_WITH_REFERRER,
    app="trajectories",
    describes=_(
        "The referring professional no longer sees the trajectories, their journal or "
        "their agreement."
    ),
)
def stop_sharing_with_referrer(*, participant, by, via: str = "web") -> None:
    # ``selectors.party_q`` hides the trajectory from the professional from now on;
    # each trajectory with a professional says so in its history.
    for trajectory in Trajectory.objects.filter(
        participant_id=participant.pk, professional__isnull=False
    ).exclude(status=Trajectory.Status.CLOSED):
        trajectory.log_action("trajectory.referrer_sharing_stopped", user=by, via=via)
