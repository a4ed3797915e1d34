"""Plain words for the volunteers app's audit actions (merged into the core's labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "buddy.applied": _("applied as a buddy"),
    "buddy.imported": _("imported from a spreadsheet"),
    "buddy.import_changed": _("changed by an import from a spreadsheet"),
    "buddy.attachment_downloaded": _("downloaded the CV or letter"),
    "buddy.decision_recorded": _("recorded the mutual decision"),
    "buddy.information_note_downloaded": _("downloaded the information note"),
    "buddy.information_note_signed": _("signed the information note"),
    "buddy.intake_recorded": _("recorded the intake interview"),
    "buddy.login_created": _("gave the buddy a log-in"),
    "buddy.profile_changed": _("changed the buddy profile"),
    "buddy.reference_added": _("added a reference"),
    "buddy.screening_changed": _("changed the screening"),
    "buddy.status_changed": _("moved the buddy to another step"),
    "buddy.training_completed": _("recorded a completed training"),
    "project.volunteer_terms_created": _("wrote the volunteer terms"),
    "project.volunteer_terms_changed": _("changed the volunteer terms"),
    "training.module_created": _("added a training module"),
    "training.module_changed": _("changed a training module"),
    "training.session_created": _("planned a training session"),
    "vacancy.created": _("published a vacancy"),
    "vacancy.changed": _("changed a vacancy"),
}
