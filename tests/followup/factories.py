"""Objects the follow-up tests and access rows need, made once per world.

The trajectory of the personas (``world.once("trajectory")``): the buddy persona's
buddy with the participant persona's own record, the professional persona as the
referring professional. The trajectories app's rows make the same one under the same
key.
"""

from __future__ import annotations

from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.followup import services
from buddynet.followup.models import FollowUp, Signal
from buddynet.trajectories.models import Trajectory
from buddynet.trajectories.services import trajectory_start
from tests.factories import share_with_referrer


def _start(buddy, participant, by, professional=None, **kwargs) -> Trajectory:
    with scopes_disabled():
        trajectory = trajectory_start(buddy=buddy, participant=participant, by=by, **kwargs)
        if professional is not None and trajectory.professional_id != professional.pk:
            Trajectory.objects.filter(pk=trajectory.pk).update(professional=professional)
            trajectory.refresh_from_db()
        if trajectory.professional_id:
            share_with_referrer(participant, by=by)
    return trajectory


def trajectory(w) -> Trajectory:
    """Buddy persona + participant persona + professional persona, in project A."""
    return w.once(
        "trajectory",
        lambda w: _start(w.buddy, w.own_participant, w.coord, professional=w.prof),
    )


def other_trajectory(w) -> Trajectory:
    return w.once(
        "other_trajectory", lambda w: _start(w.other_buddy, w.other_participant, w.other_coord)
    )


def _closing(w, buddy, participant, by) -> Trajectory:
    t = _start(buddy, participant, by)
    with scopes_disabled():
        services.closure_start(trajectory=t, by=by, planned=True, reason="goals_reached")
        t.refresh_from_db()
    return t


def closing_trajectory(w) -> Trajectory:
    """A second trajectory of the buddy persona (with the referred participant, so the
    professional persona is its professional), being closed."""
    return w.once("followup_closing", lambda w: _closing(w, w.buddy, w.participant, w.coord))


def other_closing_trajectory(w) -> Trajectory:
    def make(w):
        from tests import factories as f

        participant = f.ParticipantFactory(project=w.other)
        return _closing(w, w.other_buddy, participant, w.other_coord)

    return w.once("followup_other_closing", make)


def first_open(t: Trajectory) -> FollowUp:
    with scopes_disabled():
        return FollowUp.objects.filter(
            trajectory=t, done_at__isnull=True, cancelled_at__isnull=True
        ).order_by("due_at", "pk")[0]


def followup(w) -> FollowUp:
    return w.once("followup_item", lambda w: first_open(trajectory(w)))


def other_followup(w) -> FollowUp:
    return w.once("followup_other_item", lambda w: first_open(other_trajectory(w)))


def make_signal(t: Trajectory, by, raised_as="buddy", severity="medium", **kwargs) -> Signal:
    with scopes_disabled():
        return Signal.objects.create(
            project_id=t.project_id,
            trajectory=t,
            raised_by=by,
            raised_as=raised_as,
            kind=kwargs.pop("kind", Signal.Kind.TOO_MUCH),
            severity=severity,
            description=kwargs.pop("description", "Er wordt gevraagd om geld te lenen."),
            **kwargs,
        )


def signal(w) -> Signal:
    """Raised by the buddy persona."""
    return w.once("followup_signal", lambda w: make_signal(trajectory(w), w.buddy_user))


def other_signal(w) -> Signal:
    return w.once(
        "followup_other_signal",
        lambda w: make_signal(other_trajectory(w), w.other_coord, raised_as="coordinator"),
    )


def calendar_token(w) -> str:
    """A feed of the network coordinator (whose calendar is empty: no names in it)."""
    return w.once("calendar_token", lambda w: services.calendar_feed_create(user=w.netco)[1])


def today_iso() -> str:
    return timezone.localdate().isoformat()
