"""Follow-up on the dashboard: for coordinators the conversations due and overdue, the
open boundary signals and the quiet trajectories; for a buddy, participant or
professional a big "signal a boundary" button and their next conversation.

A constant number of queries, whatever the number of projects.
"""

from __future__ import annotations

from buddynet.tenancy import policy
from buddynet.tenancy.access import access_for_user

from . import clock, selectors

PANEL_LIMIT = 10
PERSONAL_LIMIT = 50


def coordinator_panel(*, project_ids, user) -> dict | None:
    access = access_for_user(user)
    managed = sorted(set(project_ids) & access.projects_with(policy.FOLLOWUP_MANAGE))
    if not managed:
        return None
    handled = sorted(set(project_ids) & access.projects_with(policy.SIGNALS_HANDLE))
    today = clock.today()
    due = selectors.followups_due(project_ids=managed, today=today, limit=PANEL_LIMIT + 1)
    return {
        "template": "followup/_dashboard_panel.html",
        "due": due[:PANEL_LIMIT],
        "more_due": len(due) > PANEL_LIMIT,
        "overdue_count": selectors.followups_overdue_count(project_ids=managed, today=today),
        "signals": selectors.signals_open(project_ids=handled, limit=PANEL_LIMIT),
        "inactive": selectors.inactive_trajectories(project_ids=managed, today=today)[:PANEL_LIMIT],
    }


def personal_panels(*, user, access) -> list[dict]:
    # A buddy or participant has one or two; a professional can be part of hundreds
    # (1,671 in the 100,000-participant demo: two seconds to show): the first fifty,
    # as the trajectories' own panel (their full list is on each project's pages).
    trajectories = [
        t
        for t in selectors.trajectories_own(user=user, limit=PERSONAL_LIMIT)
        if access.has(policy.SIGNALS_RAISE, t.project_id)
    ]
    if not trajectories:
        return []
    upcoming = selectors.upcoming_for_user(user=user, trajectories=trajectories)
    today = clock.today()
    rows = []
    for trajectory in trajectories:
        if trajectory.buddy.user_id == user.pk:
            role = "buddy"
        elif trajectory.participant.user_id == user.pk:
            role = "participant"
        else:
            role = "professional"
        rows.append(
            {
                "trajectory": trajectory,
                "role": role,
                **selectors.next_display(upcoming.get(trajectory.pk), today),
            }
        )
    return [{"template": "followup/_personal_panel.html", "rows": rows}]
