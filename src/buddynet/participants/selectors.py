"""Reads of participants, always through the acting user's access.

A coordinator sees every participant of their project; a referrer only the people
they referred; buddies and network coordinators none (until a match, later).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from buddynet.core.selectors import search_people
from buddynet.tenancy import policy
from buddynet.tenancy.access import Access
from buddynet.tenancy.models import Project

from . import consent
from .models import ConsentRecord, Participant
from .waiting import DAYS_PER_MONTH, WINDOW_MONTHS, WaitEstimate, estimate_wait


def participant_list_for_user(
    *, access: Access, user, project, status: str | None = None, query: str | None = None
) -> QuerySet[Participant]:
    qs = Participant.objects.filter(project=project)
    if access.has(policy.PARTICIPANTS_VIEW, project):
        pass
    elif access.has(policy.PARTICIPANTS_VIEW_REFERRED, project):
        # A referrer sees the people they referred; their progress only with consent.
        qs = qs.filter(referred_by=user).annotate(shares_with_referrer=_latest_consent(SHARE))
        # Filtering on status would reveal it without consent: not for referrers.
        status = None
    else:
        raise PermissionDenied
    if status:
        qs = qs.filter(status=status)
    qs = search_people(qs, query)
    return qs.select_related("referred_by").order_by("last_name", "first_name", "pk")


def participant_get_for_user(*, access: Access, user, project, code) -> Participant:
    """The same 404 for 'does not exist', 'other project' and 'not referred by you'."""
    try:
        code = uuid.UUID(str(code))
        found = participant_list_for_user(access=access, user=user, project=project).get(code=code)
    except (Participant.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such participant.") from exc
    if isinstance(project, Project):
        found.project = project  # the same row: its audit entry and pages need not read it
    return found


# --- One file, as this viewer may see it ----------------------------------------------

# What everyone who may open the file sees.
BASE_FIELDS = ("code", "first_name", "last_name", "help_request")
# What a referrer sees besides, only with the participant's consent to share progress.
PROGRESS_FIELDS = ("status", "referred_on", "waiting_since", "position", "estimated_wait_months")
# What the coordinators see besides.
COORDINATOR_FIELDS = (
    "source",
    "town",
    "postcode",
    "household_size",
    "languages",
    "urgency",
    "phase",
    "last_contact_on",
    "next_contact_due",
)


@dataclass(frozen=True)
class ParticipantFile:
    """A participant's file as one viewer may see it. ``fields`` holds exactly the
    values this viewer may see (the page and the API both show these and no more)."""

    participant: Participant
    coordinator: bool
    status_shared: bool
    show_sensitive: bool
    fields: dict
    position: int | None
    estimate: WaitEstimate | None


def participant_shape(*, participant: Participant, access: Access, project) -> ParticipantFile:
    """Decide what this viewer sees of the file: the one place for it."""
    coordinator = access.has(policy.PARTICIPANTS_VIEW, project)
    sensitive = coordinator and access.has(policy.PARTICIPANTS_VIEW_SENSITIVE, project)
    shared = coordinator or consent_holds(participant, consent.SHARE_WITH_REFERRER)
    position, estimate = participant_wait(participant=participant) if shared else (None, None)
    names = list(BASE_FIELDS)
    if shared:
        names += PROGRESS_FIELDS
    if coordinator:
        names += COORDINATOR_FIELDS
    if sensitive:
        names += Participant.SPECIAL_CATEGORY_FIELDS
    computed = {
        "position": position,
        "estimated_wait_months": estimate.months if estimate else None,
        "next_contact_due": participant.next_contact_due
        if participant.status == Participant.Status.WAITING
        else None,
    }
    fields = {
        name: computed[name] if name in computed else getattr(participant, name) for name in names
    }
    return ParticipantFile(
        participant=participant,
        coordinator=coordinator,
        status_shared=shared,
        show_sensitive=sensitive,
        fields=fields,
        position=position,
        estimate=estimate,
    )


def consent_holds(participant: Participant, purpose: str) -> bool:
    """The participant's latest word on ``purpose`` is "yes"."""
    latest = (
        ConsentRecord.objects.filter(participant=participant, purpose=purpose)
        .order_by("-created_at", "-id")
        .first()
    )
    return bool(latest and latest.given)


def participant_file_for_user(
    *, access: Access, user, project, code, via: str = "web"
) -> ParticipantFile:
    """Hand out one file as this viewer may see it, and write that they opened it."""
    participant = participant_get_for_user(access=access, user=user, project=project, code=code)
    shaped = participant_shape(participant=participant, access=access, project=project)
    participant.log_action("participant.viewed", user=user, via=via)
    return shaped


