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

from buddynet.participants import consent
from buddynet.trajectories.consent_effects import on_each_trajectory

from .services import cancel_open


@on_each_trajectory(
    consent.SUPPORT,
    app="followup",
    describes=_("Planned follow-up conversations and aftercare contacts are cancelled."),
)
def cancel_followups(trajectory, *, by, via) -> None:
    cancelled = cancel_open(trajectory, keep_aftercare=False)
    if cancelled:
        trajectory.log_action(
            "followup.cancelled_consent", user=by, via=via, data={"cancelled": cancelled}
        )


@on_each_trajectory(
    consent.SHARE_WITH_REFERRER,
    app="followup",
    describes=_(
        "The referrer no longer sees the names, status or aftercare of a boundary signal "
        "they raised."
    ),
    professional__isnull=False,
)
def hide_signals_from_referrer(trajectory, *, by, via) -> None:
    trajectory.log_action("followup.referrer_sharing_stopped", user=by, via=via)
