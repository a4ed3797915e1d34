"""Searching the social map by need, town and language.

Each service keeps its needs, towns and languages twice: as lists on the row (to show
and edit) and as ``ServiceFacet`` rows ``t:<topic>``, ``m:<NIS code>``, ``l:<language>``.
A search keeps the services that have a facet of each asked kind: one semi-join per
kind, each answered from the index (network, facet, service) alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import QuerySet

from buddynet.core import geo

from .models import REVIEW_AFTER_DAYS, Service, ServiceFacet


def facets_of(service: Service) -> set[str]:
    return (
        {f"t:{code}" for code in service.topics or ()}
        | {f"m:{code}" for code in service.municipalities or ()}
        | {f"l:{code}" for code in service.languages or ()}
    )


def sync_facets(service: Service) -> None:
    """Make the service's facet rows match its lists (inside the caller's transaction)."""
    wanted = facets_of(service)
    have = set(service.facets.values_list("facet", flat=True))
    if have - wanted:
        service.facets.filter(facet__in=have - wanted).delete()
    ServiceFacet.objects.bulk_create(
        [
            ServiceFacet(network_id=service.network_id, service=service, facet=facet)
            for facet in sorted(wanted - have)
        ]
    )


def town_of(text: str) -> geo.Municipality | None:
    """A municipality from a postcode, a NIS code or a name (the best match)."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit() and len(text) == 5:
        found = geo.by_nis(text)
        if found is not None:
            return found
    if text.isdigit() and len(text) == 4:
        return geo.by_postcode(text)
    matches = geo.search(text, limit=1)
    return matches[0] if matches else None


def review_before(today: date) -> date:
    """Entries checked before this date are flagged for review."""
    return today - timedelta(days=REVIEW_AFTER_DAYS)


def services_matching(
    *,
    network_id: int,
    topics: Iterable[str] = (),
    nis_code: str | None = None,
    languages: Iterable[str] = (),
    kind: str | None = None,
    text: str | None = None,
    stale_before: date | None = None,
) -> QuerySet[Service]:
    """The network's services on the map that help with one of ``topics``, serve the
    town and speak one of ``languages`` (each filter only when given)."""
    services = Service.objects.filter(network_id=network_id, archived=False)

    def having(keys: list[str]):
        return ServiceFacet.objects.filter(network_id=network_id, facet__in=keys).values(
            "service_id"
        )

    topics = [t for t in topics if t]
    languages = [code for code in languages if code]
    if topics:
        services = services.filter(pk__in=having([f"t:{t}" for t in topics]))
    if nis_code:
        services = services.filter(pk__in=having([f"m:{nis_code}"]))
    if languages:
        services = services.filter(pk__in=having([f"l:{code}" for code in languages]))
    if kind:
        services = services.filter(kind=kind)
    if text:
        services = services.filter(name__icontains=text) | services.filter(
            organisation__icontains=text
        )
    if stale_before is not None:
        services = services.filter(checked_on__lt=stale_before)
    return services.order_by("name", "pk")