def participant_intake_for_user(
    *, access: Access, user, project, code, via: str = "web"
) -> Participant:
    """The intake (with health and origin notes) for the coordinator who opens it; the
    opening is on the file's history."""
    if not access.has(policy.PARTICIPANTS_CHANGE, project):
        raise PermissionDenied
    participant = participant_get_for_user(access=access, user=user, project=project, code=code)
    participant.log_action("participant.intake.viewed", user=user, via=via)
    return participant


def participant_consent_for_user(
    *, access: Access, user, project, code, via: str = "web"
) -> tuple[Participant, list]:
    """The consent decisions per purpose (latest first-asked order), for the coordinator
    who opens them; the opening is on the file's history."""
    if not access.has(policy.PARTICIPANTS_CHANGE, project):
        raise PermissionDenied
    participant = participant_get_for_user(access=access, user=user, project=project, code=code)
    participant.log_action("participant.consent.viewed", user=user, via=via)
    return participant, consent_overview(participant)


def consent_overview(participant: Participant) -> list:
    """(purpose, latest record or None) for every purpose, in the registry's order."""
    state: dict[str, ConsentRecord | None] = {p.key: None for p in consent.PURPOSES}
    for record in participant.consent_records.order_by("created_at", "id"):
        state[record.purpose] = record
    return [(purpose, state[purpose.key]) for purpose in consent.PURPOSES]


def new_files(*, project_ids, limit: int = 10) -> list[Participant]:
    """New referrals and sign-ups nobody has handled yet (no intake started), oldest
    first: for the coordinator's dashboard."""
    return list(
        Participant.objects.filter(project_id__in=project_ids, status=Participant.Status.REFERRED)
        .select_related("project", "referred_by")
        .order_by("referred_on", "pk")[:limit]
    )


def participants_referred_by(*, user) -> list[Participant]:
    """For a referrer's dashboard: the people they referred, in the projects in scope."""
    return list(
        Participant.objects.filter(referred_by=user)
        .annotate(shares_with_referrer=_latest_consent(SHARE))
        .select_related("project")
        .order_by("-referred_on", "last_name")[:50]
    )


def participants_own(*, user) -> list[Participant]:
    return list(Participant.objects.filter(user=user).select_related("project"))


SHARE = "share_with_referrer"


def _latest_consent(purpose: str, *, participant_ref: str = "pk"):
    """Whether the participant's latest word on ``purpose`` was "yes" (None if never
    asked), as an expression over ``participant_ref`` of the outer query."""
    return Subquery(
        ConsentRecord.objects.filter(participant=OuterRef(participant_ref), purpose=purpose)
        .order_by("-created_at", "-id")
        .values("given")[:1],
        output_field=BooleanField(),
    )


def shares_with_referrer_q(participant_ref: str) -> Q:
    """For queries on records about a participant (a trajectory): the participant's
    consent to share progress with their referrer holds now."""
    return Q(_latest_consent(SHARE, participant_ref=participant_ref))


URGENCY_RANK = Participant.URGENCY_RANK


def priority_order(qs: QuerySet) -> QuerySet:
    """Waiting-list order: urgency first (the stored ``urgency_rank``), then who has
    waited longest. Public: matching ranks its waiting people the same way. The index
    ``participant_waiting_line`` serves it for one project's waiting people."""
    return qs.order_by("urgency_rank", "waiting_since", "pk")


def _in_line(*, project_id) -> QuerySet[Participant]:
    """The people who have a place in line: waiting, and not paused."""
    return Participant.objects.filter(
        project_id=project_id, status=Participant.Status.WAITING
    ).exclude(waiting_reason=Participant.WaitingReason.PAUSED)


# A person's place in ``priority_order``: (urgency rank, waiting since, pk).
LineKey = tuple[int, date | None, int]


def _line_key(participant: Participant) -> LineKey:
    return (URGENCY_RANK.get(participant.urgency, 1), participant.waiting_since, participant.pk)


def _sort_key(key: LineKey) -> tuple[int, int, date, int]:
    """``LineKey`` sorted in Python as the database sorts it (NULL dates last on
    PostgreSQL, first on SQLite)."""
    rank, since, pk = key
    nulls_largest = connection.features.nulls_order_largest
    null_side = (1 if nulls_largest else 0) if since is None else (0 if nulls_largest else 1)
    return (rank, null_side, since or date.min, pk)


