"""Plain words for the audit actions of accounts (merged into ``core.audit_labels``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "team.member_added": _("added someone to the project's team"),
    "team.member_removed": _("removed someone from the project's team"),
}
