"""Reads of the matching app, always for a project the caller may see and with the acting
user's access: rankings with reasons, proposals, runs, introductions, raised hands, and the
anonymised help requests buddies browse.

Lists are a constant number of queries whatever their length (the tests assert it).
Selectors that hand out a person's file (a ranking for one person, the wishes for
matching) write the "viewed" audit entry themselves: pass the acting ``user`` and ``via``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from buddynet.core import clock, geo, versions
from buddynet.core.choices import LANGUAGES, slot_labels
from buddynet.core.selectors import search_people
from buddynet.participants.models import Participant

# The waiting-list order (urgency, then the longest wait) is the participants app's; it
# is being given a public name there. Until then this is the one place matching reaches
# for the private one: everything here calls ``waiting_list_order``.
from buddynet.participants.selectors import priority_order
from buddynet.tenancy import policy
from buddynet.tenancy.access import Access
from buddynet.volunteers.models import Buddy
from buddynet.volunteers.selectors import buddy_own_get

from . import adapters, engine, vocabulary
from .engine.core import Vocabularies
from .models import (
    HandRaise,
    Introduction,
    IntroductionAnswer,
    MatchingProfile,
    PairExclusion,
    Proposal,
    ProposalRun,
    Side,
)
from .reasons import Reason, breakdown_of, reasons, would_fit_but

RANK_TOP = 10
RANK_NEAR = 5


def waiting_list_order(qs: QuerySet[Participant]) -> QuerySet[Participant]:
    """The waiting list's own order: urgency first, then who has waited longest."""
    return priority_order(qs)