def _line_compare(op: str, key: LineKey) -> Q:
    """The row comparison ``(urgency_rank, waiting_since, id) <op> key`` (``key`` with a
    waiting date), which PostgreSQL answers as one range of ``participant_waiting_line``."""
    assert op in ("<", "<=", ">=")
    rank, since, pk = key
    quote = connection.ops.quote_name
    table = quote(Participant._meta.db_table)
    columns = ", ".join(f"{table}.{quote(c)}" for c in ("urgency_rank", "waiting_since", "id"))
    return Q(
        RawSQL(  # noqa: S611 — quoted column names and a fixed operator; values are parameters
            f"({columns}) {op} (%s, %s, %s)",
            (rank, connection.ops.adapt_datefield_value(since), pk),
            output_field=BooleanField(),
        )
    )


def _before(key: LineKey, *, inclusive: bool) -> Q:
    """The people before the one at ``key`` in ``priority_order`` (that person too when
    ``inclusive``): the row comparison ``(urgency_rank, waiting_since, id) < key``, which
    PostgreSQL answers as one range of ``participant_waiting_line``. People without a
    waiting date go where the database sorts NULL (last on PostgreSQL, first on
    SQLite), as in the list itself."""
    rank, since, pk = key
    nulls_largest = connection.features.nulls_order_largest
    if since is None:  # no waiting date (rare): spelled out
        same_rank = Q(waiting_since__isnull=True) & (Q(pk__lte=pk) if inclusive else Q(pk__lt=pk))
        if nulls_largest:  # every dated person of the same urgency is ahead
            same_rank |= Q(waiting_since__isnull=False)
        return Q(urgency_rank__lt=rank) | (Q(urgency_rank=rank) & same_rank)
    # Row comparison: a NULL date never compares, so those people are never ahead of a
    # dated one of the same urgency, which is right where NULL sorts last.
    before = _line_compare("<=" if inclusive else "<", key)
    if not nulls_largest:  # NULL sorts first: the undated of the same urgency are ahead
        before |= Q(urgency_rank=rank, waiting_since__isnull=True)
    return before


def _from(key: LineKey) -> Q:
    """The people at or after the one at ``key`` in ``priority_order`` (the complement
    of ``_before(key, inclusive=False)``, spelled out so that a NULL waiting date never
    drops a row): again one range of ``participant_waiting_line``."""
    rank, since, pk = key
    nulls_largest = connection.features.nulls_order_largest
    if since is None:
        same_rank = Q(waiting_since__isnull=True, pk__gte=pk)
        if not nulls_largest:  # every dated person of the same urgency comes after
            same_rank |= Q(waiting_since__isnull=False)
        return Q(urgency_rank__gt=rank) | (Q(urgency_rank=rank) & same_rank)
    after = _line_compare(">=", key)
    if nulls_largest:  # NULL sorts last: the undated of the same urgency come after
        after |= Q(urgency_rank=rank, waiting_since__isnull=True)
    return after


def _place(*, project_id, key: LineKey) -> int:
    """1 + the number of people in line ahead of ``key``: one count, which an
    index-only scan of ``participant_waiting_line`` answers."""
    ahead = _in_line(project_id=project_id).filter(_before(key, inclusive=False))
    return ahead.count() + 1


def _in_line_now(participant: Participant) -> bool:
    return (
        participant.status == Participant.Status.WAITING
        and participant.waiting_reason != Participant.WaitingReason.PAUSED
    )


class WaitingPlaces:
    """Places in line on one project's waiting list (1 = next; paused people have none),
    computed only for the people asked about, never for the whole list: for a page, one
    count of who is ahead of its first person in line and the order from there to its
    last (two queries that read the index up to the page, not the table)."""

    def __init__(self, *, project):
        self.project_id = project.pk
        self._size: int | None = None

    def __len__(self) -> int:
        """How many people are in line (everyone waiting who is not paused)."""
        if self._size is None:
            self._size = _in_line(project_id=self.project_id).count()
        return self._size

    def get(self, pk: int, default: int | None = None) -> int | None:
        """One person's place, by primary key (``default`` when they have none)."""
        row = (
            _in_line(project_id=self.project_id)
            .filter(pk=pk)
            .values_list("urgency_rank", "waiting_since")
            .first()
        )
        if row is None:
            return default
        return _place(project_id=self.project_id, key=(row[0], row[1], pk))

    def for_people(self, people) -> dict[int, int]:
        """{pk: place} for the people in line among ``people`` (a page of the list)."""
        keys = sorted(
            (_line_key(p) for p in people if p.project_id == self.project_id and _in_line_now(p)),
            key=_sort_key,
        )
        if not keys:
            return {}
        first = _place(project_id=self.project_id, key=keys[0])
        # The line from the page's first person in line to its last: the index's
        # entries between the two keys, in order (no OFFSET: nothing ahead is read).
        stretch = priority_order(
            _in_line(project_id=self.project_id)
            .filter(_from(keys[0]))
            .filter(_before(keys[-1], inclusive=True))
        ).values_list("pk", flat=True)
        return {pk: first + offset for offset, pk in enumerate(stretch)}


