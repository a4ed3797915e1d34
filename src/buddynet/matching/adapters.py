"""From the models to the engine's dataclasses, for one project or several at once.

`build_pools` reads everything matching needs in a fixed number of queries, whatever the
number of people or projects: the settings, the volunteer terms (record-check validity),
the buddies with their open trajectories, the approved proposals still in progress, the
waiting participants with their matching profile, the minors in their households, the
excluded pairs and the raised hands.

Engine ids are the models' primary keys.

`ranking_pool` keeps a project's buddies encoded between requests (the ranking of buddies
for one participant reuses it): under the project's `POOL_KIND` version, which every change
to a buddy, a trajectory, a proposal, an introduction, a raised hand or the volunteer terms
moves (`core.versions`, tracked in `MatchingConfig.ready`), so a kept pool is never used
after a change it depends on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from django.db.models import Count, OuterRef, Q
from django.utils import timezone

from buddynet.core import geo, versions
from buddynet.core.models import PersonRecord
from buddynet.core.queries import per_row, project_record
from buddynet.participants.models import HouseholdMember, Participant
from buddynet.trajectories.models import Trajectory
from buddynet.trajectories.services import OPEN_STATUSES
from buddynet.volunteers.models import Buddy, VolunteerTerms

from . import engine, vocabulary
from .engine.core import Vocabularies
from .models import HandRaise, Introduction, MatchingSettings, PairExclusion, Proposal

E = TypeVar("E", engine.Buddy, engine.Participant)
M = TypeVar("M", Buddy, Participant)

# The version of a project's buddy pool (see `ranking_pool`).
POOL_KIND = "buddy-pool"
ADULT_AGE = 18
DEFAULT_RECORD_CHECK_MONTHS = 36
# Buddies a ranking looks at: the ready ones, and those who would fit once ready (shown as
# near misses: "would fit but is still in training").
RANKED_BUDDY_STATUSES = (
    Buddy.Status.TRAINING,
    Buddy.Status.DECISION,
    Buddy.Status.READY,
    Buddy.Status.ACTIVE,
    Buddy.Status.PAUSED,
)
READY_STATUSES = (Buddy.Status.READY, Buddy.Status.ACTIVE)
# What matching reads of a person, on both sides (and the ranking pages show): not the
# whole file.
PERSON_FIELDS = (
    "id",
    "code",
    "project_id",
    "user_id",
    *(name for name in PersonRecord.FIELDS if name not in PersonRecord.CONTACT_FIELDS),
    "status",
    "erased_at",  # full_name reads it
)
BUDDY_FIELDS = (
    *PERSON_FIELDS,
    "gender",
    "capacity",
    "latitude",
    "longitude",
    "skills",
    "life_experience",
    "preferred_age_groups",
    "preferred_gender",
    "max_distance_km",
    "record_check_on",
)
PARTICIPANT_FIELDS = (
    *PERSON_FIELDS,
    "household_size",
    "help_request",
    "urgency",
    "waiting_since",
    "waiting_reason",
    "request_in_own_words",
    "needs",
    "buddy_preferences",
    "matching_profile",
)


def settings_for(project) -> MatchingSettings:
    """The project's settings; unsaved defaults until someone saves them (a read never
    writes, so two pages opened at once cannot both create them)."""
    return project_record(MatchingSettings, project)


def settings_for_projects(project_ids) -> dict[int, MatchingSettings]:
    """Each project's settings (unsaved defaults where none were saved yet): one query"""
    found = {s.project_id: s for s in MatchingSettings.objects.filter(project_id__in=project_ids)}
    return {pid: found.get(pid) or MatchingSettings(project_id=pid) for pid in project_ids}


def place(postcode: str, town: str) -> tuple[float, float] | None:
    """Coordinates of a home from its postcode (or else its town name), offline"""
    municipality = geo.by_postcode(postcode) if postcode else None
    if municipality is None and town:
        found = geo.search(town, limit=1)
        municipality = found[0] if found else None
    if municipality is None:
        return None
    return municipality.latitude, municipality.longitude


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, min(day.day, 28))