def _code(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Http404("No such record.") from exc


def require(access: Access, permission: str, project) -> None:
    if not access.has(permission, project):
        raise PermissionDenied


def show_sensitive(access: Access, project) -> bool:
    return access.has(policy.PARTICIPANTS_VIEW_SENSITIVE, project)


# --- Rankings ---------------------------------------------------------------------------


@dataclass
class RankRow:
    person: Buddy | Participant
    score: float
    reasons: list[Reason]
    distance_km: float
    failure: str = ""  # near misses: what stands in the way, in words
    hand: HandRaise | None = None
    pending: Proposal | None = None
    signals: list[tuple[str, bool]] = field(default_factory=list)  # (wish, met)


@dataclass
class Ranking:
    rows: list[RankRow]
    near: list[RankRow]
    feasible_count: int
    pool_size: int
    notice: str = ""
    wishes: list[str] = field(default_factory=list)


def _wish_signals(p: engine.Participant, b: engine.Buddy, year: int) -> list[tuple[str, bool]]:
    """The participant's wishes from the intake, each with whether this buddy meets it"""
    out = []
    if p.gender_pref is not None:
        names = ", ".join(
            str(vocabulary.GENDER_LABELS.get(g, g)) for g in sorted(p.gender_pref.values)
        )
        label = (
            _("must be: %(what)s")
            if p.gender_pref.strength == "must"
            else _("would like: %(what)s")
        )
        out.append((label % {"what": names}, b.gender in p.gender_pref.values))
    if p.age_pref is not None:
        names = ", ".join(
            str(vocabulary.AGE_GROUP_LABELS[a]) for a in engine.AGE_GROUPS if a in p.age_pref.values
        )
        label = (
            _("must be: %(what)s") if p.age_pref.strength == "must" else _("would like: %(what)s")
        )
        out.append(
            (label % {"what": names}, engine.age_group(b.birth_year, year) in p.age_pref.values)
        )
    return out


def _wish_summary(p: engine.Participant) -> list[str]:
    out = []
    for pref, labels in (
        (p.gender_pref, vocabulary.GENDER_LABELS),
        (p.age_pref, vocabulary.AGE_GROUP_LABELS),
    ):
        if pref is None:
            continue
        names = ", ".join(str(labels[v]) for v in labels if v in pref.values)
        text = _("must be: %(what)s") if pref.strength == "must" else _("would like: %(what)s")
        out.append(text % {"what": names})
    return out


def _pending_for(*, participant_ids=None, buddy_ids=None) -> dict[tuple[int, int], Proposal]:
    qs = Proposal.objects.filter(status=Proposal.Status.PENDING)
    if participant_ids is not None:
        qs = qs.filter(participant_id__in=participant_ids)
    if buddy_ids is not None:
        qs = qs.filter(buddy_id__in=buddy_ids)
    return {(x.participant_id, x.buddy_id): x for x in qs}


# For a candidate's id: the engine's participant and buddy of the pair, the candidate's model,
# and the buddy's model (whose status explains a near miss).
_Pair = tuple[engine.Participant, engine.Buddy, Buddy | Participant, Buddy]


def _ranking(
    result: engine.Ranking,
    pair: Callable[[int], _Pair],
    *,
    pools: adapters.Pools,
    pending: dict[tuple[int, int], Proposal],
    sensitive: bool,
    notice: str,
    wishes: list[str] | None = None,
) -> Ranking:
    """The engine's ranking as rows with reasons, near-miss words, hands and pending
    proposals: shared by both directions"""
    year = pools.today.year

    def row(c: engine.Candidate, near_miss: bool) -> RankRow:
        p, b, person, buddy = pair(c.id)
        breakdown = breakdown_of(c.explanation, p, b, year)
        failure = ""
        if near_miss and c.explanation.failures:
            failure = would_fit_but(
                breakdown["failures"][0],
                show_sensitive=sensitive,
                status_label=str(buddy.get_status_display()),
            )
        return RankRow(
            person=person,
            score=c.score,
            reasons=reasons(breakdown, show_sensitive=sensitive),
            distance_km=c.explanation.distance_km,
            failure=failure,
            hand=pools.hands.get((p.id, b.id)),
            pending=pending.get((p.id, b.id)),
            signals=_wish_signals(p, b, year),
        )

    return Ranking(
        rows=[row(c, False) for c in result.candidates],
        near=[row(c, True) for c in result.near_misses],
        feasible_count=result.feasible_count,
        pool_size=result.pool_size,
        notice=notice,
        wishes=wishes if wishes is not None else [],
    )


def ranking_for_participant(
    *,
    access: Access,
    project,
    participant: Participant,
    user,
    via: str = "web",
    k: int = RANK_TOP,
    near: int = RANK_NEAR,
    present: Callable[[Ranking], Any] | None = None,
    present_as: str = "",
) -> Any:
    """The best buddies for a waiting participant, with reasons, near misses and signals.
    Showing it is reading the person's file: the "viewed" entry is written here, on every
    call.

    The ranking is cached under the project's data version (``core.versions``: every
    write to the participant, their wishes and household, a buddy, a trajectory, a
    proposal, a raised hand, an exclusion or the settings moves it), the language, the
    date and whether the reader sees sensitive criteria: it is computed again after any
    change it could depend on. ``present`` turns the ranking into what is kept (a page's
    rendered rows, an API's output), named by ``present_as``; without it the ``Ranking``
    is returned."""
    require(access, policy.MATCHING_MANAGE, project)
    participant.log_action("participant.viewed", user=user, via=via, data={"part": "ranking"})
    sensitive = show_sensitive(access, project)
    shape = present or (lambda ranking: ranking)
    if participant.status != Participant.Status.WAITING:
        return shape(
            Ranking([], [], 0, 0, notice=_("Only people on the waiting list are matched."))
        )

    def compute():
        return shape(
            _rank_buddies(
                project=project, participant=participant, sensitive=sensitive, k=k, near=near
            )
        )

    parts = (
        participant.pk,
        sensitive,
        k,
        near,
        get_language(),
        clock.today(),
        timezone.localdate(),
    )
    name = f"ranking:buddies:{present_as or 'rows'}"
    return versions.for_projects({name: compute}, [project.pk], parts=parts)[name]


def _rank_buddies(
    *, project, participant: Participant, sensitive: bool, k: int, near: int
) -> Ranking:
    # The participant as the engine sees them; the buddies from the project's kept pool
    # (built again only after a change it depends on), their files only for the rows shown.
    pools = adapters.build_pools(
        [project.pk], participant_ids=[participant.pk], buddy_ids=[], include_engaged=True
    )
    if not pools.participants:
        return Ranking(
            [], [], 0, 0, notice=_("The postcode is unknown: distances cannot be computed.")
        )
    p = pools.participants[0]
    buddies = adapters.ranking_pool(project.pk, today=pools.today)
    result = engine.rank_buddies(
        p,
        buddies.pool,
        k=k,
        near_misses=near,
        weights=pools.settings[project.pk].weights(),
        excluded=pools.excluded_for_participant(p.id),
    )
    by_id = buddies.buddies
    shown = [c.id for c in (*result.candidates, *result.near_misses)]
    files = Buddy.objects.filter(project=project, pk__in=shown).only(*adapters.BUDDY_FIELDS)
    files_by_id = {b.pk: b for b in files}

    def pair(buddy_id: int) -> _Pair:
        model = files_by_id[buddy_id]
        return p, by_id[buddy_id], model, model

    notice = ""
    if p.id in pools.engaged_participants:
        notice = _("This person already has an approved proposal: the introduction comes first.")
    return _ranking(
        result,
        pair,
        pools=pools,
        pending=_pending_for(participant_ids=[p.id]),
        sensitive=sensitive,
        notice=notice,
        wishes=_wish_summary(p),
    )


def ranking_for_buddy(
    *,
    access: Access,
    project,
    buddy: Buddy,
    user,
    via: str = "web",
    k: int = RANK_TOP,
    near: int = RANK_NEAR,
) -> Ranking:
    """The best waiting participants for a buddy (long waits and urgency rise). Showing it
    is reading the buddy's file: the "viewed" entry is written here."""
    require(access, policy.MATCHING_MANAGE, project)
    buddy.log_action("buddy.viewed", user=user, via=via, data={"part": "ranking"})
    pools = adapters.build_pools([project.pk], buddy_ids=[])  # the waiting list only
    mine = adapters.build_pools(
        [project.pk],
        buddy_ids=[buddy.pk],
        participant_ids=[],
        buddy_statuses=list(Buddy.Status.values),
    )
    if not mine.buddies:
        return Ranking(
            [], [], 0, 0, notice=_("The postcode is unknown: distances cannot be computed.")
        )
    b = mine.buddies[0]
    year = pools.today.year
    vocab = Vocabularies.of(pools.participants, [b])
    pool = engine.ParticipantPool(pools.participants, vocabularies=vocab, reference_year=year)
    result = engine.rank_participants(
        b,
        pool,
        k=k,
        near_misses=near,
        weights=pools.settings[project.pk].weights(),
        excluded=pools.excluded_for_buddy(b.id),
    )
    by_id = {p.id: p for p in pools.participants}

    def pair(participant_id: int) -> _Pair:
        return by_id[participant_id], b, pools.participant_rows[participant_id], buddy

    notice = ""
    if not b.ready:
        notice = _("This buddy is not ready to match yet: these are people who would fit later.")
    elif b.capacity_left <= 0:
        notice = _("This buddy has no place left at the moment.")
    return _ranking(
        result,
        pair,
        pools=pools,
        pending=_pending_for(buddy_ids=[b.id]),
        sensitive=show_sensitive(access, project),
        notice=notice,
    )


# --- The wishes for matching ------------------------------------------------------------


def profile_for_coordinator(
    *, access: Access, project, participant: Participant, user, via: str = "web"
) -> MatchingProfile:
    """The participant's wishes for matching and their anonymised request (an unsaved
    empty profile when none was recorded yet). Reading them is reading the file: the
    "viewed" entry is written here."""
    require(access, policy.MATCHING_MANAGE, project)
    if participant.project_id != project.pk:
        raise Http404("No such participant.")
    participant.log_action(
        "participant.viewed", user=user, via=via, data={"part": "matching_wishes"}
    )
    profile = MatchingProfile.objects.filter(participant=participant).first()
    if profile is None:  # not saved until the form is
        profile = MatchingProfile(participant=participant, project_id=participant.project_id)
    return profile


# --- Proposals and runs -------------------------------------------------------------------


def proposals_for_project(
    *, access: Access, project, status: str | None = "pending", run=None
) -> QuerySet[Proposal]:
    require(access, policy.MATCHING_MANAGE, project)
    qs = Proposal.objects.filter(project=project)
    if status:
        qs = qs.filter(status=status)
    if run is not None:
        qs = qs.filter(run=run)
    return qs.select_related("buddy", "participant", "run", "decided_by").order_by("-score", "pk")


def proposal_get(*, access: Access, project, code) -> Proposal:
    try:
        return proposals_for_project(access=access, project=project, status=None).get(
            code=_code(code)
        )
    except Proposal.DoesNotExist as exc:
        raise Http404("No such proposal.") from exc


def proposal_rows(proposals, *, access: Access, project) -> list[dict]:
    sensitive = show_sensitive(access, project)
    return [
        {"proposal": x, "reasons": reasons(x.breakdown, show_sensitive=sensitive)}
        for x in proposals
    ]


def runs_for_project(*, access: Access, project) -> QuerySet[ProposalRun]:
    require(access, policy.MATCHING_MANAGE, project)
    return ProposalRun.objects.filter(project=project).select_related("started_by")


def run_get(*, access: Access, project, code) -> ProposalRun:
    """A run started from this project, or a network run that covers it"""
    require(access, policy.MATCHING_MANAGE, project)
    # A network run may have been started from another project of the network: look it up
    # outside the tenant scope, then show it only if it covers this project.
    with scopes_disabled():
        run = ProposalRun.objects.filter(code=_code(code)).select_related("started_by").first()
    if run is None or project.pk not in (run.project_ids or [run.project_id]):
        raise Http404("No such run.")
    return run


@dataclass
class LeftOut:
    """A waiting person a run gave no pair, and why, in plain words."""

    participant: Participant
    waiting_days: int
    reason: str
    near: list[tuple[Buddy, str]]  # (buddy, "would fit, but ...")
    kind: str  # "no_fit", "lost_out" or "unplaced" (no known home)


def run_left_out(*, access: Access, project, run: ProposalRun) -> list[LeftOut]:
    """The people of this project the run left without a pair, still waiting: the most
    urgent and longest waiting first, each with the reason and their near misses."""
    require(access, policy.MATCHING_MANAGE, project)
    entries = {
        row["participant"]: row for row in (run.left_out or ()) if row.get("project") == project.pk
    }
    if not entries:
        return []
    people = waiting_list_order(
        Participant.objects.filter(
            project=project, pk__in=list(entries), status=Participant.Status.WAITING
        ).only(*adapters.PARTICIPANT_FIELDS, "urgency", "waiting_since", "waiting_reason")
    )
    buddy_ids = {near["buddy"] for row in entries.values() for near in row.get("near", ())}
    buddies = {b.pk: b for b in Buddy.objects.filter(project=project, pk__in=buddy_ids)}
    sensitive = show_sensitive(access, project)
    today = timezone.localdate()
    out = []
    for person in people:
        row = entries[person.pk]
        if row["why"] == "unplaced":
            reason = _("Their postcode is unknown, so no distance can be worked out.")
        elif row["why"] == "lost_out":
            reason = ngettext(
                "%(n)d buddy with a free place fits, but was needed for someone else in "
                "the best set of pairs.",
                "%(n)d buddies with a free place fit, but each was needed for someone else "
                "in the best set of pairs.",
                row["feasible"],
            ) % {"n": row["feasible"]}
        else:
            reason = _("No buddy with a free place passes every hard rule.")
        near = [
            (
                buddies[n["buddy"]],
                would_fit_but(
                    n["failure"],
                    show_sensitive=sensitive,
                    status_label=str(buddies[n["buddy"]].get_status_display()),
                ),
            )
            for n in row.get("near", ())
            if n["buddy"] in buddies
        ]
        waited = (today - person.waiting_since).days if person.waiting_since else 0
        out.append(LeftOut(person, waited, reason, near, row["why"]))
    return out


def approved_to_plan(*, project_ids) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(
            project_id__in=project_ids,
            status=Proposal.Status.APPROVED,
            introduction__isnull=True,
        )
        .select_related("buddy", "participant", "project")
        .order_by("decided_at", "pk")
    )