def contacts_due(*, project_ids, today: date | None = None, limit: int = 10):
    """Keep-warm contacts that are due or overdue, the most overdue first."""
    today = today or timezone.localdate()
    return list(
        Participant.objects.filter(
            project_id__in=project_ids,
            status=Participant.Status.WAITING,
            next_contact_due__lte=today,
        )
        .select_related("project")
        .order_by("next_contact_due", "pk")[:limit]
    )


def _alert_filter(projects, today: date) -> Q:
    """Waiting people without any contact for longer than their project's threshold."""
    condition = Q(pk__in=[])
    for project_id, days in projects:
        cutoff = today - timedelta(days=days)
        condition |= Q(project_id=project_id) & (
            Q(last_contact_on__lt=cutoff)
            | Q(last_contact_on__isnull=True, waiting_since__lt=cutoff)
        )
    return condition


def on_waiting_list(queryset):
    """The one meaning of "on the waiting list", wherever the number is shown (dashboard
    tile, network overview and its API, the waiting list's own count): status waiting.
    People who asked to pause stay on the list (without a place in line), so they count;
    ``by_status["waiting"]`` in ``participant_figures`` is this same number."""
    return queryset.filter(status=Participant.Status.WAITING)


def waiting_count(*, project) -> int:
    return on_waiting_list(Participant.objects.filter(project=project)).count()


def participant_figures(*, project_ids, today: date | None = None) -> dict[int, dict]:
    """Aggregates per project: counts per status, median wait, contacts due, people
    without contact past the project's threshold. Five queries whatever the number of
    projects; no identities."""
    today = today or timezone.localdate()
    figures: dict[int, dict] = defaultdict(
        lambda: {
            "by_status": {s: 0 for s in Participant.Status.values},
            "total": 0,
            "median_wait_days": None,
            "needing_contact": 0,
            "flagged": 0,
        }
    )
    base = Participant.objects.filter(project_id__in=project_ids)
    for row in base.values("project_id", "status").annotate(n=Count("*")).order_by():
        fig = figures[row["project_id"]]
        fig["by_status"][row["status"]] = row["n"]
        fig["total"] += row["n"]
    # The median wait, exactly, from a histogram per day (a few hundred rows at most,
    # however many people wait): no row per person leaves the database.
    waiting = on_waiting_list(base).filter(waiting_since__isnull=False)
    histograms: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for row in waiting.values("project_id", "waiting_since").annotate(n=Count("*")).order_by():
        histograms[row["project_id"]].append(((today - row["waiting_since"]).days, row["n"]))
    for pid, histogram in histograms.items():
        figures[pid]["median_wait_days"] = round(median_from_histogram(histogram))
    due = waiting.filter(next_contact_due__lte=today)
    for row in due.values("project_id").annotate(n=Count("*")).order_by():
        figures[row["project_id"]]["needing_contact"] = row["n"]
    thresholds = Project.objects.filter(pk__in=project_ids).values_list("pk", "contact_alert_days")
    flagged = waiting.filter(_alert_filter(thresholds, today))
    for row in flagged.values("project_id").annotate(n=Count("*")).order_by():
        figures[row["project_id"]]["flagged"] = row["n"]
    for pid in project_ids:
        figures[pid]
    return dict(figures)


@dataclass(frozen=True)
class WaitingRow:
    participant: Participant
    position: int | None
    days_waiting: int
    estimate: WaitEstimate | None
    contact_overdue_days: int | None
    flagged: bool


def matches_in_window(*, project, today: date | None = None) -> int:
    today = today or timezone.localdate()
    since = today - timedelta(days=round(WINDOW_MONTHS * DAYS_PER_MONTH))
    return Participant.objects.filter(
        project=project, matched_on__gt=since, matched_on__lte=today
    ).count()


