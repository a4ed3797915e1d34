"""The network's panel on the dashboard: the learning networks a person has a place in,
with the intervisions they are invited to that are still to come, the coming events of
the network's calendar and its latest news.

The panel is cached under the versions of the person's projects (``site.dashboard``):
the network's services move those versions when an event, a registration or a news item
changes (``services._network_changed``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from .models import Event, Invitation, NewsItem, Registration
from .selectors import events, news, space_in, spaces_of

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# The invitations are network records, not a project's (no project version moves with
# them), and an intervision leaves the panel when it starts: computed on every visit
# (one query), not kept with the other personal panels (``site.dashboard._personal``).
PERSONAL_PANELS_KEPT = False


def coordinator_panel(*, project_ids, user) -> dict | None:
    """The network has no per-project panel (its links are in the project menu)."""
    return None


def personal_panels(*, user, access) -> list[dict]:
    networks = spaces_of(access=access)
    if not networks:
        return []
    coming = list(
        Invitation.objects.filter(
            user=user,
            intervision__network__in=networks,
            intervision__starts_at__gte=timezone.now(),
        )
        .exclude(answer=Invitation.Answer.DECLINED)
        .select_related("intervision", "intervision__network")
        .order_by("intervision__starts_at")[:5]
    )
    upcoming, latest = [], []
    for network in networks:
        space = space_in(access=access, network=network)
        # The network is already read: set on each row rather than joined again.
        coming_here: list[Event] = list(events(space=space)[:3])
        news_here: list[NewsItem] = list(news(space=space)[:3])
        for event in coming_here:
            event.network = network
        for item in news_here:
            item.network = network
        upcoming += coming_here
        latest += news_here
    upcoming.sort(key=lambda e: e.starts_at)
    latest.sort(key=lambda n: n.created_at, reverse=True)
    mine = dict(
        Registration.objects.filter(user=user, event__in=upcoming)
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("event_id", "status")
    )
    labels: dict[str | None, StrPromise] = dict(Registration.Status.choices)
    return [
        {
            "template": "network/_personal_panel.html",
            "networks": networks,
            "coming": coming,
            "events": [(e, labels.get(mine.get(e.pk), "")) for e in upcoming[:3]],
            "news": latest[:3],
        }
    ]
