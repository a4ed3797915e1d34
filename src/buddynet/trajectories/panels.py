"""Panels for the people's files: on a participant's file, their trajectory with their
buddy; on a buddy's file, the trajectory with the participant they accompany.

The participants and volunteers apps hold the registries (a higher app adds a panel to
a file); these functions are what trajectories registers there. Each returns ``None``
when the reader may not see trajectories of that project, else a dict with the
``template`` and its context: the current trajectory (the newest open one) or else the
last one, and the earlier ones.
"""

from __future__ import annotations

from buddynet.participants import panels as participant_panels
from buddynet.tenancy import policy
from buddynet.volunteers import panels as buddy_panels

from . import selectors
from .models import Trajectory

TEMPLATE = "trajectories/_file_panel.html"
LIMIT = 10


def _file_panel(about: str, person, *, access, user) -> dict | None:
    """The trajectories of the person whose file this is (``about``: "participant" or
    "buddy"), newest first, with the other side's name and a link."""
    coordinator = access.has(policy.TRAJECTORIES_VIEW, person.project_id)
    qs = Trajectory.objects.filter(**{f"{about}_id": person.pk})
    if not coordinator:
        if not access.has(policy.TRAJECTORIES_VIEW_OWN, person.project_id):
            return None
        # The referring professional (or the person themselves): only the trajectories
        # they are a party to, the same rule as the trajectory's own page.
        qs = qs.filter(selectors.party_q(user))
    trajectories = list(
        qs.select_related("buddy", "participant", "project").order_by("-started_on", "-pk")[:LIMIT]
    )
    if not trajectories and not coordinator:
        return None
    current = next((t for t in trajectories if t.status != Trajectory.Status.CLOSED), None)
    if current is None and trajectories:
        current = trajectories[0]
    rows = [
        {
            "trajectory": t,
            # The other side of the pair, named as this reader may name them (a buddy
            # reads the participant's first name only).
            "other": t.buddy.full_name
            if about == "participant"
            else selectors.participant_name_for(trajectory=t, user=user, coordinator=coordinator),
            "current": t is current,
        }
        for t in trajectories
    ]
    return {"template": TEMPLATE, "current": current, "rows": rows, "about": about}


def participant_file_panel(*, participant, access, user) -> dict | None:
    """The participant's trajectories, for their file: the buddy's name and a link."""
    return _file_panel("participant", participant, access=access, user=user)


def buddy_file_panel(*, buddy, access, user) -> dict | None:
    """The buddy's trajectories, for their file: the participant's name and a link."""
    return _file_panel("buddy", buddy, access=access, user=user)


# --- Registered with the files' hooks (imported in TrajectoriesConfig.ready) ----------


@participant_panels.register
def trajectory_on_participant_file(*, participant, access, user, project):
    data = participant_file_panel(participant=participant, access=access, user=user)
    return None if data is None else participant_panels.Panel(data["template"], data)


@buddy_panels.register
def trajectory_on_buddy_file(*, buddy, access, user):
    data = buddy_file_panel(buddy=buddy, access=access, user=user)
    # The same template as on the participant's file: it reads ``panel.context``.
    return None if data is None else {"template": data["template"], "context": data}


# --- Panels that higher apps add to a trajectory's page ------------------------------
# Trajectories sits below matching and followup, so its page cannot load their template
# tags. A higher app registers ``func(*, trajectory, request) -> str`` (rendered HTML,
# or "" for nothing) in its ``AppConfig.ready()``; the page shows them in order.

_TRAJECTORY_PANELS: list = []


def register_trajectory_panel(func):
    key = (func.__module__, func.__qualname__)
    _TRAJECTORY_PANELS[:] = [f for f in _TRAJECTORY_PANELS if (f.__module__, f.__qualname__) != key]
    _TRAJECTORY_PANELS.append(func)
    return func


def trajectory_panels(*, trajectory, request) -> list[str]:
    return [
        html
        for func in _TRAJECTORY_PANELS
        if (html := func(trajectory=trajectory, request=request))
    ]