def waiting_list(
    *, project, today: date | None = None, reason: str | None = None, query: str | None = None
):
    """The waiting list in priority order, with each person's place and estimate.

    Returns (queryset for paging, ``WaitingPlaces``, match count). Places count only the
    people actively in line (not paused) and are computed for the page shown only
    (``waiting_rows``); ``len(places)`` is the number in line. Page the queryset ids
    first (``core.queries.IdsFirst``): the ids of a later page come from the index
    ``participant_waiting_line`` alone.
    """
    today = today or timezone.localdate()
    shown = priority_order(on_waiting_list(Participant.objects.filter(project=project)))
    if reason:
        shown = shown.filter(waiting_reason=reason)
    shown = search_people(shown, query)
    return shown, WaitingPlaces(project=project), matches_in_window(project=project, today=today)


def waiting_rows(
    page, *, project, positions: WaitingPlaces, matches, today: date | None = None
) -> list[WaitingRow]:
    """The rows of one page of the waiting list (``positions``: from ``waiting_list``)."""
    today = today or timezone.localdate()
    alert = timedelta(days=project.contact_alert_days)
    people = list(page)
    places = positions.for_people(people)
    rows = []
    for participant in people:
        position = places.get(participant.pk)
        last = participant.last_contact_on or participant.waiting_since
        overdue = (
            (today - participant.next_contact_due).days
            if participant.next_contact_due and participant.next_contact_due <= today
            else None
        )
        rows.append(
            WaitingRow(
                participant=participant,
                position=position,
                days_waiting=(today - participant.waiting_since).days
                if participant.waiting_since
                else 0,
                estimate=estimate_wait(people_ahead=position - 1, matches=matches)
                if position
                else None,
                contact_overdue_days=overdue,
                flagged=bool(last and today - last > alert),
            )
        )
    return rows


def waiting_position(*, participant: Participant) -> int | None:
    """This person's place in line (1 = next), or None when not actively waiting."""
    if not _in_line_now(participant):
        return None
    return _place(project_id=participant.project_id, key=_line_key(participant))


def participant_wait(*, participant: Participant, today: date | None = None):
    """(position, estimate) for one person on the waiting list."""
    position = waiting_position(participant=participant)
    if position is None:
        return None, None
    matches = matches_in_window(project=participant.project, today=today)
    return position, estimate_wait(people_ahead=position - 1, matches=matches)


def flow_by_month(*, project_ids, months: int = 12, today: date | None = None):
    """Per month: referrals in, matches out, people who left the list otherwise."""
    today = today or timezone.localdate()
    inflow = dict(participant_inflow_by_month(project_ids=project_ids, months=months, today=today))
    first = date.fromisoformat(next(iter(inflow)) + "-01")
    out: dict[str, dict[str, int]] = {"matched_on": defaultdict(int), "closed_on": defaultdict(int)}
    for field_name, counts in out.items():
        rows = (
            Participant.objects.filter(project_id__in=project_ids, **{f"{field_name}__gte": first})
            .values(field_name)
            .annotate(n=Count("*"))
            .order_by()
        )
        for row in rows:
            counts[row[field_name].strftime("%Y-%m")] += row["n"]
    return [
        (month, n_in, out["matched_on"].get(month, 0), out["closed_on"].get(month, 0))
        for month, n_in in inflow.items()
    ]


def median_from_histogram(histogram: list[tuple[int, int]]) -> float:
    """The median of values given as (value, count) pairs."""
    ordered = sorted(histogram)
    total = sum(n for _value, n in ordered)
    if total == 0:
        raise ValueError("empty histogram")
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    lower = upper = None
    seen = 0
    for value, n in ordered:
        if lower is None and seen + n > lower_rank:
            lower = value
        if seen + n > upper_rank:
            upper = value
            break
        seen += n
    return (lower + upper) / 2


def participant_inflow_by_month(*, project_ids, months: int = 12, today: date | None = None):
    """Referrals per month for the last ``months`` months (oldest first)."""
    today = today or timezone.localdate()
    month_index = today.year * 12 + today.month - 1 - (months - 1)
    first = date(month_index // 12, month_index % 12 + 1, 1)
    counts: dict[str, int] = defaultdict(int)
    per_day = (
        Participant.objects.filter(project_id__in=project_ids, referred_on__gte=first)
        .values("referred_on")
        .annotate(n=Count("*"))
        .order_by()
    )
    for row in per_day:
        counts[row["referred_on"].strftime("%Y-%m")] += row["n"]
    labels = []
    cursor = first
    while cursor <= today:
        labels.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return [(label, counts.get(label, 0)) for label in labels]
