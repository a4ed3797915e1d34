"""The privacy panel on a coordinator's dashboard: alerts on many files opened (last
week) and how many files expire in the next 30 days, per project."""

from __future__ import annotations

from buddynet.tenancy.models import Project

from . import lookups, retention


def coordinator_panel(*, project_ids, user) -> dict | None:
    coordinated = list(project_ids)
    alerts = lookups.alerts(project_ids=coordinated)
    expiring = [
        (project, count)
        for project in Project.objects.filter(pk__in=coordinated).order_by("name")
        if (count := retention.expiring_count(project_ids=[project.pk]))
    ]
    if not (alerts or expiring):
        return None
    return {
        "template": "privacy/_dashboard_panel.html",
        "alerts": alerts,
        "expiring": expiring,
        "days": retention.FORECAST_DAYS,
    }


def personal_panels(*, user, access) -> list[dict]:
    return []
