"""Reads that combine feature apps: the network overview (aggregates only)."""

from __future__ import annotations

from buddynet.participants.selectors import participant_figures
from buddynet.tenancy.models import Network, Project
from buddynet.volunteers.selectors import buddy_figures


def network_overview(*, network: Network) -> list[dict]:
    """Per project of the network: aggregate figures only, never an identity."""
    projects = list(
        Project.objects.filter(organisation__network=network, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    ids = [p.pk for p in projects]
    participants = participant_figures(project_ids=ids)
    buddies = buddy_figures(project_ids=ids)
    return [
        {"project": p, "participants": participants[p.pk], "buddies": buddies[p.pk]}
        for p in projects
    ]
