"""Reads that combine feature apps: each project's figures (aggregates only), for the
coordinator dashboard, the network overview and its API."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from buddynet.core import versions
from buddynet.participants.selectors import participant_figures
from buddynet.tenancy.models import Network, Project
from buddynet.volunteers.selectors import buddy_figures


def project_figures(
    *, project_ids, today: date | None = None, known: versions.Versions | None = None
) -> dict[int, dict]:
    """Per project: ``{"participants": ..., "buddies": ...}``, cached per project under its
    data version and the date (``core.versions``): on a warm cache no participant or
    buddy row is read, and a change shows on the next request. ``known``: the versions,
    when the caller has read them (``versions.current``)."""
    today = today or timezone.localdate()

    def compute(ids: list[int]) -> dict[int, dict]:
        participants = participant_figures(project_ids=ids, today=today)
        buddies = buddy_figures(project_ids=ids)
        return {pid: {"participants": participants[pid], "buddies": buddies[pid]} for pid in ids}

    return versions.per_project(
        "project_figures", project_ids, compute, parts=(today,), known=known
    )


def network_overview(*, network: Network) -> list[dict]:
    """Per project of the network: aggregate figures only, never an identity."""
    projects = list(
        Project.objects.filter(organisation__network=network, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    figures = project_figures(project_ids=[p.pk for p in projects])
    return [{"project": p, **figures[p.pk]} for p in projects]
