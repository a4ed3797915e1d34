"""Validators shared by every app.

``no_control_characters``: text people type (names, agreements, notes) may not carry
invisible control characters. A right-to-left override (U+202E) or another bidi
control makes a name or a signed text *read* differently from what is stored, so a
document could show one thing and hold another. Tabs and line breaks stay allowed
(multi-line text); a single-line field can add its own rule for those.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Bidirectional formatting characters: embeddings, overrides, isolates and marks.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
    "\u200e\u200f\u061c"  # LRM RLM ALM
)
ALLOWED_CONTROLS = frozenset("\t\n\r")


def is_forbidden_character(ch: str) -> bool:
    """A control character (Unicode Cc, except tab and line breaks), a bidi control,
    or a line/paragraph separator. Zero-width joiners stay: emoji sequences need them."""
    if ch in ALLOWED_CONTROLS:
        return False
    if ch in BIDI_CONTROLS:
        return True
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")


# The same characters as ``is_forbidden_character``, as one class for the regex engine
# (Unicode Cc is exactly U+0000-U+001F and U+007F-U+009F; Zl and Zp are U+2028 and
# U+2029): stripping a signed agreement's text character by character in Python was a
# tenth of the 100,000-participant demo seed. ``tests/core/test_validators.py`` checks
# the two agree on every code point.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029" + "".join(sorted(BIDI_CONTROLS)) + "]"
)


def strip_control_characters(value: str) -> str:
    """``value`` without the characters ``no_control_characters`` refuses (for text
    that was stored before the rule: names shown in a document)."""
    return FORBIDDEN.sub("", str(value or ""))


def no_control_characters(value) -> None:
    if not isinstance(value, str):
        return
    bad = sorted({ch for ch in value if is_forbidden_character(ch)})
    if bad:
        raise ValidationError(
            _("Remove the invisible control characters (%(chars)s)."),
            code="control_characters",
            params={"chars": ", ".join(f"U+{ord(ch):04X}" for ch in bad)},
        )
