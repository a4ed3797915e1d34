"""The family plans on the dashboard: for coordinators the talks about a plan that are
due (within two weeks, or overdue); for a family its plan; for a buddy the actions the
plans give them; for a professional the plans the family shares with them."""

from __future__ import annotations

from buddynet.core import clock
from buddynet.tenancy import policy
from buddynet.tenancy.access import access_for_user

from . import selectors

PANEL_LIMIT = 10


def coordinator_panel(*, project_ids, user) -> dict | None:
    access = access_for_user(user)
    managed = sorted(set(project_ids) & access.projects_with(policy.PLANS_MANAGE))
    if not managed:
        return None
    today = clock.today()
    due = selectors.reviews_due(project_ids=managed, today=today, limit=PANEL_LIMIT)
    if not due:
        return None
    return {"template": "plans/_dashboard_panel.html", "due": due, "today": today}


def personal_panels(*, user, access) -> list[dict]:
    panels = []
    today = clock.today()
    family = [
        p
        for p in selectors.family_plans_of(user=user)
        if access.has(policy.PLANS_TAKE_PART, p.project_id)
    ]
    if family:
        panels.append({"template": "plans/_family_panel.html", "plans": family, "today": today})
    actions = [
        a
        for a in selectors.my_actions(user=user, limit=PANEL_LIMIT)
        if access.has(policy.PLANS_TAKE_PART, a.project_id)
    ]
    shared = [
        p
        for p in selectors.shared_with(user=user, limit=PANEL_LIMIT)
        if access.has(policy.PLANS_TAKE_PART, p.project_id)
    ]
    if actions or shared:
        panels.append(
            {
                "template": "plans/_helper_panel.html",
                "actions": actions,
                "plans": shared,
                "today": today,
            }
        )
    return panels
