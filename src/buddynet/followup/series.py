"""Series of the schedule that a higher app plans, completes and cancels itself (the
impact app's measurement moments), registered in that app's ``ready()``: this app does
not import it.

Such an item is in the schedule like any other (the trajectory's panel, the
coordinator's list, the reminders, the iCal feed), but the follow-up's own writes leave
it alone: ``cancel_open`` does not cancel it (the owner does, e.g. when its consent is
withdrawn), ``followup_record`` refuses it, and its record page sends the coordinator
to the owner's page (``action_url``), where it is done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class OwnedSeries:
    series: str
    app: str
    # The page where an item of this series is done (a URL path), from the item alone.
    action_url: Callable[[object], str]
    # Why it cannot be recorded as a conversation (shown to the coordinator).
    done_where: str | Promise


_owned: dict[str, OwnedSeries] = {}


def register(series: str, *, app: str, action_url: Callable[[object], str], done_where) -> None:
    """Register (once per series) the app that owns a series of the schedule."""
    _owned[series] = OwnedSeries(
        series=series, app=app, action_url=action_url, done_where=done_where
    )


def owned_series() -> tuple[str, ...]:
    return tuple(_owned)


def owner_of(item) -> OwnedSeries | None:
    return _owned.get(item.series)


def action_url(item) -> str | None:
    """Where an item of an owned series is done, or None for the follow-up's own."""
    owner = owner_of(item)
    return owner.action_url(item) if owner else None