def record_check_valid(record_check_on: date | None, months: int, today: date) -> bool:
    return record_check_on is not None and _add_months(record_check_on, months) >= today


def _preference(values, strength: str) -> engine.Preference | None:
    values = frozenset(v for v in values or () if v)
    if not values:
        return None
    return engine.Preference(values, "must" if strength == "must" else "would_like")


def buddy_capacity_left(buddy: Buddy, open_trajectories: int, engaged: int) -> int:
    """An active buddy accompanies at least one person, even when that trajectory is not
    recorded here (yet)."""
    busy = max(open_trajectories, 1 if buddy.status == Buddy.Status.ACTIVE else 0)
    return max(0, buddy.capacity - busy - engaged)


def to_engine_buddy(
    buddy: Buddy,
    *,
    open_trajectories: int,
    engaged: int,
    record_check_months: int,
    today: date,
) -> engine.Buddy | None:
    """None when the home cannot be placed (no known postcode or town)"""
    if buddy.latitude is not None and buddy.longitude is not None:
        home: tuple[float, float] | None = (buddy.latitude, buddy.longitude)
    else:
        home = place(buddy.postcode, buddy.town)
    if home is None:
        return None
    ages = {
        g
        for code in buddy.preferred_age_groups or ()
        for g in vocabulary.BUDDY_AGE_GROUPS.get(code, ())
    }
    return engine.Buddy(
        id=buddy.pk,
        latitude=home[0],
        longitude=home[1],
        max_km=float(buddy.max_distance_km or 10),
        languages=frozenset(buddy.languages or ()),
        slots=frozenset(buddy.availability or ()),
        interests=vocabulary.words(buddy.interests),
        birth_year=buddy.birth_year,
        gender=buddy.gender or "",
        gender_pref=_preference([buddy.preferred_gender], "would_like"),
        age_pref=_preference(ages, "would_like"),
        skills=vocabulary.topics_in(buddy.skills),
        life_experience=vocabulary.experience_in(buddy.life_experience),
        capacity_left=buddy_capacity_left(buddy, open_trajectories, engaged),
        ready=buddy.status in READY_STATUSES,
        record_check=record_check_valid(buddy.record_check_on, record_check_months, today),
    )


def participant_needs(participant: Participant, profile) -> frozenset[str]:
    if profile is not None and profile.needs:
        return frozenset(profile.needs)
    return vocabulary.topics_in(
        participant.needs, participant.request_in_own_words, participant.help_request
    )


def participant_experience_wanted(participant: Participant, profile) -> frozenset[str]:
    if profile is not None and profile.experience_wanted:
        return frozenset(profile.experience_wanted)
    return vocabulary.experience_in(participant.buddy_preferences)


def to_engine_participant(
    participant: Participant,
    *,
    profile,
    default_max_km: int,
    minors: bool,
    hands: frozenset[int],
    today: date,
) -> engine.Participant | None:
    home = place(participant.postcode, participant.town)
    if home is None:
        return None
    waiting = (today - participant.waiting_since).days if participant.waiting_since else 0
    return engine.Participant(
        id=participant.pk,
        latitude=home[0],
        longitude=home[1],
        max_km=float((profile.max_km if profile is not None else None) or default_max_km),
        languages=frozenset(participant.languages or ()),
        slots=frozenset(participant.availability or ()),
        interests=vocabulary.words(participant.interests),
        birth_year=participant.birth_year,
        gender=(profile.gender if profile is not None else "") or "",
        gender_pref=_preference(profile.buddy_genders, profile.buddy_gender_strength)
        if profile is not None
        else None,
        age_pref=_preference(profile.buddy_age_groups, profile.buddy_age_strength)
        if profile is not None
        else None,
        needs=participant_needs(participant, profile),
        experience_wanted=participant_experience_wanted(participant, profile),
        involves_minors=minors,
        waiting_days=max(0, waiting),
        urgency=participant.urgency if participant.urgency in engine.URGENCIES else "normal",
        hands=hands,
    )


def _profile(participant: Participant):
    try:
        return participant.matching_profile
    except Participant.matching_profile.RelatedObjectDoesNotExist:
        return None


