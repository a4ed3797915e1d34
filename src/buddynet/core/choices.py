"""Shared choice lists for people's profiles (buddies and participants alike)."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

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

# Weekly time slots, e.g. "wed_afternoon": what matching compares.
SLOTS = [(f"{d}_{p}", format_lazy("{} {}", dl, pl)) for d, dl in DAYS for p, pl in PARTS_OF_DAY]
