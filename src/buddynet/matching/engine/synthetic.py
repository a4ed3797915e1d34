"""Realistic generated buddies and participants for tests and the benchmark.

Homes are real Flemish and Brussels municipalities (`buddynet.core.geo`, the cities weighted
up), languages follow a plausible mix (buddies mostly Dutch, often with French or English;
participants more often Arabic, Turkish, Ukrainian, Dari, ...), buddies lean to evenings and
weekends and participants to daytime, and about a fifth of the people state a preference.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Final, TypedDict

from buddynet.core.geo import Municipality, municipalities
from buddynet.matching.engine.core import (
    AGE_GROUPS,
    SLOTS,
    Buddy,
    Participant,
    Preference,
    Strength,
    Urgency,
)

__all__ = ["EXPERIENCE", "INTERESTS", "SKILLS", "buddies", "participants", "towns"]

INTERESTS: Final = (
    "walking",
    "cooking",
    "football",
    "music",
    "reading",
    "gardening",
    "cycling",
    "art",
    "chess",
    "cinema",
    "swimming",
    "crafts",
    "board_games",
    "nature",
    "technology",
    "dance",
    "photography",
    "history",
    "animals",
    "coffee_and_talk",
)
SKILLS: Final = (
    "administration",
    "dutch_practice",
    "finding_work",
    "housing",
    "digital",
    "homework",
    "budget",
    "mobility",
    "social_contacts",
    "health_appointments",
)
EXPERIENCE: Final = (
    "migration",
    "mental_health",
    "addiction",
    "parenting_alone",
    "grief",
    "poverty",
    "disability",
)
CITIES: Final = frozenset(
    {
        "Antwerpen",
        "Gent",
        "Brugge",
        "Leuven",
        "Mechelen",
        "Aalst",
        "Kortrijk",
        "Hasselt",
        "Genk",
        "Oostende",
        "Sint-Niklaas",
        "Roeselare",
        "Brussel",
        "Schaarbeek",
        "Anderlecht",
        "Sint-Jans-Molenbeek",
    }
)
BUDDY_LANGUAGES: Final = (("fr", 0.25), ("en", 0.45), ("ar", 0.03), ("tr", 0.03), ("uk", 0.01))
PARTICIPANT_FIRST: Final = (
    ("nl", 0.50),
    ("fr", 0.10),
    ("ar", 0.12),
    ("tr", 0.06),
    ("uk", 0.07),
    ("en", 0.05),
    ("prs", 0.04),
    ("so", 0.03),
    ("ti", 0.03),
)
DAY_SLOTS: Final = tuple(
    s for s in SLOTS if not s.endswith("evening") and s[:3] not in ("sat", "sun")
)


def towns() -> tuple[tuple[Municipality, ...], tuple[float, ...]]:
    """Flemish and Brussels municipalities and a weight for each (cities x 6)"""
    chosen = tuple(m for m in municipalities() if m.region in ("flanders", "brussels"))
    return chosen, tuple(6.0 if m.name_nl in CITIES else 1.0 for m in chosen)


def _pick(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _slots(rng: random.Random, lo: int, hi: int, favoured: Sequence[str]) -> frozenset[str]:
    weights = [3.0 if s in favoured else 1.0 for s in SLOTS]
    chosen: set[str] = set()
    for _ in range(rng.randint(lo, hi)):
        chosen.add(rng.choices(SLOTS, weights=weights)[0])
    return frozenset(chosen)


def _sample(rng: random.Random, vocab: Sequence[str], lo: int, hi: int) -> frozenset[str]:
    return frozenset(rng.sample(list(vocab), rng.randint(lo, hi)))


def _preference(rng: random.Random, chance: float, values: Sequence[str]) -> Preference | None:
    if rng.random() >= chance:
        return None
    strength: Strength = "must" if rng.random() < 0.3 else "would_like"
    picked = frozenset(rng.sample(list(values), rng.randint(1, 2)))
    return Preference(picked, strength)


def _gender(rng: random.Random, female: float) -> str:
    return _pick(rng, (("f", female), ("m", 0.98 - female), ("x", 0.01), ("", 0.01)))


class _Shared(TypedDict):
    latitude: float
    longitude: float
    max_km: float
    languages: frozenset[str]
    language_levels: dict[str, int]
    slots: frozenset[str]
    interests: frozenset[str]
    birth_year: int
    gender: str
    gender_pref: Preference | None
    age_pref: Preference | None


def _shared(
    rng: random.Random,
    home: Municipality,
    languages: set[str],
    levels: dict[str, int],
    *,
    max_km: Sequence[tuple[str, float]],
    slots: tuple[int, int, Sequence[str]],
    interests: tuple[int, int],
    age: int | tuple[int, int],
    reference_year: int,
    female: float,
    gender_pref: tuple[float, Sequence[str]],
    age_pref: float,
) -> _Shared:
    """The fields both sides share, drawn from `rng` in this order; `age` is the age in
    years, or the range to draw it from (between the interests and the gender)"""
    return _Shared(
        latitude=home.latitude,
        longitude=home.longitude,
        max_km=float(_pick(rng, max_km)),
        languages=frozenset(languages),
        language_levels=levels,
        slots=_slots(rng, *slots),
        interests=_sample(rng, INTERESTS, *interests),
        birth_year=reference_year - (age if isinstance(age, int) else rng.randint(*age)),
        gender=_gender(rng, female),
        gender_pref=_preference(rng, *gender_pref),
        age_pref=_preference(rng, age_pref, AGE_GROUPS[2:]),
    )


def _hands(rng: random.Random, share: float, buddy_count: int) -> frozenset[str]:
    if buddy_count <= 0 or rng.random() >= share:
        return frozenset()
    return frozenset(f"b{rng.randrange(buddy_count)}" for _ in range(rng.randint(1, 3)))


def buddies(
    n: int, *, seed: int = 0, reference_year: int = 2026, ready: float = 1.0
) -> list[Buddy]:
    """`n` buddies; a share `ready` of them ready to match"""
    rng = random.Random(seed)
    places, weights = towns()
    homes = rng.choices(places, weights=weights, k=n)
    evenings = tuple(s for s in SLOTS if s.endswith("evening") or s[:3] in ("sat", "sun"))
    out = []
    for i, home in enumerate(homes):
        languages = {"nl"} if rng.random() < 0.93 else {"fr"}
        levels = {code: 3 for code in languages}
        for code, chance in BUDDY_LANGUAGES:
            if rng.random() < chance and code not in languages:
                languages.add(code)
                levels[code] = rng.randint(1, 3)
        out.append(
            Buddy(
                id=f"b{i}",
                **_shared(
                    rng,
                    home,
                    languages,
                    levels,
                    max_km=(("5", 0.2), ("10", 0.4), ("15", 0.25), ("20", 0.15)),
                    slots=(2, 7, evenings),
                    interests=(1, 5),
                    age=(19, 76),
                    reference_year=reference_year,
                    female=0.65,
                    gender_pref=(0.15, ("f", "m", "x")),
                    age_pref=0.15,
                ),
                skills=_sample(rng, SKILLS, 1, 4),
                life_experience=_sample(rng, EXPERIENCE, 0, 2),
                capacity_left=int(_pick(rng, (("1", 0.7), ("2", 0.22), ("3", 0.08)))),
                ready=rng.random() < ready,
                record_check=rng.random() < 0.4,
            )
        )
    return out


def participants(
    n: int,
    *,
    seed: int = 1,
    reference_year: int = 2026,
    hands: float = 0.0,
    buddy_count: int = 0,
) -> list[Participant]:
    """`n` participants waiting for a buddy. A share `hands` of them got one to three raised
    hands from buddies ``b0`` .. ``b{buddy_count - 1}`` (drawn from a separate random stream,
    so the people themselves are the same with or without hands)."""
    rng = random.Random(seed)
    hand_rng = random.Random(seed + 1_000_003)
    places, weights = towns()
    homes = rng.choices(places, weights=weights, k=n)
    out = []
    for i, home in enumerate(homes):
        first = _pick(rng, PARTICIPANT_FIRST)
        languages = {first}
        levels = {first: 3}
        if first != "nl" and rng.random() < 0.45:
            languages.add("nl")
            levels["nl"] = rng.randint(1, 2)
        if first not in ("en", "nl") and rng.random() < 0.2:
            languages.add("en")
            levels["en"] = rng.randint(1, 3)
        minor = rng.random() < 0.06
        age = rng.randint(12, 17) if minor else rng.randint(18, 90)
        urgency: Urgency = "normal"
        roll = rng.random()
        if roll < 0.15:
            urgency = "low"
        elif roll > 0.85:
            urgency = "high"
        out.append(
            Participant(
                id=f"p{i}",
                **_shared(
                    rng,
                    home,
                    languages,
                    levels,
                    max_km=(("5", 0.3), ("10", 0.4), ("15", 0.2), ("25", 0.1)),
                    slots=(2, 9, DAY_SLOTS),
                    interests=(0, 4),
                    age=age,
                    reference_year=reference_year,
                    female=0.55,
                    gender_pref=(0.2, ("f", "m")),
                    age_pref=0.1,
                ),
                needs=_sample(rng, SKILLS, 0, 3),
                experience_wanted=_sample(rng, EXPERIENCE, 0, 1)
                if rng.random() < 0.3
                else frozenset(),
                involves_minors=rng.random() < 0.08,
                waiting_days=min(900, int(rng.expovariate(1 / 120))),
                urgency=urgency,
                hands=_hands(hand_rng, hands, buddy_count),
            )
        )
    return out
