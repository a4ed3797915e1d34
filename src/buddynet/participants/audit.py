"""Plain words for the participants app's audit actions (merged into the core's labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "participant.viewed": _("opened the file"),
    "participant.intake.viewed": _("opened the intake"),
    "participant.consent.viewed": _("opened the consent decisions"),
    "participant.referred": _("referred"),
    "participant.imported": _("imported from a spreadsheet"),
    "participant.import_changed": _("changed by an import from a spreadsheet"),
    "participant.self_registered": _("signed up on the public page"),
    "participant.intake.saved": _("saved the intake"),
    "participant.consent.given": _("recorded consent"),
    "participant.consent.withdrawn": _("recorded that consent was withdrawn"),
    "participant.consent.sharing_stopped": _("stopped sharing the progress with the referrer"),
    "participant.special_category.erased": _("erased health and origin data"),
    "participant.waiting_list.joined": _("put on the waiting list"),
    "participant.waiting_list.changed": _("changed the waiting list details"),
    "participant.contact.logged": _("logged a keep-warm contact"),
    "participant.offer.recorded": _("recorded an offer"),
    "participant.withdrawn": _("closed the file"),
}
