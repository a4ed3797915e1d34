"""The buddies panel on the coordinator's dashboard: aggregates over all their projects,
and the applications that wait for a first step (names only where the user may see
buddies), in a fixed number of queries."""

from __future__ import annotations

from buddynet.tenancy.access import access_for_user

from .models import Buddy
from .selectors import expiring_items, new_applications, pipeline_figures


def coordinator_panel(*, project_ids, user) -> dict | None:
    if not project_ids:
        return None
    figures = pipeline_figures(project_ids=project_ids)
    return {
        "template": "volunteers/_dashboard_panel.html",
        "steps": [(Buddy.Status(s).label, n) for s, n in figures["by_status"].items()],
        "recent_applications": figures["recent_applications"],
        "new_applications": new_applications(access=access_for_user(user), project_ids=project_ids),
        "expiring": expiring_items(project_ids=project_ids),
    }
