"""Plain words for the privacy app's audit actions (merged into the core's labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "privacy.export_requested": _("asked for an export of all the person's data"),
    "privacy.export_made": _("made the export of all the person's data"),
    "privacy.export_downloaded": _("downloaded the export of all the person's data"),
    "privacy.export_expired": _("removed an export of the person's data nobody downloaded"),
    "privacy.export_viewed": _("looked at an export of the person's data"),
    "privacy.erased": _("erased the person: what identified them was replaced everywhere"),
}
LABELS.update(
    {
        "privacy.settings_changed": _("changed the retention terms or the alert on many files"),
        "privacy.register_downloaded": _("downloaded the register of processing"),
        "privacy.lookup_alert": _("raised an alert: someone opened many files in a short time"),
        "privacy.retention_applied": _("anonymised the files whose retention term had passed"),
    }
)
