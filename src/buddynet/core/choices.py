"""Shared choice lists for people's profiles (buddies and participants alike)."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LANGUAGES = [
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("en", _("English")),
    ("de", _("German")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("ro", _("Romanian")),
    ("pl", _("Polish")),
    ("es", _("Spanish")),
    ("fa", _("Persian (Dari/Farsi)")),
    ("ps", _("Pashto")),
    ("so", _("Somali")),
    ("ti", _("Tigrinya")),
    ("bg", _("Bulgarian")),
    ("vgt", _("Flemish Sign Language")),
]

DAYS = [
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
]
PARTS_OF_DAY = [("morning", _("morning")), ("afternoon", _("afternoon")), ("evening", _("evening"))]

# Weekly time slots, e.g. "wed_afternoon": the one list a buddy and a participant tick
# and matching compares ("Monday morning"; Dutch joins the words: "Maandagvoormiddag").
_SLOT_LABEL = pgettext_lazy("a weekly time slot", "{day} {part}")
SLOTS = [
    (f"{d}_{p}", format_lazy(_SLOT_LABEL, day=dl, part=pl))
    for d, dl in DAYS
    for p, pl in PARTS_OF_DAY
]
SLOT_CODES = [code for code, _label in SLOTS]


def slot_labels(codes) -> list:
    """The labels of the slots among ``codes``, in the week's order (unknown codes are
    left out)."""
    chosen = set(codes or ())
    return [label for code, label in SLOTS if code in chosen]
