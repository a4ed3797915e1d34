"""The buddies panel on the coordinator's dashboard: aggregates over all their projects,
in a fixed number of queries."""

from __future__ import annotations

from .models import Buddy
from .selectors import expiring_items, pipeline_figures


def coordinator_panel(*, project_ids, user) -> dict | None:
    if not project_ids:
        return None
    figures = pipeline_figures(project_ids=project_ids)
    return {
        "template": "volunteers/_dashboard_panel.html",
        "steps": [(Buddy.Status(s).label, n) for s, n in figures["by_status"].items()],
        "recent_applications": figures["recent_applications"],
        "expiring": expiring_items(project_ids=project_ids),
    }
