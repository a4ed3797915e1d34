"""What a withdrawn consent stops in the follow-up (registered in ``FollowupConfig.ready``).

- Support by a buddy: every open conversation of the person's trajectories is cancelled
  (regular ones, extra ones and aftercare contacts), so no reminder or calendar entry
  names them again; the services refuse to plan or record new ones.
- Sharing with the referrer: nothing is deleted, but from now on a professional who
  raised a boundary signal in the person's trajectory sees only what they wrote
  themselves (``selectors.signals_for_user`` decides it on every read).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from buddynet.participants import consent
from buddynet.trajectories.models import Trajectory

from .services import cancel_open


@consent.register_effect(
    consent.SUPPORT,
    app="followup",
    describes=_("Planned follow-up conversations and aftercare contacts are cancelled."),
)
def cancel_followups(*, participant, by, via: str = "web") -> None:
    with scopes_disabled():
        trajectories = list(Trajectory.objects.filter(participant=participant))
    for trajectory in trajectories:
        cancelled = cancel_open(trajectory, keep_aftercare=False)
        if cancelled:
            trajectory.log_action(
                "followup.cancelled_consent", user=by, via=via, data={"cancelled": cancelled}
            )


@consent.register_effect(
    consent.SHARE_WITH_REFERRER,
    app="followup",
    describes=_(
        "The referrer no longer sees the names, status or aftercare of a boundary signal "
        "they raised."
    ),
)
def hide_signals_from_referrer(*, participant, by, via: str = "web") -> None:
    with scopes_disabled():
        trajectories = list(
            Trajectory.objects.filter(participant=participant, professional__isnull=False)
        )
    for trajectory in trajectories:
        trajectory.log_action("followup.referrer_sharing_stopped", user=by, via=via)
