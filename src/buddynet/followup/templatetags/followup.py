"""Template tags the trajectory page uses to show follow-up and boundary signals."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.trajectories.panels import register_trajectory_panel

from .. import selectors, services
from ..models import Closure

register = template.Library()


@register.inclusion_tag("followup/_trajectory_panel.html", takes_context=True)
def trajectory_followup_panel(context, trajectory):
    """The follow-up schedule and the signals of one trajectory, as the viewer may see them:
    coordinators get the schedule, the signals and the closure; the buddy, participant and
    professional a big "signal a boundary" button, their own signals and (buddy,
    participant) their next conversation."""
    request = context.get("request")
    result = {"trajectory": trajectory, "request": request, "project": trajectory.project}
    if request is None or not request.user.is_authenticated:
        return result
    access = get_access(request)
    user = request.user
    coordinator = access.has(policy.FOLLOWUP_MANAGE, trajectory.project_id)
    role = services.party_role(trajectory=trajectory, user=user, access=access)
    can_signal = role is not None and access.has(policy.SIGNALS_RAISE, trajectory.project_id)
    signals = (
        selectors.signals_of_trajectory(access=access, user=user, trajectory=trajectory)
        if can_signal or access.has(policy.SIGNALS_HANDLE, trajectory.project_id)
        else []
    )
    closure = selectors.closure_of(trajectory)
    result.update(
        is_coordinator=coordinator,
        role=role,
        can_signal=can_signal,
        signals=signals,
        closure=closure,
        closable=trajectory.status in services.CLOSABLE_STATUSES,
    )
    if coordinator:
        result["schedule"] = selectors.schedule_of(trajectory)
        result["quiet_days"] = selectors.is_inactive(trajectory)
    elif role in ("buddy", "participant"):
        result.update(
            selectors.next_display(
                selectors.next_followup_for_party(trajectory=trajectory, role=role)
            )
        )
    result["ask_buddy_wish"] = (
        closure is not None
        and closure.completed_at is not None
        and not closure.buddy_wish
        and (role == "buddy" or coordinator)
    )
    result["wishes"] = [
        (Closure.BuddyWish.READY, Closure.BuddyWish.READY.label),
        (Closure.BuddyWish.PAUSE, Closure.BuddyWish.PAUSE.label),
    ]
    return result


@register_trajectory_panel
def followup_on_trajectory_page(*, trajectory, request) -> str:
    """The same panel, registered with the trajectory page's hook (rendered here)."""
    context = trajectory_followup_panel({"request": request}, trajectory)
    return render_to_string("followup/_trajectory_panel.html", context, request=request)
