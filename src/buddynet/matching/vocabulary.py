"""The words matching compares: topics of help (a buddy's skills against a participant's
needs), kinds of life experience, age groups, and how free text maps onto them.

Skills, needs and life experience are free text in the buddy and participant files. The
engine compares codes, so the text is read for a short list of Dutch and English keywords
per topic (accents and case ignored). A coordinator can also tick the topics by hand in a
participant's matching profile; ticked topics win over the keywords.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from django.utils.translation import gettext_lazy as _

from .engine import AGE_GROUPS

# code → (label, keywords). Keywords are matched at the start of a word.
HELP_TOPICS: dict[str, tuple] = {
    "administration": (
        _("paperwork and letters"),
        (
            "administrat",
            "papier",
            "brief",
            "brieven",
            "formulier",
            "ocmw",
            "paperwork",
            "letter",
            "forms",
        ),
    ),
    "dutch_practice": (
        _("practising Dutch"),
        ("nederlands", "taal oefen", "dutch", "language practice", "taalcaf"),
    ),
    "work": (
        _("finding work"),
        ("werk", "job", "sollicit", "vacature", "employment", "cv "),
    ),
    "housing": (
        _("housing"),
        ("woning", "huisvest", "huur", "housing", "a flat", "appartement"),
    ),
    "digital": (
        _("computer and smartphone"),
        ("digita", "computer", "smartphone", "gsm", "internet", "itsme", "laptop", "e-mail"),
    ),
    "homework": (
        _("school and homework"),
        ("huiswerk", "school", "homework", "studie", "studeren", "leerkracht"),
    ),
    "budget": (
        _("money and budget"),
        ("budget", "geld", "financ", "money", "schuld", "rekening"),
    ),
    "mobility": (
        _("getting around (bus, train, bike)"),
        ("bus", "trein", "tram", "fiets", "vervoer", "mobilit", "transport", "de lijn", "train"),
    ),
    "social_contacts": (
        _("company and social contacts"),
        (
            "eenza",
            "praten",
            "babbel",
            "buurt",
            "vrije tijd",
            "mensen leren kennen",
            "lonel",
            "company",
            "someone to talk",
            "gezelschap",
            "samen iets",
        ),
    ),
    "appointments": (
        _("going along to appointments"),
        ("afspra", "dokter", "ziekenhuis", "appointment", "doctor", "hospital", "arts "),
    ),
}

EXPERIENCE_KINDS: dict[str, tuple] = {
    "migration": (
        _("migration"),
        ("migra", "vlucht", "gevlucht", "nieuwkomer", "refugee", "newcomer", "asiel", "asylum"),
    ),
    "mental_health": (
        _("mental health"),
        ("psychisch", "depress", "mental", "burn-out", "burnout", "angst", "anxiety"),
    ),
    "addiction": (_("addiction"), ("versla", "addict", "alcohol", "drugs")),
    "single_parent": (
        _("raising children alone"),
        ("alleenstaand", "single parent", "alleen opvoed", "single mother", "single father"),
    ),
    "grief": (_("grief and loss"), ("rouw", "verlies", "overle", "grief", "bereave", "weduw")),
    "poverty": (_("poverty"), ("armoede", "poverty", "leefloon", "schulden")),
    "disability": (_("disability"), ("beperking", "handicap", "disab", "rolstoel", "wheelchair")),
    "illness": (_("serious illness"), ("ziekte", "kanker", "chronisch", "illness", "cancer")),
}

AGE_GROUP_LABELS = {
    "child": _("child (under 12)"),
    "youth": _("young person (12-17)"),
    "young_adult": _("young adult (18-29)"),
    "adult": _("adult (30-64)"),
    "senior": _("senior (65 and over)"),
}
assert tuple(AGE_GROUP_LABELS) == AGE_GROUPS

GENDER_LABELS = {"f": _("woman"), "m": _("man"), "x": _("non-binary / other")}

# A buddy's "preferred age groups" (volunteers.AgeGroup) in the engine's age groups.
BUDDY_AGE_GROUPS = {
    "children": ("child", "youth"),
    "youth": ("youth", "young_adult"),
    "adults": ("young_adult", "adult"),
    "elderly": ("senior",),
    "families": (),  # not an age: a family can be of any age
}


def topic_choices() -> list[tuple[str, object]]:
    return [(code, label) for code, (label, _words) in HELP_TOPICS.items()]


def experience_choices() -> list[tuple[str, object]]:
    return [(code, label) for code, (label, _words) in EXPERIENCE_KINDS.items()]


def _fold(text: str) -> str:
    lowered = text.lower()
    if lowered.isascii():
        return f" {lowered} "
    decomposed = unicodedata.normalize("NFKD", lowered)
    return " " + "".join(c for c in decomposed if not unicodedata.combining(c)) + " "


@cache
def _scanner(kind: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regular expression for every keyword of a table (longest first), and which code
    each keyword stands for: one pass over a text finds all its topics"""
    table = HELP_TOPICS if kind == "topics" else EXPERIENCE_KINDS
    code_of = {word: code for code, (_label, keywords) in table.items() for word in keywords}
    ordered = sorted(code_of, key=len, reverse=True)
    pattern = re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(w) for w in ordered) + ")")
    return pattern, code_of


@lru_cache(maxsize=4096)
def _scan(kind: str, folded: str) -> frozenset[str]:
    pattern, code_of = _scanner(kind)
    return frozenset(code_of[m.group(0)] for m in pattern.finditer(folded))


def topics_in(*texts: str) -> frozenset[str]:
    """The help topics a free text mentions, e.g. "hulp met papieren en de bus" →
    {administration, mobility}"""
    return _scan("topics", _fold(" ".join(t for t in texts if t)))


def experience_in(*texts: str) -> frozenset[str]:
    return _scan("experience", _fold(" ".join(t for t in texts if t)))


@lru_cache(maxsize=16384)
def _word(value: str) -> str:
    return _fold(value).strip()


def words(values) -> frozenset[str]:
    """Free words (interests) compared case- and accent-insensitively. Interests repeat
    across thousands of people, so each word is folded once."""
    return frozenset(_word(str(v)) for v in values or () if str(v).strip())


def topic_label(code: str):
    entry = HELP_TOPICS.get(code) or EXPERIENCE_KINDS.get(code)
    return entry[0] if entry else code
