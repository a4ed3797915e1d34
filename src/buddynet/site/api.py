"""Endpoints that combine the apps: the network overview (aggregates only)."""

from __future__ import annotations

import uuid

from ninja import Router, Schema

from buddynet.tenancy.access import get_access
from buddynet.tenancy.selectors import network_get_for_user

from .selectors import network_overview

router = Router(tags=["projects"])


class ProjectFiguresOut(Schema):
    project: uuid.UUID
    name: str
    organisation: str
    participants_by_status: dict[str, int]
    participants_median_wait_days: int | None
    participants_needing_contact: int
    buddies_by_status: dict[str, int]


@router.get(
    "/networks/{code}/overview",
    response=list[ProjectFiguresOut],
    summary="Aggregate figures per project of a network (no identities)",
    # The id it had before it moved here, so generated API clients keep working.
    operation_id="buddynet_tenancy_api_network_figures",
)
def network_figures(request, code: uuid.UUID):
    network = network_get_for_user(access=get_access(request), code=code)
    return [
        {
            "project": row["project"].code,
            "name": row["project"].name,
            "organisation": row["project"].organisation.name,
            "participants_by_status": row["participants"]["by_status"],
            "participants_median_wait_days": row["participants"]["median_wait_days"],
            "participants_needing_contact": row["participants"]["needing_contact"],
            "buddies_by_status": row["buddies"]["by_status"],
        }
        for row in network_overview(network=network)
    ]