# --- Introductions ----------------------------------------------------------------------


def introductions_for_project(
    *, access: Access, project, open_only: bool = False
) -> QuerySet[Introduction]:
    require(access, policy.MATCHING_MANAGE, project)
    qs = Introduction.objects.filter(project=project)
    if open_only:
        qs = qs.filter(status__in=(Introduction.Status.PLANNED, Introduction.Status.HELD))
    return (
        qs.select_related("buddy", "participant", "trajectory")
        .annotate(n_answers=Count("answers"))
        .order_by("-meets_at", "-pk")
    )


def introduction_get(*, access: Access, project, code) -> Introduction:
    try:
        return introductions_for_project(access=access, project=project).get(code=_code(code))
    except Introduction.DoesNotExist as exc:
        raise Http404("No such introduction.") from exc


def answers_of(introduction: Introduction) -> dict[str, IntroductionAnswer]:
    return {a.side: a for a in introduction.answers.select_related("answered_by")}


def own_sides(*, user, introduction: Introduction) -> list[str]:
    """Which side(s) of this introduction the user is: their own buddy or participant record"""
    sides = []
    if introduction.buddy.user_id is not None and introduction.buddy.user_id == user.pk:
        sides.append(Side.BUDDY)
    if introduction.participant.user_id is not None and introduction.participant.user_id == user.pk:
        sides.append(Side.PARTICIPANT)
    return sides


