"""What a withdrawn consent stops in the trajectories (registered with the participants'
consent registry; imported in ``TrajectoriesConfig.ready()``).

``on_each_trajectory`` is how an app registers an effect that acts on each of the
person's trajectories (the follow-up uses it too)."""

from __future__ import annotations

from functools import wraps

from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from buddynet.participants import consent

from . import services
from .models import Trajectory


def on_each_trajectory(purpose: str, *, app: str, describes, **only):
    """Decorator: ``func(trajectory, *, by, via)`` is what withdrawing ``purpose`` stops
    in ``app``, run for each of the participant's trajectories (those that match the
    ``Trajectory`` lookups in ``only``, e.g. ``professional__isnull=False``)."""

    def decorator(func):
        @wraps(func)
        def effect(*, participant, by, via: str = "web") -> None:
            with scopes_disabled():
                trajectories = list(
                    Trajectory.objects.filter(participant=participant, **only).select_related(
                        "participant"
                    )
                )
            for trajectory in trajectories:
                func(trajectory, by=by, via=via)

        consent.register_effect(purpose, app=app, describes=describes)(effect)
        return func

    return decorator


@on_each_trajectory(
    consent.SUPPORT,
    app="trajectories",
    describes=_(
        "Open trajectories close at once; the journal, goals, role division and agreement "
        "can no longer change."
    ),
    status__in=services.OPEN_STATUSES,
)
def close_trajectory(trajectory, *, by, via) -> None:
    services.trajectory_end_for_withdrawn_consent(trajectory=trajectory, by=by, via=via)


@on_each_trajectory(
    consent.SHARE_WITH_REFERRER,
    app="trajectories",
    describes=_(
        "The referring professional no longer sees the trajectories, their journal or "
        "their agreement."
    ),
    professional__isnull=False,
    status__in=services.OPEN_STATUSES,
)
def stop_sharing_with_referrer(trajectory, *, by, via) -> None:
    # ``selectors.party_q`` hides the trajectory from the professional from now on;
    # each open trajectory with a professional says so in its history.
    trajectory.log_action("trajectory.referrer_sharing_stopped", user=by, via=via)
