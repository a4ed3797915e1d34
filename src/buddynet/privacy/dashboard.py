"""The privacy panel on a coordinator's dashboard: alerts on many files opened (last
week) and how many files expire in the next 30 days, per project. A privacy officer
(who has no coordinator's dashboard) gets it as a personal panel, with the projects they
oversee."""

from __future__ import annotations

from buddynet.tenancy import policy
from buddynet.tenancy.models import Project

from . import lookups, retention


def coordinator_panel(*, project_ids, user) -> dict | None:
    coordinated = list(project_ids)
    alerts = lookups.alerts(project_ids=coordinated)
    # A constant number of queries, however many projects: the alerts, the counts (the
    # terms and one per kind of file), and the projects that have files expiring.
    counts = retention.expiring_counts(project_ids=coordinated)
    expiring = (
        [
            (project, counts[project.pk])
            for project in Project.objects.filter(pk__in=list(counts)).order_by("name")
        ]
        if counts
        else []
    )
    if not (alerts or expiring):
        return None
    return {
        "template": "privacy/_dashboard_panel.html",
        "alerts": alerts,
        "expiring": expiring,
        "days": retention.FORECAST_DAYS,
    }


def personal_panels(*, user, access) -> list[dict]:
    """The projects a user oversees without coordinating them (a privacy officer): the
    way to their oversight pages, with the alerts and the files expiring."""
    overseen = access.projects_with(policy.PRIVACY_OVERSEE) - access.projects_with(
        policy.PARTICIPANTS_VIEW
    )
    if not overseen:
        return []
    panel = coordinator_panel(project_ids=sorted(overseen), user=user) or {
        "template": "privacy/_dashboard_panel.html",
        "alerts": [],
        "expiring": [],
        "days": retention.FORECAST_DAYS,
    }
    panel["overseen"] = list(Project.objects.filter(pk__in=overseen).order_by("name"))
    return [panel]