def own_introduction_get(*, access: Access, project, user, code) -> tuple[Introduction, str]:
    """An introduction the user is a party of, and which side they are (404 otherwise)"""
    require(access, policy.MATCHING_ANSWER, project)
    found = (
        Introduction.objects.filter(project=project, code=_code(code))
        .filter(Q(buddy__user=user) | Q(participant__user=user))
        .select_related("buddy", "participant", "project")
        .first()
    )
    if found is None:
        raise Http404("No such introduction.")
    sides = own_sides(user=user, introduction=found)
    return found, sides[0]


def own_introductions(*, user, project_ids=None) -> list[Introduction]:
    """The user's own introductions (as buddy or participant) that still wait for them"""
    qs = Introduction.objects.filter(
        Q(buddy__user=user) | Q(participant__user=user),
        status__in=(Introduction.Status.PLANNED, Introduction.Status.HELD),
    )
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    return list(qs.select_related("buddy", "participant", "project").order_by("meets_at"))


# --- Raised hands and anonymised requests ----------------------------------------------


def hands_for_project(*, access: Access, project) -> QuerySet[HandRaise]:
    require(access, policy.MATCHING_MANAGE, project)
    return (
        HandRaise.objects.filter(project=project, withdrawn_at__isnull=True)
        .select_related("buddy", "participant")
        .order_by("-created_at", "-pk")
    )


