"""What privacy keeps about a person, for the right of access (``core.personal``): the
exports themselves are the record of the right exercised; they are not personal data of
their own beyond who asked and when, which the file history in the export shows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from buddynet.core import personal

from .models import Export

WHY = _("To show that your right of access was carried out, and when.")
FIELDS = (
    "code",
    "created_at",
    "status",
    "language",
    "requested_by",
    "finished_at",
    "downloaded_at",
    "downloaded_by",
    "removed_at",
)
LEFT_OUT = {
    "updated_at": _("when the export's record last changed: the other dates say it"),
    "project": _("the project is named at the top of the export"),
    "participant": _("the person the export is about: named at the top of the export"),
    "buddy": _("the person the export is about: named at the top of the export"),
    "phase": _("a step of the queue's work, not about the person"),
    "progress": _("a percentage of the queue's work, not about the person"),
    "file": _("the export file itself"),
    "error": _("a technical message of the queue, not about the person"),
    "started_at": _("a moment of the queue's work, not about the person"),
    "expires_at": _("until when the export file waits, not about the person"),
}

KEPT = {"language": personal.CODE, "phase": personal.CODE}

PARTS = personal.each_person(
    Export, ("participant", "buddy"), why=WHY, fields=FIELDS, left_out=LEFT_OUT, kept=KEPT
)
