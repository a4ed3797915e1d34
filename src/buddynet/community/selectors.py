"""Reads of the community app. The one that hands out a hand-over (with the person's
shared details) or an offer from another project writes the "viewed" entry."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django_scopes import scopes_disabled

from buddynet.core import clock
from buddynet.trajectories.models import Trajectory

from . import search
from .models import Handover, Service, Transfer


def _uuid(code) -> uuid.UUID:
    try:
        return uuid.UUID(str(code))
    except (ValueError, ValidationError) as exc:
        raise Http404("No such record.") from exc


def network_id_of(project) -> int:
    return project.organisation.network_id


# --- The map --------------------------------------------------------------------------


def map_search(*, project, **filters) -> QuerySet[Service]:
    """The project's network's map, filtered (``search.services_matching``)."""
    return search.services_matching(network_id=network_id_of(project), **filters)


def service_get(*, project, code) -> Service:
    """A service on the map of the project's network (404 for another network's)."""
    try:
        return Service.objects.get(network_id=network_id_of(project), code=_uuid(code))
    except Service.DoesNotExist as exc:
        raise Http404("No such service.") from exc


def stale_count(*, project, today: date | None = None) -> int:
    before = search.review_before(today or clock.today())
    return Service.objects.filter(
        network_id=network_id_of(project), archived=False, checked_on__lt=before
    ).count()


# --- Hand-overs ------------------------------------------------------------------------


def handovers_of_project(*, project, status: str | None = None) -> QuerySet[Handover]:
    handovers = Handover.objects.filter(project=project).select_related("participant", "service")
    if status == "open":
        handovers = handovers.filter(status__in=Handover.OPEN)
    elif status:
        handovers = handovers.filter(status=status)
    return handovers


def handover_get(*, project, code) -> Handover:
    try:
        return Handover.objects.select_related("participant", "service", "trajectory").get(
            project=project, code=_uuid(code)
        )
    except Handover.DoesNotExist as exc:
        raise Http404("No such hand-over.") from exc


def handover_for_user(*, project, code, reader=None, via: str = "web") -> Handover:
    """One hand-over for a coordinator; opening it (a GET) is on its history."""
    handover = handover_get(project=project, code=code)
    if reader is not None:
        handover.log_action("community.handover_viewed", user=reader, via=via)
    return handover


def handovers_of_trajectory(trajectory: Trajectory) -> list[Handover]:
    return list(
        Handover.objects.filter(
            Q(trajectory=trajectory) | Q(participant_id=trajectory.participant_id)
        ).select_related("service")
    )


def handovers_of_participant(participant) -> list[Handover]:
    return list(Handover.objects.filter(participant=participant).select_related("service"))


# --- Transfers -------------------------------------------------------------------------


def transfers_of_project(*, project) -> dict[str, list[Transfer]]:
    """Offers this project made, and offers other projects made to it."""
    with scopes_disabled():
        rows = list(
            Transfer.objects.filter(Q(project=project) | Q(to_project=project)).select_related(
                "participant", "project", "to_project"
            )
        )
    return {
        "incoming": [t for t in rows if t.to_project_id == project.pk],
        "outgoing": [t for t in rows if t.project_id == project.pk],
    }


def transfer_for_user(*, project, code, reader=None, via: str = "web") -> Transfer:
    """An offer made by this project or to it (404 otherwise); the receiving
    coordinator's opening of it is on its history."""
    with scopes_disabled():
        try:
            transfer = Transfer.objects.select_related(
                "participant", "project", "to_project", "new_participant"
            ).get(Q(project=project) | Q(to_project=project), code=_uuid(code))
        except Transfer.DoesNotExist as exc:
            raise Http404("No such offer.") from exc
    if reader is not None:
        transfer.log_action("community.transfer_viewed", user=reader, via=via)
    return transfer


# --- Reports and the dashboard ---------------------------------------------------------


def where_people_go(*, project_ids) -> dict:
    """Hand-overs per kind of service and what became of them; the buddy's moment in
    the trajectories."""
    counts = (
        Handover.objects.filter(project_id__in=project_ids)
        .values("service__kind", "status")
        .annotate(n=Count("pk"))
    )
    per_kind: dict[str, Counter] = {}
    for row in counts:
        per_kind.setdefault(row["service__kind"], Counter())[row["status"]] += row["n"]
    moments = Counter(
        dict(
            Trajectory.objects.filter(project_id__in=project_ids)
            .values_list("buddy_moment")
            .annotate(n=Count("pk"))
            .values_list("buddy_moment", "n")
        )
    )
    return {"per_kind": per_kind, "moments": moments}


def awaiting_answer(*, project_ids, limit: int = 10) -> list[Handover]:
    return list(
        Handover.objects.filter(project_id__in=project_ids, status=Handover.Status.SENT)
        .select_related("participant", "service", "project")
        .order_by("created_at")[:limit]
    )


def follow_up_due(*, project_ids, today: date, limit: int = 10) -> list[Handover]:
    return list(
        Handover.objects.filter(
            project_id__in=project_ids,
            status__in=Handover.OPEN,
            follow_up_on__lte=today,
        )
        .select_related("participant", "service", "project")
        .order_by("follow_up_on")[:limit]
    )


def incoming_offers(*, project_ids, limit: int = 10) -> list[Transfer]:
    with scopes_disabled():
        return list(
            Transfer.objects.filter(to_project_id__in=project_ids, status=Transfer.Status.OFFERED)
            .select_related("participant", "project", "to_project")
            .order_by("created_at")[:limit]
        )
