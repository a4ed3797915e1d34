"""Plain words for the follow-up app's audit actions (merged into the core's labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "followup.cadence_changed": _("changed the follow-up rhythm"),
    "followup.scheduled": _("planned the next follow-up conversations"),
    "followup.planned": _("planned an extra conversation"),
    "followup.recorded": _("recorded a follow-up conversation"),
    "followup.viewed": _("read a follow-up report"),
    "followup.cancelled_consent": _(
        "cancelled the planned conversations: consent to support was withdrawn"
    ),
    "followup.referrer_sharing_stopped": _(
        "stopped showing the referrer their boundary signals' progress"
    ),
    "signal.raised": _("signalled a boundary or incident"),
    "signal.step": _("took an aftercare step on a signal"),
    "signal.viewed": _("opened a signal"),
    "closure.started": _("started closing the trajectory"),
    "closure.exit_recorded": _("recorded an exit conversation"),
    "closure.completed": _("closed the trajectory"),
    "closure.buddy_wish": _("recorded when the buddy wants a new match"),
    "closure.viewed": _("opened the closure"),
    "buddy.availability_changed": _("changed whether the buddy is available"),
    "calendar.feed_created": _("made a calendar link"),
    "calendar.feed_revoked": _("switched off the calendar link"),
}
