"""The matching engine: hard constraints, weighted scores with reasons, ranking and an optimal
global proposal. Pure Python with numpy/scipy, no Django: the app layer turns its models into the
plain dataclasses below (`Buddy`, `Participant`) and stores what comes back.

Model
-----
A pair (participant, buddy) is *feasible* when it passes every hard constraint:

- ``language``: they share at least one language;
- ``distance``: the great-circle distance between their homes is at most both sides' limits;
- ``availability``: at least one shared weekly slot (7 days x morning/afternoon/evening);
- ``capacity``: the buddy has capacity left (``capacity_left > 0``);
- ``not_ready``: the buddy is ready to match;
- ``participant_preference`` / ``buddy_preference``: every preference marked "must" (gender, age
  group of the other side) is met; an unknown gender or age never meets a "must";
- ``safeguarding``: a trajectory with minors (``involves_minors`` or a participant under 18)
  needs a buddy with a recorded record check (model 596.2);
- ``excluded``: the pair did not say no before or end badly (given by the caller).

A feasible pair gets a score from 0 to 100: ``100 * sum(w_c * s_c) / sum(w_c)`` over the criteria
in `CRITERIA`, each ``s_c`` in [0, 1] (see `explain` for each formula, and `Weights` for the
defaults). Every score comes with its breakdown per criterion, and an infeasible pair with the
list of hard constraints it fails, with the numbers.

Entry points
------------
- `rank_buddies` / `rank_participants`: the best k of one side for one person of the other,
  vectorised over a prebuilt pool (`BuddyPool`, `ParticipantPool`), with near misses.
- `propose`: the assignment of participants to buddies that maximises the total score over
  feasible pairs, each participant at most one buddy and each buddy at most ``capacity_left``
  participants: exact, by scipy's sparse min-cost full bipartite matching (capacity slots, a
  dummy "unmatched" column per participant), solved first on each participant's best edges and
  then proved optimal on all of them with LP dual prices (`solve_assignment`). Only pairs
  within both distance limits are ever generated (people grouped by home location), so there
  is no dense matrix. `progress(phase, done, total)` reports along the way.
- `candidate_edges` / `solve_assignment`: the two halves of `propose`, for workers and tests.
- `explain`: the plain-Python score and reasons of one pair (also the reference the vectorised
  code is tested against).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Final, Generic, Literal, TypeAlias, TypedDict, TypeVar, Unpack

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
from scipy.sparse.csgraph import min_weight_full_bipartite_matching  # type: ignore[import-untyped]
from scipy.spatial import cKDTree  # type: ignore[import-untyped]

from buddynet.core import geo

__all__ = [
    "AGE_GROUPS",
    "CRITERIA",
    "GENDERS",
    "SLOTS",
    "URGENCIES",
    "Buddy",
    "BuddyPool",
    "Candidate",
    "CriterionScore",
    "Explanation",
    "FailCode",
    "Failure",
    "Key",
    "Participant",
    "ParticipantPool",
    "Person",
    "Preference",
    "ProgressCallback",
    "Proposal",
    "ProposedPair",
    "RankOptions",
    "Ranking",
    "Strength",
    "Urgency",
    "Vocabularies",
    "Weights",
    "age_group",
    "candidate_edges",
    "explain",
    "propose",
    "rank_buddies",
    "rank_participants",
    "solve_assignment",
]

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

EARTH_RADIUS_KM: Final[float] = geo.EARTH_RADIUS_KM
DAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS_OF_DAY: Final = ("morning", "afternoon", "evening")
SLOTS: Final[tuple[str, ...]] = tuple(f"{d}_{p}" for d in DAYS for p in PARTS_OF_DAY)
_SLOT_BIT: Final[dict[str, int]] = {slot: 1 << i for i, slot in enumerate(SLOTS)}

GENDERS: Final[tuple[str, ...]] = ("f", "m", "x")  # "" = not given
_UNKNOWN_GENDER_BIT: Final = 1 << len(GENDERS)

AgeGroup: TypeAlias = Literal["child", "youth", "young_adult", "adult", "senior"]
AGE_GROUPS: Final[tuple[AgeGroup, ...]] = ("child", "youth", "young_adult", "adult", "senior")
_AGE_GROUP_FROM: Final = (0, 12, 18, 30, 65)  # first age of each group
_UNKNOWN_AGE_BIT: Final = 1 << len(AGE_GROUPS)
ADULT_AGE: Final = 18

Urgency: TypeAlias = Literal["low", "normal", "high"]
URGENCIES: Final[dict[str, int]] = {"low": 0, "normal": 1, "high": 2}
WAITING_FULL_DAYS: Final = 365  # waiting this long (or longer) gives the full waiting part

LEVELS: Final = 3  # language level: 1 basic, 2 conversational, 3 fluent / native
AGE_SPAN_YEARS: Final = 40  # age proximity is 0 from this gap on
NEAR_MISS_DISTANCE_FACTOR: Final = 2.0  # a near miss on distance lives at most 2x the limit away

Strength: TypeAlias = Literal["must", "would_like"]
FailCode: TypeAlias = Literal[
    "not_ready",
    "capacity",
    "excluded",
    "language",
    "availability",
    "distance",
    "participant_preference",
    "buddy_preference",
    "safeguarding",
]
CRITERIA: Final[tuple[str, ...]] = (
    "distance",
    "availability",
    "interests",
    "skills",
    "language",
    "age",
    "life_experience",
    "preferences",
    "waiting",
    "mutual_interest",
)
Key: TypeAlias = Hashable
ProgressCallback: TypeAlias = Callable[[str, int, int], None]
"""Called as ``progress(phase, done, total)``; phases: "scoring", then "solving" (0/1, 1/1)."""

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
U64Array: TypeAlias = npt.NDArray[np.uint64]
Index: TypeAlias = "IntArray | int | slice"  # pairs: index arrays, one person, or all


@dataclass(frozen=True, slots=True)
class Preference:
    """What one person wants of the other side: the accepted values and how strongly"""

    values: frozenset[str]
    strength: Strength = "would_like"


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """What buddies and participants share. ``language_levels`` maps a language code to 1-3
    (basic, conversational, fluent); a language without a level counts as fluent (3).
    ``gender_pref``/``age_pref`` are about the *other* side (`GENDERS`, `AGE_GROUPS`)."""

    id: Key
    latitude: float
    longitude: float
    max_km: float = math.inf
    languages: frozenset[str] = frozenset()
    language_levels: Mapping[str, int] = field(default_factory=dict)
    slots: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    birth_year: int | None = None
    gender: str = ""
    gender_pref: Preference | None = None
    age_pref: Preference | None = None

    def level(self, language: str) -> int:
        return max(1, min(LEVELS, int(self.language_levels.get(language, LEVELS))))


@dataclass(frozen=True, slots=True, kw_only=True)
class Buddy(Person):
    """A volunteer as matching sees them. ``record_check``: a valid model 596.2 check is on
    record (the app decides validity from the date and the project's rule)."""

    max_km: float = 10.0
    skills: frozenset[str] = frozenset()
    life_experience: frozenset[str] = frozenset()
    capacity_left: int = 1
    ready: bool = True
    record_check: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Participant(Person):
    """A person waiting for a buddy. ``needs`` are compared to buddies' ``skills``,
    ``experience_wanted`` to their ``life_experience``. ``hands``: the ids of the buddies who
    raised their hand on this person's (anonymised) help request: the mutual-interest signal."""

    needs: frozenset[str] = frozenset()
    experience_wanted: frozenset[str] = frozenset()
    involves_minors: bool = False
    waiting_days: int = 0
    urgency: Urgency = "normal"
    hands: frozenset[Key] = frozenset()


@dataclass(frozen=True, slots=True)
class Weights:
    """Per-project weights of the criteria (any non-negative numbers, not all zero)"""

    distance: float = 3.0
    availability: float = 2.0
    interests: float = 2.0
    skills: float = 2.0
    language: float = 1.0
    age: float = 1.0
    life_experience: float = 1.0
    preferences: float = 1.0
    waiting: float = 2.0
    mutual_interest: float = 2.0

    def __post_init__(self) -> None:
        values = [getattr(self, f.name) for f in fields(self)]
        if any(not math.isfinite(v) or v < 0 for v in values) or sum(values) <= 0:
            raise ValueError("weights must be finite, non-negative and not all zero")

    def normalised(self) -> FloatArray:
        """Points per unit of each criterion, in `CRITERIA` order: they sum to 100"""
        raw = np.array([float(getattr(self, name)) for name in CRITERIA], dtype=np.float64)
        points: FloatArray = 100.0 * raw / raw.sum()
        return points


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Failure:
    """A hard constraint a pair fails, with the numbers where there are any"""

    code: FailCode
    message: str  # English; the app translates from `code`, `value` and `limit`
    value: float | None = None
    limit: float | None = None


@dataclass(frozen=True, slots=True)
class CriterionScore:
    name: str
    value: float  # 0..1
    weight: float  # points this criterion is worth at value 1 (weights normalised to 100)
    points: float  # value * weight


@dataclass(frozen=True, slots=True)
class Explanation:
    """The score of one pair with its reasons (see `explain`)"""

    participant_id: Key
    buddy_id: Key
    score: float
    criteria: tuple[CriterionScore, ...]
    failures: tuple[Failure, ...]
    distance_km: float
    shared_languages: tuple[str, ...]
    shared_slots: tuple[str, ...]
    shared_interests: tuple[str, ...]
    matched_needs: tuple[str, ...]
    shared_experience: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        return not self.failures


@dataclass(frozen=True, slots=True)
class Candidate:
    """One entry of a ranking: the other person's id, the score and why"""

    id: Key
    score: float
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class Ranking:
    candidates: tuple[Candidate, ...]  # feasible, best first (ties: pool order)
    near_misses: tuple[Candidate, ...]  # failing exactly one hard constraint, best first
    feasible_count: int
    pool_size: int


@dataclass(frozen=True, slots=True)
class ProposedPair:
    participant_id: Key
    buddy_id: Key
    score: float


@dataclass(frozen=True, slots=True)
class Proposal:
    pairs: tuple[ProposedPair, ...]
    total_score: float
    unmatched: tuple[Key, ...]  # participant ids without a buddy in the proposal
    feasible_pairs: int  # edges of the graph that was solved
    timings: Mapping[str, float]  # seconds per phase


# --------------------------------------------------------------------------------------------
# Encoding into arrays
# --------------------------------------------------------------------------------------------


def age_group(birth_year: int | None, reference_year: int) -> AgeGroup | None:
    """The age group of someone born in `birth_year`, counting age as reference year - birth
    year; None when unknown"""
    if birth_year is None:
        return None
    age = reference_year - birth_year
    group: AgeGroup = AGE_GROUPS[0]
    for name, start in zip(AGE_GROUPS, _AGE_GROUP_FROM, strict=True):
        if age >= start:
            group = name
    return group


def _gender_bit(gender: str) -> int:
    return 1 << GENDERS.index(gender) if gender in GENDERS else _UNKNOWN_GENDER_BIT


def _age_bit(birth_year: int | None, reference_year: int) -> int:
    group = age_group(birth_year, reference_year)
    return _UNKNOWN_AGE_BIT if group is None else 1 << AGE_GROUPS.index(group)


def _pref_masks(pref: Preference | None, vocabulary: Sequence[str]) -> tuple[int, int]:
    """(must mask, would-like mask): must 0xFF = no must; would-like 0 = no wish"""
    if pref is None:
        return 0xFF, 0
    mask = 0
    for i, value in enumerate(vocabulary):
        if value in pref.values:
            mask |= 1 << i
    return (mask, 0) if pref.strength == "must" else (0xFF, mask)


def _chord2(km: float) -> float:
    """Squared chord (unit sphere) of a great-circle distance; 4.0 (antipode) when unlimited"""
    if not math.isfinite(km) or km >= math.pi * EARTH_RADIUS_KM:
        return 4.0
    return float((2.0 * math.sin(max(km, 0.0) / (2.0 * EARTH_RADIUS_KM))) ** 2)


def _km(chord2: FloatArray) -> FloatArray:
    """Great-circle km from squared chords"""
    result: FloatArray = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(np.sqrt(chord2) / 2.0, 1.0))
    return result


