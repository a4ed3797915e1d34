"""Reads of buddies, through the acting user's access. Contact details are for the
project's coordinators only."""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404

from buddynet.core.selectors import search_people
from buddynet.tenancy import policy
from buddynet.tenancy.access import Access

from .models import Buddy

PIPELINE = (Buddy.Status.APPLIED, Buddy.Status.SCREENING, Buddy.Status.TRAINING)


def buddy_list_for_user(
    *, access: Access, project, status: str | None = None, query: str | None = None
) -> QuerySet[Buddy]:
    if not access.has(policy.BUDDIES_VIEW, project):
        raise PermissionDenied
    qs = Buddy.objects.filter(project=project)
    if status:
        qs = qs.filter(status=status)
    qs = search_people(qs, query)
    return qs.order_by("last_name", "first_name", "pk")


def buddy_get_for_user(*, access: Access, project, code) -> Buddy:
    try:
        code = uuid.UUID(str(code))
        return buddy_list_for_user(access=access, project=project).get(code=code)
    except (Buddy.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such buddy.") from exc


def buddies_own(*, user) -> list[Buddy]:
    return list(Buddy.objects.filter(user=user).select_related("project"))


def buddy_figures(*, project_ids) -> dict[int, dict]:
    """Counts per status per project, in one query; no identities."""
    figures: dict[int, dict] = defaultdict(
        lambda: {"by_status": {s: 0 for s in Buddy.Status.values}, "total": 0, "pipeline": 0}
    )
    rows = (
        Buddy.objects.filter(project_id__in=project_ids)
        .values("project_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        fig = figures[row["project_id"]]
        fig["by_status"][row["status"]] = row["n"]
        fig["total"] += row["n"]
        if row["status"] in PIPELINE:
            fig["pipeline"] += row["n"]
    for pid in project_ids:
        figures[pid]
    return dict(figures)
