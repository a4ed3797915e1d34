"""The community app's panels on a participant's file and on a trajectory's page: the
hand-overs (with their status) and the buttons to hand over or offer to another project."""

from __future__ import annotations

from django.template.loader import render_to_string

from buddynet.participants import panels as participant_panels
from buddynet.tenancy import policy
from buddynet.tenancy.access import get_access
from buddynet.trajectories.panels import register_trajectory_panel

from . import selectors


@participant_panels.register
def community_on_file(*, participant, access, user, project):
    if not access.has(policy.COMMUNITY_HANDOVER, project):
        return None
    return participant_panels.Panel(
        "community/_participant_panel.html",
        {
            "participant": participant,
            "handovers": selectors.handovers_of_participant(participant),
            "community_project": project,
        },
    )


@register_trajectory_panel
def community_on_trajectory(*, trajectory, request) -> str:
    if request is None or not request.user.is_authenticated:
        return ""
    access = get_access(request)
    if not access.has(policy.COMMUNITY_HANDOVER, trajectory.project_id):
        return ""
    return render_to_string(
        "community/_trajectory_panel.html",
        {
            "trajectory": trajectory,
            "project": trajectory.project,
            "handovers": selectors.handovers_of_trajectory(trajectory),
        },
        request=request,
    )
