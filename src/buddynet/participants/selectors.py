"""Reads of participants, always through the acting user's access.

A coordinator sees every participant of their project; a referrer only the people
they referred; buddies and network coordinators none (until a match, later).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from buddynet.core.selectors import search_people
from buddynet.tenancy import policy
from buddynet.tenancy.access import Access

from .models import Participant

# Good practice: keep people on the waiting list warm with a contact every 4 weeks.
CONTACT_INTERVAL_DAYS = 28


def participant_list_for_user(
    *, access: Access, user, project, status: str | None = None, query: str | None = None
) -> QuerySet[Participant]:
    qs = Participant.objects.filter(project=project)
    if access.has(policy.PARTICIPANTS_VIEW, project):
        pass
    elif access.has(policy.PARTICIPANTS_VIEW_REFERRED, project):
        qs = qs.filter(referred_by=user)
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
        return participant_list_for_user(access=access, user=user, project=project).get(code=code)
    except (Participant.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such participant.") from exc


def participants_referred_by(*, user) -> list[Participant]:
    """For a referrer's dashboard: the people they referred, in the projects in scope."""
    return list(
        Participant.objects.filter(referred_by=user)
        .select_related("project")
        .order_by("-referred_on", "last_name")[:50]
    )


def participants_own(*, user) -> list[Participant]:
    return list(Participant.objects.filter(user=user).select_related("project"))


def participants_needing_contact(*, project_ids, today: date | None = None, limit: int = 8):
    """Waiting people whose last contact (or start of waiting) is over the interval."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=CONTACT_INTERVAL_DAYS)
    qs = Participant.objects.filter(project_id__in=project_ids, status=Participant.Status.WAITING)
    qs = qs.filter(
        Q(last_contact_on__lt=cutoff) | Q(last_contact_on__isnull=True, waiting_since__lt=cutoff)
    )
    return list(
        qs.select_related("project").order_by("last_contact_on", "waiting_since", "pk")[:limit]
    )


def participant_figures(*, project_ids, today: date | None = None) -> dict[int, dict]:
    """Aggregates per project: counts per status, median wait, people needing contact.

    Three queries whatever the number of projects; no identities.
    """
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=CONTACT_INTERVAL_DAYS)
    figures: dict[int, dict] = defaultdict(
        lambda: {
            "by_status": {s: 0 for s in Participant.Status.values},
            "total": 0,
            "median_wait_days": None,
            "needing_contact": 0,
        }
    )
    base = Participant.objects.filter(project_id__in=project_ids)
    for row in base.values("project_id", "status").annotate(n=Count("pk")).order_by():
        fig = figures[row["project_id"]]
        fig["by_status"][row["status"]] = row["n"]
        fig["total"] += row["n"]
    # The median wait, exactly, from a histogram per day (a few hundred rows at most,
    # however many people wait): no row per person leaves the database.
    waiting = base.filter(status=Participant.Status.WAITING, waiting_since__isnull=False)
    histograms: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for row in waiting.values("project_id", "waiting_since").annotate(n=Count("pk")).order_by():
        histograms[row["project_id"]].append(((today - row["waiting_since"]).days, row["n"]))
    for pid, histogram in histograms.items():
        figures[pid]["median_wait_days"] = round(median_from_histogram(histogram))
    overdue = (
        waiting.filter(
            Q(last_contact_on__lt=cutoff)
            | Q(last_contact_on__isnull=True, waiting_since__lt=cutoff)
        )
        .values("project_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in overdue:
        figures[row["project_id"]]["needing_contact"] = row["n"]
    for pid in project_ids:
        figures[pid]
    return dict(figures)


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
        .annotate(n=Count("pk"))
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
