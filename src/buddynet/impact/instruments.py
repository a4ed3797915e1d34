"""The validated instruments and the one scoring entry point: :func:`score`.

``score(code, answers) -> dict`` is what the pages, the exports, the research
downloads and the tests use; nothing else scores an instrument.

De Jong Gierveld loneliness scale (``"djg11"``, ``"djg6"``)
    ``answers`` maps the item's number in the 11-item numbering, as a string
    (``"1"`` … ``"11"``), to ``"nee"``, ``"min of meer"``, ``"ja"`` or ``None``
    (missing; an absent key is missing too). The 6-item version uses items 3, 9, 10
    (emotional) and 4, 7, 8 (social); other keys are ignored. The neutral answer counts
    as lonely: a negatively worded item scores 1 for "ja" or "min of meer", a positively
    worded item scores 1 for "nee" or "min of meer". The result is
    ``{"total", "emotional", "social", "band"}``; a missing score is ``None``.

    Missing items, as in the manual's SPSS syntax (de Jong Gierveld & van Tilburg,
    *Manual of the Loneliness Scale*, 1999, section 7 "Processing the scale data" and
    section 8 "A short scale"): a score is the *count* of lonely answers among the
    items answered (never prorated), and it is set to missing when too many of its
    items are missing:

    - 6-item: the total is missing when more than one of the 6 items is missing; the
      emotional and the social subscale (3 items each) are missing when any of their
      items is missing.
    - 11-item: the total is missing when more than two of the 11 items are missing
      (at most 2 missing, the rule the manual's 11-item syntax applies and that
      published studies cite as "following the manual"); the emotional subscale
      (6 items) and the social subscale (5 items) are missing when more than one of
      their items is missing (at most 1 missing each, the same tolerance per item
      count as the total). The manual's 11-item syntax could not be re-read verbatim
      when this was written: if a network's methodologist reads it differently, the
      two limits are :data:`DJG11_MAX_MISSING_TOTAL` and
      :data:`DJG11_MAX_MISSING_SUBSCALE`.

    Bands (on the total only; ``None`` when the total is missing): 11-item 0-2 "not
    lonely", 3-8 "moderately lonely", 9-11 "severely lonely"; 6-item 0-1, 2-4, 5-6.
    The scale is meant for groups: a person's page shows the answers and the change,
    never the band as a diagnosis.

    Cite de Jong Gierveld & Kamphuis (1985) for the 11-item version and
    de Jong Gierveld & van Tilburg (2006) for the 6-item version.

WHO-5 wellbeing index (``"who5"``)
    ``answers`` maps ``"1"`` … ``"5"`` to 0-5 (5 = all of the time, 0 = at no time)
    or ``None``. The result is ``{"raw", "percentage", "poor_wellbeing"}``: raw 0-25,
    percentage = raw * 4, and poor wellbeing when raw < 13 or any item is 0 or 1. The
    index is not defined with an item missing: then raw and percentage are ``None``,
    and poor_wellbeing is ``True`` if an answered item is already 0 or 1 (that alone
    signals it), else ``None``. A change of 10 percentage points is meaningful
    (:data:`WHO5_MEANINGFUL_CHANGE`). Cite the Psychiatric Centre North Zealand.

Item texts are data (``data/instruments.json``), with their source and whether the
wording was checked against the official text; the scoring never depends on them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DJG_ANSWERS = ("nee", "min of meer", "ja")
# Positively (P) and negatively (N) worded items of the 11-item version.
DJG_POSITIVE = frozenset({"1", "4", "7", "8", "11"})
DJG_NEGATIVE = frozenset({"2", "3", "5", "6", "9", "10"})
DJG11_EMOTIONAL = ("2", "3", "5", "6", "9", "10")
DJG11_SOCIAL = ("1", "4", "7", "8", "11")
DJG6_EMOTIONAL = ("3", "9", "10")
DJG6_SOCIAL = ("4", "7", "8")

DJG11_MAX_MISSING_TOTAL = 2
DJG11_MAX_MISSING_SUBSCALE = 1
DJG6_MAX_MISSING_TOTAL = 1
DJG6_MAX_MISSING_SUBSCALE = 0

NOT_LONELY = "not lonely"
MODERATELY_LONELY = "moderately lonely"
SEVERELY_LONELY = "severely lonely"

# (lowest total of the band, band), highest first.
DJG11_BANDS = ((9, SEVERELY_LONELY), (3, MODERATELY_LONELY), (0, NOT_LONELY))
DJG6_BANDS = ((5, SEVERELY_LONELY), (2, MODERATELY_LONELY), (0, NOT_LONELY))

WHO5_ITEMS = ("1", "2", "3", "4", "5")
WHO5_POOR_RAW = 13  # raw below this signals poor wellbeing
WHO5_MEANINGFUL_CHANGE = 10  # percentage points

CODES = ("djg11", "djg6", "who5")


@dataclass(frozen=True)
class _DJGVersion:
    emotional: tuple[str, ...]
    social: tuple[str, ...]
    max_missing_total: int
    max_missing_subscale: int
    bands: tuple[tuple[int, str], ...]

    @property
    def items(self) -> tuple[str, ...]:
        return self.emotional + self.social


_DJG = {
    "djg11": _DJGVersion(
        DJG11_EMOTIONAL,
        DJG11_SOCIAL,
        DJG11_MAX_MISSING_TOTAL,
        DJG11_MAX_MISSING_SUBSCALE,
        DJG11_BANDS,
    ),
    "djg6": _DJGVersion(
        DJG6_EMOTIONAL,
        DJG6_SOCIAL,
        DJG6_MAX_MISSING_TOTAL,
        DJG6_MAX_MISSING_SUBSCALE,
        DJG6_BANDS,
    ),
}


def items_of(code: str) -> tuple[str, ...]:
    """The item numbers of an instrument, in the order they are asked."""
    if code == "who5":
        return WHO5_ITEMS
    if code == "djg6":
        return ("3", "4", "7", "8", "9", "10")
    if code == "djg11":
        return tuple(str(n) for n in range(1, 12))
    raise ValueError(f"Unknown instrument {code!r}; expected one of {', '.join(CODES)}.")


def _djg_item_score(item: str, answer: str | None) -> int | None:
    if answer is None:
        return None
    if answer not in DJG_ANSWERS:
        raise ValueError(f"Item {item}: {answer!r} is not one of {', '.join(DJG_ANSWERS)}.")
    if answer == "min of meer":
        return 1
    if item in DJG_NEGATIVE:
        return 1 if answer == "ja" else 0
    return 1 if answer == "nee" else 0


def _count(scores: Mapping[str, int | None], items: tuple[str, ...], max_missing: int):
    missing = sum(1 for item in items if scores[item] is None)
    if missing > max_missing:
        return None
    return sum(scores[item] or 0 for item in items)


def band(code: str, total: int | None) -> str | None:
    """The De Jong Gierveld band of a total (``None`` for a missing total)."""
    if total is None:
        return None
    for lowest, name in _DJG[code].bands:
        if total >= lowest:
            return name
    raise ValueError(f"A total cannot be negative: {total}.")


def _score_djg(code: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    version = _DJG[code]
    scores = {item: _djg_item_score(item, answers.get(item)) for item in version.items}
    total = _count(scores, version.items, version.max_missing_total)
    return {
        "total": total,
        "emotional": _count(scores, version.emotional, version.max_missing_subscale),
        "social": _count(scores, version.social, version.max_missing_subscale),
        "band": band(code, total),
    }


def _score_who5(answers: Mapping[str, Any]) -> dict[str, Any]:
    values: list[int | None] = []
    for item in WHO5_ITEMS:
        value = answers.get(item)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5
        ):
            raise ValueError(f"Item {item}: {value!r} is not a whole number from 0 to 5.")
        values.append(value)
    answered = [v for v in values if v is not None]
    low_item = any(v <= 1 for v in answered)
    if len(answered) < len(WHO5_ITEMS):
        return {"raw": None, "percentage": None, "poor_wellbeing": True if low_item else None}
    raw = sum(answered)
    return {"raw": raw, "percentage": raw * 4, "poor_wellbeing": raw < WHO5_POOR_RAW or low_item}


def score(code: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Score one completed questionnaire exactly as published (see the module's text).

    ``code`` is ``"djg11"``, ``"djg6"`` or ``"who5"``; an unknown code, an unknown
    answer or a value out of range raises ``ValueError``.
    """
    if code in _DJG:
        return _score_djg(code, answers)
    if code == "who5":
        return _score_who5(answers)
    raise ValueError(f"Unknown instrument {code!r}; expected one of {', '.join(CODES)}.")


def headline(code: str, result: Mapping[str, Any]) -> int | None:
    """The one number a change is computed on: the De Jong Gierveld total (lower is
    better) or the WHO-5 percentage (higher is better)."""
    return result["percentage"] if code == "who5" else result["total"]


def higher_is_better(code: str) -> bool:
    return code == "who5"


# --- Item texts (data) ---------------------------------------------------------------

DATA_FILE = Path(__file__).parent / "data" / "instruments.json"


@cache
def texts() -> dict[str, Any]:
    """The instruments' texts: per code a name, a citation, the answers and the items,
    each text in ``nl`` and ``en`` with ``source`` and ``checked``."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def text(entry: Mapping[str, Any], language: str | None) -> str:
    """An entry's wording in the language (Dutch unless English is asked)."""
    lang = "en" if (language or "nl").startswith("en") else "nl"
    return str(entry[lang])