def distance_band(km: float | None) -> str:
    if km is None:
        return _("distance unknown")
    if km < 5:
        return _("under 5 km")
    if km < 10:
        return _("5 to 10 km")
    if km < 20:
        return _("10 to 20 km")
    return _("over 20 km")


@dataclass(frozen=True)
class AnonymousRequest:
    """What a buddy may see of a help request: nothing that names or locates the person.
    Only structured fields (town, a distance band, an age group, topics, time slots), the
    languages and interests they share with this buddy, and the summary a coordinator wrote
    for buddies."""

    code: uuid.UUID
    town: str
    region: str
    distance: str
    age_group: str
    family: bool
    topics: list[str]
    languages: list[str]
    slots: list[str]
    shared_interests: list[str]
    summary: str
    waiting_months: int
    hand: HandRaise | None
    km: float | None  # for ordering only: never shown


def buddy_own(*, access: Access, project, user) -> Buddy:
    return buddy_own_get(access=access, project=project, user=user)


def _requests_queryset(project, buddy: Buddy):
    excluded = PairExclusion.objects.filter(buddy=buddy).values("participant_id")
    engaged = (
        Proposal.objects.filter(project=project, status=Proposal.Status.APPROVED)
        .filter(
            Q(introduction__isnull=True)
            | Q(introduction__status__in=(Introduction.Status.PLANNED, Introduction.Status.HELD))
        )
        .values("participant_id")
    )
    return (
        MatchingProfile.objects.filter(
            project=project,
            published=True,
            participant__status=Participant.Status.WAITING,
        )
        .exclude(participant__waiting_reason=Participant.WaitingReason.PAUSED)
        .exclude(participant_id__in=excluded)
        .exclude(participant_id__in=engaged)
        .select_related("participant")
        .order_by("-participant__urgency", "participant__waiting_since", "pk")
    )


