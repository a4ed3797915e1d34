"""Trajectory panels on the dashboard: the coordinator's (starting without signatures,
role-division flags, counts per status) and the personal ones of a buddy, a participant
and a professional. A fixed number of queries, whatever the number of projects."""

from __future__ import annotations

from buddynet.tenancy import policy

from . import selectors, services
from .models import Party, Trajectory


def coordinator_panel(*, project_ids, user) -> dict | None:
    if not project_ids:
        return None
    counts = selectors.status_counts(project_ids=project_ids)
    return {
        "template": "trajectories/_dashboard_panel.html",
        "counts": [(Trajectory.Status(s).label, s, n) for s, n in counts.items()],
        "starting": selectors.starting_unsigned(project_ids=project_ids),
        "out_of_role": selectors.out_of_role_tasks(project_ids=project_ids),
    }


def personal_panels(*, user, access) -> list[dict]:
    """What a buddy, participant or professional has to do in their trajectories."""
    if not access.projects_with(policy.TRAJECTORIES_VIEW_OWN):
        return []
    rows = []
    for trajectory in selectors.own_trajectories(user=user):
        if not access.has(policy.TRAJECTORIES_VIEW_OWN, trajectory.project_id):
            continue
        version = trajectory.current_version
        signed = {s.party for s in version.signatures.all()} if version else set()
        mine = services.parties_user_may_sign(
            trajectory=trajectory, user=user, is_coordinator=False
        )
        to_sign = bool(version) and any(p in version.parties and p not in signed for p in mine)
        rows.append(
            {
                "trajectory": trajectory,
                "is_buddy": Party.BUDDY in mine,
                "is_professional": Party.PROFESSIONAL in mine,
                "to_sign": to_sign,
                "can_write": Party.BUDDY in mine
                and access.has(policy.JOURNAL_WRITE, trajectory.project_id)
                and trajectory.status != Trajectory.Status.CLOSED,
            }
        )
    if not rows:
        return []
    return [{"template": "trajectories/_personal_panel.html", "rows": rows}]