@dataclass
class Pools:
    """People of one or more projects as the engine sees them, with their models"""

    today: date
    settings: dict[int, MatchingSettings]
    buddies: list[engine.Buddy] = field(default_factory=list)
    participants: list[engine.Participant] = field(default_factory=list)
    buddy_rows: dict[int, Buddy] = field(default_factory=dict)
    participant_rows: dict[int, Participant] = field(default_factory=dict)
    excluded: set[tuple[int, int]] = field(default_factory=set)  # (participant, buddy)
    hands: dict[tuple[int, int], HandRaise] = field(default_factory=dict)
    engaged_participants: set[int] = field(default_factory=set)
    unplaced_buddies: int = 0
    unplaced_participants: int = 0

    def buddies_in(self, project_id: int) -> list[engine.Buddy]:
        return [b for b in self.buddies if self.buddy_rows[b.id].project_id == project_id]

    def participants_in(self, project_id: int) -> list[engine.Participant]:
        return [
            p for p in self.participants if self.participant_rows[p.id].project_id == project_id
        ]

    def excluded_for_participant(self, participant_id: int) -> set[int]:
        return {b for p, b in self.excluded if p == participant_id}

    def excluded_for_buddy(self, buddy_id: int) -> set[int]:
        return {p for p, b in self.excluded if b == buddy_id}


def _add(converted: E | None, row: M, people: list[E], rows: dict[int, M]) -> int:
    """Adds a person the engine can place, with their model; 1 when they cannot be placed
    (no known home), to be counted"""
    if converted is None:
        return 1
    people.append(converted)
    rows[row.pk] = row
    return 0


def build_pools(
    project_ids,
    *,
    today: date | None = None,
    buddy_statuses=RANKED_BUDDY_STATUSES,
    buddy_ids=None,
    participant_ids=None,
    include_engaged: bool = False,
) -> Pools:
    """The pools of the given projects: buddies in `buddy_statuses`, and the participants on
    the waiting list (not paused, and not already in an introduction unless
    `include_engaged`). `buddy_ids` / `participant_ids` narrow the pools (one pair, one
    person). A constant number of queries."""
    today = today or timezone.localdate()
    project_ids = list(project_ids)
    buddy_ids = None if buddy_ids is None else list(buddy_ids)
    participant_ids = None if participant_ids is None else list(participant_ids)
    pools = Pools(today=today, settings=settings_for_projects(project_ids))
    months = (
        dict(
            VolunteerTerms.objects.filter(project_id__in=project_ids).values_list(
                "project_id", "record_check_valid_months"
            )
        )
        if buddy_ids != []  # no buddies asked for: no record checks to judge
        else {}
    )
    # Approved proposals whose introduction is not decided yet: the pair is busy.
    engaged = Proposal.objects.filter(
        project_id__in=project_ids, status=Proposal.Status.APPROVED
    ).filter(
        Q(introduction__isnull=True)
        | Q(introduction__status__in=(Introduction.Status.PLANNED, Introduction.Status.HELD))
    )
    if buddy_ids is not None and participant_ids is not None:
        # Both sides narrowed: only their own proposals count.
        engaged = engaged.filter(Q(buddy_id__in=buddy_ids) | Q(participant_id__in=participant_ids))
    engaged_rows = list(engaged.values_list("buddy_id", "participant_id"))
    engaged_buddy: dict[int, int] = defaultdict(int)
    for buddy_id, participant_id in engaged_rows:
        engaged_buddy[buddy_id] += 1
        pools.engaged_participants.add(participant_id)

    open_trajectories = Trajectory.objects.filter(buddy=OuterRef("pk"), status__in=OPEN_STATUSES)
    buddies = (
        Buddy.objects.filter(
            project_id__in=project_ids, status__in=buddy_statuses, erased_at__isnull=True
        )
        .only(*BUDDY_FIELDS)
        .annotate(open_trajectories=per_row(open_trajectories, "buddy", Count("pk")))
        .order_by("pk")
    )
    if buddy_ids is not None:
        buddies = buddies.filter(pk__in=buddy_ids)
    for row in buddies:
        converted = to_engine_buddy(
            row,
            open_trajectories=row.open_trajectories,
            engaged=engaged_buddy.get(row.pk, 0),
            record_check_months=months.get(row.project_id, DEFAULT_RECORD_CHECK_MONTHS),
            today=today,
        )
        pools.unplaced_buddies += _add(converted, row, pools.buddies, pools.buddy_rows)

    people = (
        Participant.objects.filter(
            project_id__in=project_ids, status=Participant.Status.WAITING, erased_at__isnull=True
        )
        .exclude(waiting_reason=Participant.WaitingReason.PAUSED)
        .select_related("matching_profile")
        .only(*PARTICIPANT_FIELDS)
        .order_by("pk")
    )
    if participant_ids is not None:
        people = people.filter(pk__in=participant_ids)
    rows = [p for p in people if include_engaged or p.pk not in pools.engaged_participants]
    ids = [p.pk for p in rows]
    minors: set[int] = set()
    members = HouseholdMember.objects.filter(project_id__in=project_ids)
    if participant_ids is not None:
        members = members.filter(participant_id__in=ids)
    else:
        members = members.filter(participant__status=Participant.Status.WAITING)
    for participant_id, relation, birth_year in members.values_list(
        "participant_id", "relation", "birth_year"
    ):
        if birth_year is not None:
            if today.year - birth_year < ADULT_AGE:
                minors.add(participant_id)
        elif relation == HouseholdMember.Relation.CHILD:
            minors.add(participant_id)  # a child of unknown age: be careful
    hands_by_participant: dict[int, set[int]] = defaultdict(set)
    hand_rows = HandRaise.objects.filter(project_id__in=project_ids, withdrawn_at__isnull=True)
    if participant_ids is not None:
        hand_rows = hand_rows.filter(participant_id__in=ids)
    for hand in hand_rows:
        hands_by_participant[hand.participant_id].add(hand.buddy_id)
        pools.hands[(hand.participant_id, hand.buddy_id)] = hand
    exclusions = PairExclusion.objects.filter(project_id__in=project_ids)
    if participant_ids is not None:
        exclusions = exclusions.filter(participant_id__in=ids)
    pools.excluded = set(exclusions.values_list("participant_id", "buddy_id"))
    for row in rows:
        settings = pools.settings[row.project_id]
        converted_p = to_engine_participant(
            row,
            profile=_profile(row),
            default_max_km=settings.participant_max_km,
            minors=row.pk in minors,
            hands=frozenset(hands_by_participant.get(row.pk, ())),
            today=today,
        )
        pools.unplaced_participants += _add(
            converted_p, row, pools.participants, pools.participant_rows
        )
    return pools


