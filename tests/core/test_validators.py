"""The control-character rule: one definition, two spellings that agree."""

from __future__ import annotations

import sys

from buddynet.core.validators import FORBIDDEN, is_forbidden_character, strip_control_characters


def test_the_regex_and_the_rule_agree_on_every_code_point():
    text = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    kept = "".join(ch for ch in text if not is_forbidden_character(ch))
    assert strip_control_characters(text) == kept
    assert FORBIDDEN.search("Jan\u202eMaes") is not None
    assert strip_control_characters("a\tb\nc\u0000d\u2028e\u200ff") == "a\tb\ncdef"