class Vocabulary:
    """Bit positions of free codes (languages, interests, skills/needs, experience)"""

    def __init__(self, codes: Iterable[str] = ()) -> None:
        self.bits: dict[str, int] = {}
        for code in sorted(set(codes)):
            self.bits[code] = len(self.bits)
        self.words = max(1, (len(self.bits) + 63) // 64)
        self._cache: dict[frozenset[str], list[int]] = {}

    def mask(self, codes: frozenset[str]) -> list[int]:
        """One uint64-sized int per word; codes outside the vocabulary are left out"""
        found = self._cache.get(codes)
        if found is None:
            whole = 0
            for code in codes:
                bit = self.bits.get(code)
                if bit is not None:
                    whole |= 1 << bit
            mask64 = (1 << 64) - 1
            found = [(whole >> (64 * w)) & mask64 for w in range(self.words)]
            self._cache[codes] = found
        return found


@dataclass(frozen=True, slots=True)
class Vocabularies:
    languages: Vocabulary
    interests: Vocabulary
    skills: Vocabulary  # buddies' skills and participants' needs
    experience: Vocabulary

    @classmethod
    def of(cls, *groups: Iterable[Person]) -> Vocabularies:
        langs: set[str] = set()
        interests: set[str] = set()
        skills: set[str] = set()
        experience: set[str] = set()
        for group in groups:
            for person in group:
                langs |= person.languages
                interests |= person.interests
                if isinstance(person, Buddy):
                    skills |= person.skills
                    experience |= person.life_experience
                elif isinstance(person, Participant):
                    skills |= person.needs
                    experience |= person.experience_wanted
        if len(langs) > 64:
            raise ValueError("at most 64 different languages")
        return cls(
            Vocabulary(langs), Vocabulary(interests), Vocabulary(skills), Vocabulary(experience)
        )


T = TypeVar("T", bound=Person)
PoolT = TypeVar("PoolT", bound="_Pool[Any]")


class _Pool(Generic[T]):
    """People of one side as column arrays (the fields both sides share)"""

    def __init__(
        self,
        people: Sequence[T],
        *,
        vocabularies: Vocabularies | None = None,
        reference_year: int | None = None,
    ) -> None:
        self.people: tuple[T, ...] = tuple(people)
        self.reference_year = reference_year if reference_year is not None else date.today().year
        self.vocab = vocabularies if vocabularies is not None else Vocabularies.of(self.people)
        self.index: dict[Key, int] = {}
        self.ids: tuple[Key, ...] = tuple(person.id for person in self.people)
        for i, person in enumerate(self.people):
            if person.id in self.index:
                raise ValueError(f"duplicate id {person.id!r}")
            self.index[person.id] = i
        n = len(self.people)
        people_ = self.people
        lat = np.radians(np.array([p.latitude for p in people_], dtype=np.float64))
        lon = np.radians(np.array([p.longitude for p in people_], dtype=np.float64))
        self.lat_deg = np.array([p.latitude for p in people_], dtype=np.float64)
        self.lon_deg = np.array([p.longitude for p in people_], dtype=np.float64)
        self.x = np.cos(lat) * np.cos(lon)
        self.y = np.cos(lat) * np.sin(lon)
        self.z = np.sin(lat)
        self.max_km = np.array([p.max_km for p in people_], dtype=np.float64)
        self.chord2_max = np.array([_chord2(p.max_km) for p in people_], dtype=np.float64)
        langs = self.vocab.languages
        ge: list[list[int]] = [[0] * n for _ in range(LEVELS)]
        for i, p in enumerate(people_):
            for code in p.languages:
                bit = langs.bits.get(code)
                if bit is not None:
                    for level in range(p.level(code)):
                        ge[level][i] |= 1 << bit
        level_masks = np.array(ge, dtype=np.uint64).reshape(LEVELS, n)
        self.lang_ge: U64Array = level_masks  # [k, i]: languages i speaks at level >= k + 1
        self.slots = np.array(
            [sum(_SLOT_BIT[s] for s in p.slots if s in _SLOT_BIT) for p in people_],
            dtype=np.uint32,
        )
        self.n_slots = np.bitwise_count(self.slots).astype(np.float64)
        self.interests = self._masks(self.vocab.interests, [p.interests for p in people_])
        self.n_interests = np.array([len(p.interests) for p in people_], dtype=np.float64)
        birth = [np.nan if p.birth_year is None else float(p.birth_year) for p in people_]
        self.birth_year = np.array(birth, dtype=np.float64)
        self.gender_bit = np.array([_gender_bit(p.gender) for p in people_], dtype=np.uint8)
        year = self.reference_year
        self.age_bit = np.array([_age_bit(p.birth_year, year) for p in people_], dtype=np.uint8)
        g = [_pref_masks(p.gender_pref, GENDERS) for p in people_]
        a = [_pref_masks(p.age_pref, AGE_GROUPS) for p in people_]
        self.must_gender = np.array([m for m, _ in g], dtype=np.uint8)
        self.like_gender = np.array([w for _, w in g], dtype=np.uint8)
        self.must_age = np.array([m for m, _ in a], dtype=np.uint8)
        self.like_age = np.array([w for _, w in a], dtype=np.uint8)
        self._side_columns()

    def _side_columns(self) -> None:
        """The columns of one side only (set by the subclasses)"""

    def __len__(self) -> int:
        return len(self.people)

    @staticmethod
    def _masks(vocab: Vocabulary, sets: Sequence[frozenset[str]]) -> U64Array:
        empty = [0] * vocab.words
        rows = [vocab.mask(codes) if codes else empty for codes in sets]
        masks = np.array(rows, dtype=np.uint64).reshape(len(sets), vocab.words)
        return masks[:, 0].copy() if vocab.words == 1 else masks


class BuddyPool(_Pool[Buddy]):
    """Buddies as arrays, built once (e.g. per project) and ranked against many times"""

    def _side_columns(self) -> None:
        b = self.people
        self.skills = self._masks(self.vocab.skills, [p.skills for p in b])
        self.experience = self._masks(self.vocab.experience, [p.life_experience for p in b])
        self.capacity = np.array([max(0, p.capacity_left) for p in b], dtype=np.int64)
        self.ready = np.array([p.ready for p in b], dtype=np.bool_)
        self.record_check = np.array([p.record_check for p in b], dtype=np.bool_)
        self.hard = _pack(
            self.slots,
            self.gender_bit,
            self.age_bit,
            self.must_gender,
            self.must_age,
            ~self.record_check,
        )


class ParticipantPool(_Pool[Participant]):
    """Participants as arrays"""

    def _side_columns(self) -> None:
        ps = self.people
        self.needs = self._masks(self.vocab.skills, [p.needs for p in ps])
        self.n_needs = np.array([len(p.needs) for p in ps], dtype=np.float64)
        self.wanted = self._masks(self.vocab.experience, [p.experience_wanted for p in ps])
        self.n_wanted = np.array([len(p.experience_wanted) for p in ps], dtype=np.float64)
        year = self.reference_year
        self.minors = np.array(
            [_involves_minors(p, year) for p in ps],
            dtype=np.bool_,
        )
        self.waiting = np.array([_waiting_value(p) for p in ps], dtype=np.float64)
        # Raised hands as (participant position, buddy id): a tuple, not an array, so that
        # `_reordered` never mistakes it for a per-person column.
        self.hands: tuple[tuple[int, Key], ...] = tuple(
            (i, b) for i, p in enumerate(ps) for b in p.hands
        )
        self.has_hand = np.array([bool(p.hands) for p in ps], dtype=np.bool_)
        self.hard = _pack(
            self.slots, self.must_gender, self.must_age, self.gender_bit, self.age_bit, self.minors
        )


# One word per person with the bit fields of the pairwise hard constraints, laid out so that
# participant_word & buddy_word has, in each field: shared slots; the buddy's gender among those
# the participant accepts ("must", all when none); the buddy's age group likewise; the same two
# the other way round (all must be non-zero); and "minors involved and no record check" (must
# be zero). A free guard bit above each of the first five fields lets one addition test them
# all at once: adding 2**width - 1 to a field carries into its guard bit iff it is non-zero.
_FIELDS: Final = ((0, 21), (22, 4), (27, 6), (34, 4), (39, 6), (46, 1))
_DATA: Final = sum(((1 << width) - 1) << shift for shift, width in _FIELDS)
_ADD: Final = sum(((1 << width) - 1) << shift for shift, width in _FIELDS[:5])
_GUARDS: Final = sum(1 << (shift + width) for shift, width in _FIELDS[:5])
_SAFEGUARD: Final = 1 << _FIELDS[5][0]


def _pack(*parts: npt.NDArray[np.generic]) -> U64Array:
    word = np.zeros(parts[0].shape, dtype=np.uint64)
    for part, (shift, width) in zip(parts, _FIELDS, strict=True):
        bits = part.astype(np.uint64) & np.uint64((1 << width) - 1)
        word |= bits << np.uint64(shift)
    return word


def _hard_ok(word: U64Array) -> BoolArray:
    """The pairwise hard constraints but language and distance, from P.hard & B.hard"""
    carried = (word & np.uint64(_DATA)) + np.uint64(_ADD)
    ok: BoolArray = (carried & np.uint64(_GUARDS | _SAFEGUARD)) == np.uint64(_GUARDS)
    return ok


def _involves_minors(p: Participant, reference_year: int) -> bool:
    return p.involves_minors or (
        p.birth_year is not None and reference_year - p.birth_year < ADULT_AGE
    )


def _waiting_value(p: Participant) -> float:
    """Half the waiting time (full from `WAITING_FULL_DAYS`), half the urgency (low 0,
    normal 0.5, high 1)"""
    wait = min(max(p.waiting_days, 0), WAITING_FULL_DAYS) / WAITING_FULL_DAYS
    return 0.5 * wait + 0.5 * URGENCIES[p.urgency] / 2.0


# --------------------------------------------------------------------------------------------
# Vectorised checks and scores over pairs (pi, bi): index arrays, or one int to broadcast
# --------------------------------------------------------------------------------------------


def _chord2_between(P: ParticipantPool, pi: Index, B: BuddyPool, bi: Index) -> FloatArray:
    dx = P.x[pi] - B.x[bi]
    dy = P.y[pi] - B.y[bi]
    dz = P.z[pi] - B.z[bi]
    result: FloatArray = dx * dx + dy * dy + dz * dz
    return result


def _ok(mask: npt.NDArray[np.uint8] | npt.NDArray[np.uint64] | npt.NDArray[np.uint32]) -> BoolArray:
    return np.asarray(mask != 0)


def _checks(
    P: ParticipantPool, pi: Index, B: BuddyPool, bi: Index, chord2: FloatArray
) -> list[tuple[FailCode, BoolArray]]:
    """Every hard constraint but `excluded`, as (code, passes) in a cheap-and-selective order"""
    return [
        ("distance", np.asarray(chord2 <= np.minimum(P.chord2_max[pi], B.chord2_max[bi]))),
        ("language", _ok(P.lang_ge[0][pi] & B.lang_ge[0][bi])),
        ("availability", _ok(P.slots[pi] & B.slots[bi])),
        ("capacity", np.asarray(B.capacity[bi] > 0)),
        ("not_ready", np.asarray(B.ready[bi])),
        (
            "participant_preference",
            _ok(P.must_gender[pi] & B.gender_bit[bi]) & _ok(P.must_age[pi] & B.age_bit[bi]),
        ),
        (
            "buddy_preference",
            _ok(B.must_gender[bi] & P.gender_bit[pi]) & _ok(B.must_age[bi] & P.age_bit[pi]),
        ),
        ("safeguarding", np.asarray(~P.minors[pi] | B.record_check[bi])),
    ]


def _overlap(shared: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """shared / min(a, b), 0 where either is empty"""
    low = np.minimum(a, b)
    result: FloatArray = np.divide(
        shared, low, out=np.zeros(np.broadcast(shared, low).shape), where=low > 0
    )
    return result


def _popcount(a: U64Array, b: U64Array) -> FloatArray:
    """Shared bits of masks: one word per person (1-D pool arrays) or several (last axis)"""
    counts = np.bitwise_count(a & b)
    result: FloatArray = (
        counts.sum(axis=-1, dtype=np.int64) if counts.ndim == 2 else counts
    ).astype(np.float64)
    return result


def _score(
    P: ParticipantPool,
    pi: Index,
    B: BuddyPool,
    bi: Index,
    chord2: FloatArray,
    w: FloatArray,
    mutual: FloatArray | None = None,
) -> FloatArray:
    """Scores (0..100) of the pairs: the criteria of `explain`, vectorised, times the normalised
    weights `w`, summed in `CRITERIA` order. `mutual`: 1 where the buddy raised a hand for
    the participant (see `_mutual`), None when nobody did"""
    n = int(np.broadcast(chord2).size)
    zeros = np.zeros(n)
    km = _km(chord2)
    limit = np.minimum(P.max_km[pi], B.max_km[bi])
    total = w[0] * np.clip(1.0 - km / limit, 0.0, 1.0)
    shared_slots = np.bitwise_count(P.slots[pi] & B.slots[bi]).astype(np.float64)
    total += w[1] * _overlap(shared_slots, P.n_slots[pi], B.n_slots[bi])
    shared = _popcount(P.interests[pi], B.interests[bi])
    total += w[2] * _overlap(shared, P.n_interests[pi], B.n_interests[bi])
    n_needs = P.n_needs[pi]
    matched = _popcount(P.needs[pi], B.skills[bi])
    total += w[3] * np.divide(matched, n_needs, out=zeros.copy(), where=n_needs > 0)
    level = np.zeros(n)
    for k in range(LEVELS):
        level += _ok(P.lang_ge[k][pi] & B.lang_ge[k][bi])
    total += w[4] * (level / LEVELS)
    gap = np.abs(P.birth_year[pi] - B.birth_year[bi])
    known = ~np.isnan(gap)
    age = np.full(n, 0.5)
    age[known] = (
        1.0 - np.minimum(np.broadcast_to(gap, (n,))[known], AGE_SPAN_YEARS) / AGE_SPAN_YEARS
    )
    total += w[5] * age
    n_wanted = P.n_wanted[pi]
    exp = _popcount(P.wanted[pi], B.experience[bi])
    total += w[6] * np.divide(exp, n_wanted, out=zeros.copy(), where=n_wanted > 0)
    wishes = np.zeros(n)
    met = np.zeros(n)
    for like, bit in (
        (P.like_gender[pi], B.gender_bit[bi]),
        (P.like_age[pi], B.age_bit[bi]),
        (B.like_gender[bi], P.gender_bit[pi]),
        (B.like_age[bi], P.age_bit[pi]),
    ):
        wishes += _ok(like)
        met += _ok(like & bit)
    total += w[7] * np.divide(met, wishes, out=np.ones(n), where=wishes > 0)
    total += w[8] * P.waiting[pi]
    if mutual is not None:
        total += w[9] * mutual
    result: FloatArray = total
    return result


def _hand_keys(P: ParticipantPool, B: BuddyPool) -> IntArray:
    """The raised hands as sorted pair keys ``p * len(B) + b`` (pool positions), for the
    buddies of `B`"""
    n_b = len(B)
    keys = [p * n_b + B.index[b] for p, b in P.hands if b in B.index]
    return np.unique(np.array(keys, dtype=np.int64))


def _mutual(keys: IntArray, has_hand: BoolArray, p: IntArray, b: IntArray, n_b: int) -> FloatArray:
    """1.0 for the pairs (pool positions p, b) whose key is in `keys`, else 0.0; only the
    pairs of participants with a hand at all are looked up"""
    out = np.zeros(p.size)
    if keys.size:
        look = np.flatnonzero(has_hand[p])
        wanted = p[look] * n_b + b[look]
        at = np.minimum(np.searchsorted(keys, wanted), keys.size - 1)
        out[look] = keys[at] == wanted
    return out


# --------------------------------------------------------------------------------------------
# One pair in plain Python: the reasons, and the reference for the vectorised code
# --------------------------------------------------------------------------------------------


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _pref_failure(
    who: str, pref: Preference | None, other_value: str | None, kind: str
) -> str | None:
    if pref is None or pref.strength != "must" or other_value in pref.values:
        return None
    wanted = ", ".join(sorted(pref.values)) or "nothing"
    return f"{who} requires {kind} {wanted}, the other is {other_value or 'not given'}"


def explain(
    participant: Participant,
    buddy: Buddy,
    *,
    weights: Weights | None = None,
    reference_year: int | None = None,
    excluded: bool = False,
) -> Explanation:
    """The score of one pair, criterion by criterion, and the hard constraints it fails.

    Criteria (each 0..1, times the normalised weight; the score is their sum, 0..100):
    - distance: ``1 - km / min(both limits)``, 0 beyond the limit;
    - availability: shared slots / the smaller number of slots of the two;
    - interests: shared interests / the smaller number of interests (0 if either has none);
    - skills: participant's needs the buddy has a skill for / number of needs (0 if none);
    - language: the best level both speak a shared language at (min of the two), / 3;
    - age: ``1 - min(|birth year gap|, 40) / 40``; 0.5 when either age is unknown;
    - life_experience: wanted experience the buddy has / experience wanted (0 if none);
    - preferences: "would like" wishes met / wishes on both sides (1 when nobody has one);
    - waiting: ``0.5 * min(days, 365) / 365 + 0.5 * urgency`` (low 0, normal 0.5, high 1);
    - mutual_interest: 1 when the buddy raised a hand on the participant's help request
      (``buddy.id in participant.hands``), else 0.
    """
    w = (weights or Weights()).normalised()
    year = reference_year if reference_year is not None else date.today().year
    p, b = participant, buddy
    km = _haversine_km(p.latitude, p.longitude, b.latitude, b.longitude)
    limit = min(p.max_km, b.max_km)
    langs = p.languages & b.languages
    slots = p.slots & b.slots
    interests = p.interests & b.interests
    needs = p.needs & b.skills
    experience = p.experience_wanted & b.life_experience
    p_group, b_group = age_group(p.birth_year, year), age_group(b.birth_year, year)
    p_gender = p.gender if p.gender in GENDERS else None
    b_gender = b.gender if b.gender in GENDERS else None

    failures: list[Failure] = []
    if not b.ready:
        failures.append(Failure("not_ready", "the buddy is not ready to match"))
    if b.capacity_left <= 0:
        failures.append(Failure("capacity", "the buddy has no capacity left", 0, 1))
    if excluded:
        failures.append(Failure("excluded", "this pair said no before or ended badly"))
    if not langs:
        failures.append(
            Failure(
                "language",
                f"no shared language (participant: {', '.join(sorted(p.languages)) or '-'};"
                f" buddy: {', '.join(sorted(b.languages)) or '-'})",
            )
        )
    if not slots:
        failures.append(Failure("availability", "no shared time slot", 0, 1))
    if not km <= limit:
        failures.append(
            Failure("distance", f"lives {km:.0f} km away, at most {limit:.0f} km", km, limit)
        )
    for who, pref, value, kind, code in (
        ("the participant", p.gender_pref, b_gender, "gender", "participant_preference"),
        ("the participant", p.age_pref, b_group, "age group", "participant_preference"),
        ("the buddy", b.gender_pref, p_gender, "gender", "buddy_preference"),
        ("the buddy", b.age_pref, p_group, "age group", "buddy_preference"),
    ):
        message = _pref_failure(who, pref, value, kind)
        if message:
            failures.append(Failure(code, message))  # type: ignore[arg-type]
    if _involves_minors(p, year) and not b.record_check:
        failures.append(
            Failure("safeguarding", "minors are involved and the buddy has no record check")
        )

    def overlap(shared: int, a: int, c: int) -> float:
        return shared / min(a, c) if min(a, c) > 0 else 0.0

    level = max((min(p.level(code), b.level(code)) for code in langs), default=0)
    if p.birth_year is None or b.birth_year is None:
        age = 0.5
    else:
        age = 1.0 - min(abs(p.birth_year - b.birth_year), AGE_SPAN_YEARS) / AGE_SPAN_YEARS
    wishes = met = 0
    for pref, value in (
        (p.gender_pref, b_gender),
        (p.age_pref, b_group),
        (b.gender_pref, p_gender),
        (b.age_pref, p_group),
    ):
        if pref is not None and pref.strength == "would_like" and pref.values:
            wishes += 1
            met += value in pref.values
    values = (
        min(1.0, max(0.0, 1.0 - km / limit)),
        overlap(len(slots), len(p.slots), len(b.slots)),
        overlap(len(interests), len(p.interests), len(b.interests)),
        len(needs) / len(p.needs) if p.needs else 0.0,
        level / LEVELS,
        age,
        len(experience) / len(p.experience_wanted) if p.experience_wanted else 0.0,
        met / wishes if wishes else 1.0,
        _waiting_value(p),
        1.0 if b.id in p.hands else 0.0,
    )
    criteria = tuple(
        CriterionScore(name, value, float(weight), value * float(weight))
        for name, value, weight in zip(CRITERIA, values, w, strict=True)
    )
    return Explanation(
        participant_id=p.id,
        buddy_id=b.id,
        score=sum(c.points for c in criteria),
        criteria=criteria,
        failures=tuple(failures),
        distance_km=km,
        shared_languages=tuple(sorted(langs)),
        shared_slots=tuple(s for s in SLOTS if s in slots),
        shared_interests=tuple(sorted(interests)),
        matched_needs=tuple(sorted(needs)),
        shared_experience=tuple(sorted(experience)),
    )


# --------------------------------------------------------------------------------------------
# Ranking
# --------------------------------------------------------------------------------------------


def _top(scores: FloatArray, order_key: IntArray, k: int) -> IntArray:
    """Positions of the k best scores, best first, ties by `order_key` ascending: exactly the
    first k of a full sort, without sorting everything"""
    if k <= 0 or scores.size == 0:
        return np.zeros(0, dtype=np.int64)
    if scores.size > k:
        threshold = np.partition(scores, scores.size - k)[scores.size - k]
        keep = np.flatnonzero(scores >= threshold)
    else:
        keep = np.arange(scores.size)
    order = np.lexsort((order_key[keep], -scores[keep]))[:k]
    result: IntArray = keep[order]
    return result


class RankOptions(TypedDict, total=False):
    """What both rankings take: the `k` best (10), up to `near_misses` near misses (5),
    the `weights` (`Weights()`), and `excluded`: the ids in the pool this person must not
    be proposed with."""

    k: int
    near_misses: int
    weights: Weights | None
    excluded: Collection[Key]


def _rank(
    P: ParticipantPool,
    pi: Index,
    B: BuddyPool,
    bi: Index,
    pool: _Pool[T],
    hand_positions: IntArray,
    pair: Callable[[T], tuple[Participant, Buddy]],
    *,
    k: int = 10,
    near_misses: int = 5,
    weights: Weights | None = None,
    excluded: Collection[Key] = (),
) -> Ranking:
    """Shared by both rankings: one side is a single person (index 0), the other `pool`.
    `hand_positions`: the pool positions paired with a raised hand (mutual interest);
    `pair(other)`: (participant, buddy) for a person of `pool`, to explain the pair."""
    weights = weights or Weights()
    n = len(pool)
    if n == 0:
        return Ranking((), (), 0, 0)
    excluded_positions = np.array(
        [pool.index[i] for i in excluded if i in pool.index], dtype=np.int64
    )
    chord2 = _chord2_between(P, pi, B, bi)
    checks = _checks(P, pi, B, bi, chord2)
    failed = np.zeros(n, dtype=np.int8)
    for _, ok in checks:
        failed += ~np.broadcast_to(ok, (n,))
    if excluded_positions.size:
        failed[excluded_positions] += 1
    w = weights.normalised()
    hands: FloatArray | None = None
    if hand_positions.size:
        hands = np.zeros(n)
        hands[hand_positions] = 1.0

    def scored(where: IntArray) -> tuple[IntArray, FloatArray]:
        sub_p = pi if isinstance(pi, int) else where if isinstance(pi, slice) else pi[where]
        sub_b = bi if isinstance(bi, int) else where if isinstance(bi, slice) else bi[where]
        mutual = None if hands is None else hands[where]
        return where, _score(P, sub_p, B, sub_b, chord2[where], w, mutual)

    def candidates(pos: IntArray, sc: FloatArray) -> tuple[Candidate, ...]:
        out = []
        for i, s in zip(pos.tolist(), sc.tolist(), strict=True):
            other = pool.people[i]
            p, b = pair(other)
            why = explain(
                p,
                b,
                weights=weights,
                reference_year=pool.reference_year,
                excluded=other.id in excluded,
            )
            out.append(Candidate(other.id, float(s), why))
        return tuple(out)

    feasible = np.flatnonzero(failed == 0)
    where, scores = scored(feasible)
    best = _top(scores, where, k)
    near_pos = np.zeros(0, dtype=np.int64)
    near_scores = np.zeros(0)
    if near_misses > 0:
        near = failed == 1
        limit2 = np.minimum(P.chord2_max[pi], B.chord2_max[bi])
        # Only "near" on distance: at most NEAR_MISS_DISTANCE_FACTOR times the limit away
        near &= chord2 <= limit2 * NEAR_MISS_DISTANCE_FACTOR**2
        near_where, near_all = scored(np.flatnonzero(near))
        top_near = _top(near_all, near_where, near_misses)
        near_pos, near_scores = near_where[top_near], near_all[top_near]
    return Ranking(
        candidates(where[best], scores[best]),
        candidates(near_pos, near_scores),
        int(feasible.size),
        n,
    )


def rank_buddies(
    participant: Participant, pool: BuddyPool, **options: Unpack[RankOptions]
) -> Ranking:
    """The k best feasible buddies of `pool` for `participant`, best first, each with its
    explanation; and up to `near_misses` buddies that fail exactly one hard constraint (on
    distance: at most twice the limit away), with the failure. `excluded`: buddy ids this
    participant must not be proposed with (see `RankOptions`)."""
    P = ParticipantPool([participant], vocabularies=pool.vocab, reference_year=pool.reference_year)
    hands = np.array([pool.index[b] for b in participant.hands if b in pool.index], np.int64)
    return _rank(P, 0, pool, slice(None), pool, hands, lambda b: (participant, b), **options)


def rank_participants(
    buddy: Buddy, pool: ParticipantPool, **options: Unpack[RankOptions]
) -> Ranking:
    """The k best feasible participants of `pool` for `buddy` (as `rank_buddies`, mirrored).
    The waiting criterion makes long-waiting and urgent participants rise."""
    B = BuddyPool([buddy], vocabularies=pool.vocab, reference_year=pool.reference_year)
    hands = np.array(sorted({p for p, b in pool.hands if b == buddy.id}), dtype=np.int64)
    return _rank(pool, slice(None), B, 0, pool, hands, lambda p: (p, buddy), **options)


# --------------------------------------------------------------------------------------------
# Global proposal
# --------------------------------------------------------------------------------------------

CHUNK_PAIRS: Final = 1 << 20  # candidate pairs checked and scored at once (bounds memory)
PRUNE_TOP: Final = 16  # edges per participant in the first solve (see `solve_assignment`)


@dataclass(frozen=True, slots=True)
class _Groups:
    """People of one side grouped by home location, each group's members sorted by distance
    limit, largest first, so "limit >= d" is a prefix of the group"""

    loc_xyz: FloatArray  # unique home locations (unit vectors), m x 3
    loc_groups: IntArray  # groups of location l: loc_groups[l]:loc_groups[l + 1]
    lang: U64Array  # languages (level >= 1) spoken in each group
    starts: IntArray  # members of group g: order[starts[g]:starts[g + 1]]
    order: IntArray  # pool positions, by group, then by limit descending
    keys: IntArray  # per ordered member: group * (R + 1) + (R - limit rank), ascending
    loc_reach: FloatArray  # largest squared-chord limit at each location
    loc_lang: U64Array  # languages spoken at each location


def _groups(pool: _Pool[T], members: IntArray, limit_rank: IntArray, n_ranks: int) -> _Groups:
    unique, loc = np.unique(pool.lat_deg[members] + 1j * pool.lon_deg[members], return_inverse=True)
    locations = np.stack([unique.real, unique.imag], axis=1)
    loc = loc.reshape(-1)
    member_langs = pool.lang_ge[0][members]
    loc_reach = np.zeros(locations.shape[0])
    np.maximum.at(loc_reach, loc, pool.chord2_max[members])
    loc_lang = np.zeros(locations.shape[0], dtype=np.uint64)
    np.bitwise_or.at(loc_lang, loc, member_langs)
    # One group per location. (Splitting groups by language as well was measured slower: the
    # extra group pairs cost more than the language check per pair they save.)
    langs, lang = np.zeros(1, dtype=np.uint64), np.zeros(members.size, dtype=np.int64)
    group_keys, group = np.unique(loc * langs.size + lang.reshape(-1), return_inverse=True)
    group = group.reshape(-1)
    rank = limit_rank[members]
    sort = np.lexsort((-rank, group))
    lat, lon = np.radians(locations[:, 0]), np.radians(locations[:, 1])
    xyz = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)
    group_loc = group_keys // langs.size
    return _Groups(
        loc_xyz=xyz,
        loc_groups=np.searchsorted(group_loc, np.arange(locations.shape[0] + 1)).astype(np.int64),
        lang=loc_lang,
        starts=np.searchsorted(group[sort], np.arange(group_keys.size + 1)).astype(np.int64),
        order=members[sort],
        keys=(group[sort] * (n_ranks + 1) + (n_ranks - rank[sort])).astype(np.int64),
        loc_reach=loc_reach,
        loc_lang=loc_lang,
    )


def _expand(counts: IntArray) -> tuple[IntArray, IntArray]:
    """For blocks of the given sizes: (block of each item, position inside its block)"""
    block = np.repeat(np.arange(counts.size), counts)
    within = np.arange(block.size) - np.repeat(np.cumsum(counts) - counts, counts)
    return block, within


def _reordered(pool: PoolT, order: IntArray) -> PoolT:
    """A shallow copy of `pool` with every per-person array in `order` (for locality)"""
    copy = object.__new__(type(pool))
    n = len(pool)
    for name, value in vars(pool).items():
        if name == "lang_ge":
            value = value[:, order]
        elif isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == n:
            value = value[order]
        setattr(copy, name, value)
    copy.people = ()  # not needed: callers map positions back through `order`
    copy.index = {}
    return copy


def candidate_edges(
    participants: ParticipantPool,
    buddies: BuddyPool,
    *,
    weights: Weights | None = None,
    excluded: Iterable[tuple[Key, Key]] = (),
    progress: ProgressCallback | None = None,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Every feasible pair and its score, as (participant index, buddy index, score) arrays.

    No dense matrix: people are grouped by home location; a k-d tree gives the location pairs
    within reach, location pairs nobody can bridge (distance or language) are skipped, and
    inside a pair of locations only the members whose limits allow the distance (a prefix of
    each group, sorted by limit) are paired. Only those pairs, within both distance limits, are
    checked against the other hard constraints (packed bit fields) and scored, in chunks of at
    most
    `CHUNK_PAIRS`; `progress("scoring", done, total)` after each chunk."""
    if participants.vocab is not buddies.vocab:
        raise ValueError("build both pools with the same Vocabularies (see propose)")
    P, B = participants, buddies
    w = (weights or Weights()).normalised()
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    available = np.flatnonzero((B.capacity > 0) & B.ready)
    if len(P) == 0 or available.size == 0:
        return empty
    limits = np.unique(np.concatenate([P.chord2_max, B.chord2_max[available]]))
    R = int(limits.size)
    gp = _groups(P, np.arange(len(P)), np.searchsorted(limits, P.chord2_max), R)
    gb = _groups(B, available, np.searchsorted(limits, B.chord2_max), R)
    # Location pairs within the largest reach (the k-d tree radius is padded; exact below).
    reach = float(min(P.chord2_max.max(), B.chord2_max[available].max()))
    found = cKDTree(gp.loc_xyz).sparse_distance_matrix(
        cKDTree(gb.loc_xyz), math.sqrt(reach) * (1 + 1e-6) + 1e-12, output_type="ndarray"
    )
    lp, lb = found["i"].astype(np.int64), found["j"].astype(np.int64)
    d = gp.loc_xyz[lp] - gb.loc_xyz[lb]  # same arithmetic as _chord2_between: same numbers
    c2 = d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1] + d[:, 2] * d[:, 2]
    # Location pairs somebody on both sides can bridge (distance and language).
    keep = (c2 <= np.minimum(gp.loc_reach[lp], gb.loc_reach[lb])) & (
        (gp.loc_lang[lp] & gb.loc_lang[lb]) != 0
    )
    lp, lb, c2 = lp[keep], lb[keep], c2[keep]
    # Location pairs -> group pairs sharing a language.
    n_gp = gp.loc_groups[lp + 1] - gp.loc_groups[lp]
    n_gb = gb.loc_groups[lb + 1] - gb.loc_groups[lb]
    pair, within = _expand(n_gp * n_gb)
    g_p = gp.loc_groups[lp[pair]] + within // n_gb[pair]
    g_b = gb.loc_groups[lb[pair]] + within % n_gb[pair]
    c2 = c2[pair]
    keep = (gp.lang[g_p] & gb.lang[g_b]) != 0
    g_p, g_b, c2 = g_p[keep], g_b[keep], c2[keep]
    # Members whose limit allows the distance: limit rank >= rank of c2 (exact, integers).
    need = R - np.searchsorted(limits, c2, side="left")
    n_p = np.searchsorted(gp.keys, g_p * (R + 1) + need, side="right") - gp.starts[g_p]
    n_b = np.searchsorted(gb.keys, g_b * (R + 1) + need, side="right") - gb.starts[g_b]
    sizes = n_p * n_b
    keep = sizes > 0
    g_p, g_b, c2, n_p, n_b, sizes = (a[keep] for a in (g_p, g_b, c2, n_p, n_b, sizes))
    ends = np.cumsum(sizes)
    total = int(ends[-1]) if ends.size else 0

    Ps = _reordered(P, gp.order)
    Bs = _reordered(B, gb.order)
    n_b_all = len(B)
    excluded_keys = np.unique(
        np.array(
            [
                P.index[p] * n_b_all + B.index[b]
                for p, b in excluded
                if p in P.index and b in B.index
            ],
            dtype=np.int64,
        )
    )
    hand_keys = _hand_keys(P, B)
    out_p: list[IntArray] = []
    out_b: list[IntArray] = []
    out_s: list[FloatArray] = []
    first = done = 0
    while first < sizes.size:
        last = max(int(np.searchsorted(ends, done + CHUNK_PAIRS, side="right")), first + 1)
        counts = sizes[first:last]
        pair, local = _expand(counts)
        pair += first
        width = n_b[pair]
        row, column = np.divmod(local, width)
        pi = gp.starts[g_p[pair]] + row  # positions in Ps
        bi = gb.starts[g_b[pair]] + column  # positions in Bs
        chord2 = c2[pair]
        ok = _hard_ok(Ps.hard[pi] & Bs.hard[bi])
        ok &= (Ps.lang_ge[0][pi] & Bs.lang_ge[0][bi]) != 0
        pi, bi, chord2 = pi[ok], bi[ok], chord2[ok]
        p_out, b_out = gp.order[pi], gb.order[bi]
        if excluded_keys.size:
            ok = ~np.isin(p_out * n_b_all + b_out, excluded_keys)
            pi, bi, chord2, p_out, b_out = pi[ok], bi[ok], chord2[ok], p_out[ok], b_out[ok]
        out_p.append(p_out)
        out_b.append(b_out)
        mutual = None
        if hand_keys.size:
            mutual = _mutual(hand_keys, P.has_hand, p_out, b_out, n_b_all)
        out_s.append(_score(Ps, pi, Bs, bi, chord2, w, mutual))
        done += int(counts.sum())
        first = last
        if progress is not None:
            progress("scoring", done, total)
    if not out_p:
        return empty
    return np.concatenate(out_p), np.concatenate(out_b), np.concatenate(out_s)


def _compact(values: IntArray, size: int) -> tuple[IntArray, IntArray]:
    """(the distinct values, ascending; each value's position among them), without sorting"""
    present = np.zeros(size + 1, dtype=np.bool_)
    present[values] = True
    distinct = np.flatnonzero(present)
    position = np.cumsum(present) - 1
    return distinct, position[values]


def _matching(p_idx: IntArray, b_idx: IntArray, scores: FloatArray, cap: IntArray) -> IntArray:
    """Optimal assignment over the given edges (unique pairs, scores >= 0): buddy b becomes
    min(capacity, degree) identical columns; each participant gets a private dummy column
    (= unmatched, score 0), so a matching covering every participant exists; costs are
    ``M - score`` (M > max score: all positive) and M for the dummy. A min-cost full matching
    of the rows minimises ``rows * M - sum(chosen scores)``: it maximises the total score.
    Returns the positions of the chosen edges in the given arrays."""
    rows, row_of = _compact(p_idx, int(p_idx.max()) + 1)
    cols, col_of = _compact(b_idx, int(b_idx.max()) + 1)
    n_rows, n_cols = rows.size, cols.size
    # Edges sorted by (row, column): the CSR rows come out sorted, and chosen pairs are found
    # back by binary search.
    keys = row_of * n_cols + col_of
    order = np.argsort(keys)
    keys = keys[order]
    row_of, col_of = row_of[order], col_of[order]
    degree = np.bincount(col_of, minlength=n_cols)
    slots = np.minimum(cap[cols], degree)
    slot_start = np.concatenate([[0], np.cumsum(slots)])
    n_slots = int(slot_start[-1])
    edge, within = _expand(slots[col_of])  # slot copies of each (sorted) edge, still sorted
    per_row = np.bincount(row_of[edge], minlength=n_rows) + 1  # + the dummy, last in its row
    indptr = np.concatenate([[0], np.cumsum(per_row)])
    dummy_at = indptr[1:] - 1
    real_at = np.ones(int(indptr[-1]), dtype=np.bool_)
    real_at[dummy_at] = False
    big = float(scores.max()) + 1.0
    indices = np.empty(int(indptr[-1]), dtype=np.int32)
    data = np.empty(int(indptr[-1]))
    indices[real_at] = slot_start[col_of[edge]] + within
    data[real_at] = big - scores[order[edge]]
    indices[dummy_at] = n_slots + np.arange(n_rows)
    data[dummy_at] = big
    graph = csr_matrix((data, indices, indptr), shape=(n_rows, n_slots + n_rows))
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    real = col_ind < n_slots
    owner_col = np.repeat(np.arange(n_cols), slots)  # slot -> position in `cols`
    wanted = row_ind[real] * n_cols + owner_col[col_ind[real]]
    chosen: IntArray = order[np.searchsorted(keys, wanted)].astype(np.int64)
    return chosen


def _duals(
    p_idx: IntArray,
    b_idx: IntArray,
    scores: FloatArray,
    cap: IntArray,
    chosen_p: IntArray,
    chosen_b: IntArray,
    chosen_s: FloatArray,
    n_p: int,
    n_b: int,
) -> tuple[FloatArray, FloatArray] | None:
    """Dual prices (u per participant, v per buddy) proving the assignment optimal on these
    edges: u, v >= 0, u_p + v_b >= s on every edge, = s on chosen edges, u_p = 0 if p is
    unmatched, v_b = 0 if b is not full. A system of difference constraints (x_u = u,
    x_w = -v, x_z = 0), solved by Bellman-Ford; None if it does not settle in time."""
    # Nodes: participants 0..n_p-1, buddies n_p..n_p+n_b-1, zero node z.
    z = n_p + n_b
    load = np.bincount(chosen_b, minlength=n_b)
    matched = np.zeros(n_p, dtype=np.bool_)
    matched[chosen_p] = True
    everyone_b = np.arange(n_b)
    everyone_p = np.arange(n_p)
    tails = [p_idx, n_p + chosen_b, everyone_p, np.full(n_b, z), n_p + np.flatnonzero(load < cap)]
    heads = [
        n_p + b_idx,
        chosen_p,
        np.full(n_p, z),
        n_p + everyone_b,
        np.full(int((load < cap).sum()), z),
    ]
    weights = [
        -scores,
        chosen_s,
        np.zeros(n_p),
        np.zeros(n_b),
        np.zeros(int((load < cap).sum())),
    ]
    unmatched = np.flatnonzero(~matched)
    tails.append(np.full(unmatched.size, z))
    heads.append(unmatched)
    weights.append(np.zeros(unmatched.size))
    tail = np.concatenate(tails)
    head = np.concatenate(heads)
    weight = np.concatenate(weights)
    order = np.argsort(head, kind="stable")
    tail, head, weight = tail[order], head[order], weight[order]
    targets, first = np.unique(head, return_index=True)
    dist = np.zeros(z + 1)
    for _ in range(min(z + 2, 5000)):
        best = np.minimum.reduceat(dist[tail] + weight, first)
        improved = best < dist[targets] - 1e-12
        if not improved.any():
            u = dist[:n_p] - dist[z]
            v = -(dist[n_p:z] - dist[z])
            return u, v
        dist[targets[improved]] = best[improved]
    return None


def solve_assignment(
    n_participants: int,
    capacities: IntArray,
    p_idx: IntArray,
    b_idx: IntArray,
    scores: FloatArray,
    *,
    prune_top: int | None = PRUNE_TOP,
) -> tuple[IntArray, IntArray]:
    """The optimal assignment over the given edges: maximises the sum of the scores of the
    chosen edges, each participant on at most one edge, buddy b on at most capacities[b].
    Edges must be unique (p, b) pairs with scores >= 0. Returns (participant, buddy) index
    arrays of the chosen edges.

    Exact, solved by `scipy.sparse.csgraph.min_weight_full_bipartite_matching` (see
    `_matching`). To keep the graph small it first solves with each participant's
    `prune_top` best edges only, then proves the result optimal on *all* edges with LP dual
    prices (`_duals`): if some left-out edge has ``s > u_p + v_b`` it is added and the graph
    solved again; if prices cannot be found the whole graph is solved. ``prune_top=None``
    solves the whole graph at once."""
    chosen = _solve(n_participants, capacities, p_idx, b_idx, scores, prune_top=prune_top)
    return p_idx[chosen].astype(np.int64), b_idx[chosen].astype(np.int64)


def _solve(
    n_participants: int,
    capacities: IntArray,
    p_idx: IntArray,
    b_idx: IntArray,
    scores: FloatArray,
    *,
    prune_top: int | None,
) -> IntArray:
    """`solve_assignment`, returning the positions of the chosen edges"""
    cap = np.asarray(capacities, dtype=np.int64)
    if np.any(scores < 0):
        raise ValueError("scores must be >= 0")
    usable = np.flatnonzero(cap[b_idx] > 0)
    if usable.size < p_idx.size:
        inner = _solve(
            n_participants, cap, p_idx[usable], b_idx[usable], scores[usable], prune_top=prune_top
        )
        result: IntArray = usable[inner]
        return result
    if p_idx.size == 0:
        return np.zeros(0, np.int64)
    per_participant = np.bincount(p_idx, minlength=n_participants)
    n_rows = int(np.count_nonzero(per_participant))
    if prune_top is None or p_idx.size <= 2 * prune_top * n_rows:
        return _matching(p_idx, b_idx, scores, cap)
    # Each participant's best edges first (which ones exactly does not matter for
    # correctness: the prices below decide), by one sort on (participant, -score).
    order = np.argsort(p_idx * 1024.0 + (np.max(scores) - scores) * (1000.0 / (np.max(scores) + 1)))
    first = np.cumsum(per_participant) - per_participant  # where each participant starts
    rank = np.arange(order.size) - first[p_idx[order]]
    active = np.zeros(p_idx.size, dtype=np.bool_)
    active[order[rank < prune_top]] = True
    n_b = int(cap.size)
    for _ in range(20):
        sub = np.flatnonzero(active)
        chosen = sub[_matching(p_idx[sub], b_idx[sub], scores[sub], cap)]
        prices = _duals(
            p_idx[sub],
            b_idx[sub],
            scores[sub],
            cap,
            p_idx[chosen],
            b_idx[chosen],
            scores[chosen],
            n_participants,
            n_b,
        )
        if prices is None:
            break
        u, v = prices
        violated = ~active & (scores - u[p_idx] - v[b_idx] > 1e-9)
        if not violated.any():
            return chosen
        active |= violated
    return _matching(p_idx, b_idx, scores, cap)


def propose(
    participants: Sequence[Participant] | ParticipantPool,
    buddies: Sequence[Buddy] | BuddyPool,
    *,
    weights: Weights | None = None,
    excluded: Iterable[tuple[Key, Key]] = (),
    progress: ProgressCallback | None = None,
    reference_year: int | None = None,
) -> Proposal:
    """The global proposal: the assignment of `participants` (those waiting) to `buddies`
    (those with capacity left) with the maximum total score over feasible pairs, each
    participant at most one buddy, each buddy at most `capacity_left` participants. Exact (not
    greedy); participants without a feasible buddy, or who lose out, are in `unmatched`.
    `excluded`: (participant id, buddy id) pairs never to propose. Pass prebuilt pools (sharing
    one `Vocabularies`) to reuse them; the pools' building time is then not in `timings`."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    if isinstance(participants, ParticipantPool) and isinstance(buddies, BuddyPool):
        P, B = participants, buddies
    else:
        people_p = (
            participants.people if isinstance(participants, ParticipantPool) else participants
        )
        people_b = buddies.people if isinstance(buddies, BuddyPool) else buddies
        vocab = Vocabularies.of(people_p, people_b)
        P = ParticipantPool(people_p, vocabularies=vocab, reference_year=reference_year)
        B = BuddyPool(people_b, vocabularies=vocab, reference_year=reference_year)
    timings["encode"] = time.perf_counter() - start
    start = time.perf_counter()
    p_idx, b_idx, scores = candidate_edges(
        P, B, weights=weights, excluded=excluded, progress=progress
    )
    timings["score"] = time.perf_counter() - start
    start = time.perf_counter()
    if progress is not None:
        progress("solving", 0, 1)
    chosen = _solve(len(P), B.capacity, p_idx, b_idx, scores, prune_top=PRUNE_TOP)
    chosen_p, chosen_b, chosen_scores = p_idx[chosen], b_idx[chosen], scores[chosen]
    if progress is not None:
        progress("solving", 1, 1)
    timings["solve"] = time.perf_counter() - start
    p_ids, b_ids = P.ids, B.ids
    pairs = tuple(
        ProposedPair(p_ids[p], b_ids[b], s)
        for p, b, s in zip(
            chosen_p.tolist(), chosen_b.tolist(), chosen_scores.tolist(), strict=True
        )
    )
    matched = np.zeros(len(P), dtype=np.bool_)
    matched[chosen_p] = True
    unmatched = tuple(p_ids[i] for i in np.flatnonzero(~matched).tolist())
    return Proposal(
        pairs=pairs,
        total_score=float(chosen_scores.sum()),
        unmatched=unmatched,
        feasible_pairs=int(p_idx.size),
        timings=timings,
    )
