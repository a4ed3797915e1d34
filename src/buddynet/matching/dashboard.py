"""Matching on the dashboard: for coordinators, what waits for a decision (pending
proposals, introductions to plan or waiting for answers, raised hands); for buddies and
participants, an introduction to answer, and for ready buddies a link to the help
requests. A fixed number of queries whatever the number of projects."""

from __future__ import annotations

from buddynet.tenancy import policy
from buddynet.tenancy.models import Project

from . import selectors
from .models import HandRaise, Introduction


def coordinator_panel(*, project_ids, user) -> dict | None:
    if not project_ids:
        return None
    figures = selectors.matching_figures(project_ids=project_ids)
    projects = {p.pk: p for p in Project.objects.filter(pk__in=project_ids).order_by("name")}
    introductions = list(
        Introduction.objects.filter(
            project_id__in=project_ids,
            status__in=(Introduction.Status.PLANNED, Introduction.Status.HELD),
        )
        .select_related("buddy", "participant", "project")
        .order_by("meets_at")[:10]
    )
    hands = list(
        HandRaise.objects.filter(project_id__in=project_ids, withdrawn_at__isnull=True)
        .select_related("buddy", "participant", "project")
        .order_by("-created_at")[:10]
    )
    return {
        "template": "matching/_dashboard_panel.html",
        "rows": [(projects[pid], figures[pid]) for pid in projects],
        "introductions": introductions,
        "hands": hands,
    }


def personal_panels(*, user, access) -> list[dict]:
    """A buddy's or participant's own to-do: introductions to answer; the help requests"""
    answering = access.projects_with(policy.MATCHING_ANSWER)
    browsing = access.projects_with(policy.MATCHING_RAISE_HAND)
    if not answering and not browsing:
        return []
    panels = []
    mine = selectors.own_introductions(user=user, project_ids=answering)
    if mine:
        panels.append({"template": "matching/_personal_panel.html", "introductions": mine})
    if browsing:
        from buddynet.volunteers.models import Buddy

        from .adapters import READY_STATUSES

        ready = list(
            Buddy.objects.filter(
                user=user, project_id__in=browsing, status__in=READY_STATUSES
            ).select_related("project")
        )
        if ready:
            panels.append({"template": "matching/_requests_panel.html", "buddies": ready})
    return panels
