"""Plain words for the plans app's audit actions (merged into the core's labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "plans.made": _("made a family plan"),
    "plans.restarted": _("started a family plan again"),
    "plans.changed": _("changed a family plan's coordinator or review dates"),
    "plans.entry_added": _("added a strength, worry or goal to a family plan"),
    "plans.fed": _("copied the buddy's goal or journal note into a family plan"),
    "plans.action_added": _("added an action to a family plan"),
    "plans.action_updated": _("updated an action of a family plan"),
    "plans.action_done": _("marked an action of a family plan done"),
    "plans.action_dropped": _("marked an action of a family plan no longer needed"),
    "plans.reviewed": _("recorded a talk about a family plan"),
    "plans.shared": _("let a helper see parts of a family plan"),
    "plans.share_ended": _("stopped a helper's access to a family plan"),
    "plans.stopped": _("stopped a family plan (consent withdrawn)"),
    "plans.viewed": _("looked at a family plan"),
    "plans.pdf_downloaded": _("downloaded a family plan as PDF"),
}
