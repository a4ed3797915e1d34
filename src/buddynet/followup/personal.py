"""What followup keeps about a person, for the right of access and erasure
(``core.personal``): the follow-up moments, boundary signals with their steps and the
closure of a trajectory with its exit conversations, all reached through the
trajectory."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.core import personal

from .models import Closure, ExitConversation, FollowUp, Signal, SignalStep

WHY = _("To follow up the time a buddy and a participant spend together, and how it ends.")

PARTS = tuple(
    part
    for model, lookup, since in (
        (FollowUp, "trajectory", "created_at"),
        (Signal, "trajectory", "created_at"),
        (SignalStep, "signal__trajectory", "at"),
        (Closure, "trajectory", "created_at"),
        (ExitConversation, "closure__trajectory", "created_at"),
    )
    for part in personal.each_person(
        model,
        (f"{lookup}__participant", f"{lookup}__buddy"),
        why=WHY,
        purpose="support",
        since=since,
    )
)