@dataclass(frozen=True)
class RankingPool:
    """A project's buddies in the ranked statuses, as the engine sees them and encoded
    once (its vocabularies are the buddies' own: a participant's word no buddy has
    matches nobody either way, so the scores are the same)."""

    today: date
    buddies: dict[int, engine.Buddy]
    pool: engine.BuddyPool


# The pools this process built last, per project: (project code, version, date) and pool.
_KEPT: dict[int, tuple[tuple, RankingPool]] = {}
KEEP_PROJECTS = 8


def ranking_pool(project_id: int, *, today: date | None = None) -> RankingPool:
    """The project's encoded buddy pool, reused while its `POOL_KIND` version and the date
    stay the same (one query to read the version), else built (and kept). Never kept
    inside a transaction that changed the project and has not committed."""
    today = today or timezone.localdate()
    version = versions.current([project_id], POOL_KIND).get(project_id)
    key = (version, today)
    if version is not None:
        kept = _KEPT.get(project_id)
        if kept is not None and kept[0] == key:
            return kept[1]
    pools = build_pools([project_id], today=today, participant_ids=[])
    built = RankingPool(
        today=today,
        buddies={b.id: b for b in pools.buddies},
        pool=engine.BuddyPool(
            pools.buddies,
            vocabularies=Vocabularies.of(pools.buddies),
            reference_year=today.year,
        ),
    )
    if version is not None:
        _KEPT.pop(project_id, None)
        _KEPT[project_id] = (key, built)
        while len(_KEPT) > KEEP_PROJECTS:
            _KEPT.pop(next(iter(_KEPT)))
    return built