def _anonymous(
    profile: MatchingProfile, buddy: Buddy, hand, today: date, language: str
) -> AnonymousRequest:
    person = profile.participant
    municipality = geo.by_postcode(person.postcode) if person.postcode else None
    home = (municipality.latitude, municipality.longitude) if municipality else None
    if buddy.latitude is not None and buddy.longitude is not None:
        mine = (buddy.latitude, buddy.longitude)
    else:
        mine = adapters.place(buddy.postcode, buddy.town)
    km = geo.haversine_km(*home, *mine) if home and mine else None
    group = engine.age_group(person.birth_year, today.year)
    regions = {"flanders": _("Flanders"), "brussels": _("Brussels"), "wallonia": _("Wallonia")}
    languages = dict(LANGUAGES)
    needs = adapters.participant_needs(person, profile)
    mine_interests = vocabulary.words(buddy.interests)
    return AnonymousRequest(
        code=profile.request_code,
        town=geo.display_name(municipality, language) if municipality else _("unknown town"),
        region=str(regions.get(municipality.region, "")) if municipality else "",
        distance=distance_band(km),
        age_group=str(vocabulary.AGE_GROUP_LABELS[group]) if group else _("age not given"),
        family=person.household_size > 1,
        topics=[str(vocabulary.topic_label(c)) for c in sorted(needs)],
        # Only the languages the buddy speaks too: a language can hint at someone's origin.
        languages=[
            str(languages.get(c, c)) for c in person.languages or () if c in (buddy.languages or ())
        ],
        slots=[str(label) for label in slot_labels(person.availability)],
        shared_interests=sorted(vocabulary.words(person.interests) & mine_interests),
        summary=profile.public_summary,
        waiting_months=((today - person.waiting_since).days // 30) if person.waiting_since else 0,
        hand=hand,
        km=km,
    )


def anonymised_requests(
    *, access: Access, project, buddy: Buddy, language: str = "nl"
) -> list[AnonymousRequest]:
    """The published help requests of the buddy's project, anonymised, nearest first"""
    require(access, policy.MATCHING_RAISE_HAND, project)
    today = timezone.localdate()
    profiles = list(_requests_queryset(project, buddy)[:200])
    hands = {
        h.participant_id: h
        for h in HandRaise.objects.filter(
            buddy=buddy,
            withdrawn_at__isnull=True,
            participant_id__in=[p.participant_id for p in profiles],
        )
    }
    rows = [_anonymous(p, buddy, hands.get(p.participant_id), today, language) for p in profiles]
    return sorted(rows, key=lambda r: (r.hand is None, r.km if r.km is not None else 1e9))


def anonymised_request_get(
    *, access: Access, project, buddy: Buddy, code, language: str = "nl"
) -> tuple[AnonymousRequest, MatchingProfile]:
    require(access, policy.MATCHING_RAISE_HAND, project)
    profile = _requests_queryset(project, buddy).filter(request_code=_code(code)).first()
    if profile is None:
        raise Http404("No such request.")
    hand = HandRaise.objects.filter(
        buddy=buddy, participant_id=profile.participant_id, withdrawn_at__isnull=True
    ).first()
    return _anonymous(profile, buddy, hand, timezone.localdate(), language), profile


def own_hand_get(*, access: Access, project, buddy: Buddy, code) -> HandRaise:
    require(access, policy.MATCHING_RAISE_HAND, project)
    hand = HandRaise.objects.filter(project=project, buddy=buddy, code=_code(code)).first()
    if hand is None:
        raise Http404("No such hand.")
    return hand


# --- Overview and dashboard -------------------------------------------------------------


def matching_figures(*, project_ids) -> dict[int, dict]:
    """Per project: pending proposals, approved pairs to plan, introductions waiting for
    answers, open raised hands. Four queries whatever the number of projects."""
    figures = {
        pid: {"pending": 0, "to_plan": 0, "introductions": 0, "hands": 0} for pid in project_ids
    }
    for pid, n in (
        Proposal.objects.filter(project_id__in=project_ids, status=Proposal.Status.PENDING)
        .values_list("project_id")
        .annotate(n=Count("*"))
        .order_by()
    ):
        figures[pid]["pending"] = n
    for pid, n in (
        approved_to_plan(project_ids=project_ids)
        .values_list("project_id")
        .annotate(n=Count("*"))
        .order_by()
    ):
        figures[pid]["to_plan"] = n
    for pid, n in (
        Introduction.objects.filter(
            project_id__in=project_ids,
            status__in=(Introduction.Status.PLANNED, Introduction.Status.HELD),
        )
        .values_list("project_id")
        .annotate(n=Count("*"))
        .order_by()
    ):
        figures[pid]["introductions"] = n
    for pid, n in (
        HandRaise.objects.filter(project_id__in=project_ids, withdrawn_at__isnull=True)
        .values_list("project_id")
        .annotate(n=Count("*"))
        .order_by()
    ):
        figures[pid]["hands"] = n
    return figures


def waiting_for_matching(
    *, access: Access, project, query: str | None = None
) -> QuerySet[Participant]:
    """The people a coordinator can rank buddies for: the waiting list, in priority order"""
    require(access, policy.MATCHING_MANAGE, project)
    qs = Participant.objects.filter(project=project, status=Participant.Status.WAITING)
    return waiting_list_order(search_people(qs, query))


def ready_buddies(*, access: Access, project, query: str | None = None) -> QuerySet[Buddy]:
    require(access, policy.MATCHING_MANAGE, project)
    qs = Buddy.objects.filter(project=project, status__in=adapters.READY_STATUSES)
    return search_people(qs, query).order_by("last_name", "first_name", "pk")
