"""The community panel on a coordinator's dashboard: hand-overs still waiting for the
service's answer, hand-overs whose follow-up date has come, offers from other projects."""

from __future__ import annotations

from buddynet.core import clock

from . import selectors


def coordinator_panel(*, project_ids, user) -> dict | None:
    coordinated = list(project_ids)
    today = clock.today()
    awaiting = selectors.awaiting_answer(project_ids=coordinated)
    due = selectors.follow_up_due(project_ids=coordinated, today=today)
    offers = selectors.incoming_offers(project_ids=coordinated)
    if not (awaiting or due or offers):
        return None
    return {
        "template": "community/_dashboard_panel.html",
        "awaiting": awaiting,
        "due": due,
        "offers": offers,
    }


def personal_panels(*, user, access) -> list[dict]:
    return []
