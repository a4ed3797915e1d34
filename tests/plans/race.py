"""What the race test (tests/test_concurrency.py) needs for the family plan's forms:
the state a form acts on (``SETUP``) and what a person would type (``FORM_DATA``)."""

from __future__ import annotations

from buddynet.core import clock
from buddynet.trajectories import services as trajectory_services
from tests.plans import factories as pf
from tests.trajectories.factories import own_trajectory


def _agreed(w) -> None:
    pf.agreed(w.participant, w.coord)


def _goal(w):
    return w.once(
        "plans_goal",
        lambda w: trajectory_services.goal_add(
            trajectory=own_trajectory(w), by=w.coord, title="Zelf de bus nemen"
        ),
    )


def _around(w) -> None:
    """The family's trajectory: its buddy and professional can be let in."""
    own_trajectory(w)


SETUP = {
    "plans_make": _agreed,
    "plans_feed": _goal,
    "plans_shares": _around,
}

FORM_DATA = {
    "plans_make": lambda w: {"coordinator_kind": "family", "coordinator_name": "Mama Amina"},
    "plans_edit": lambda w: {"coordinator_name": "Oma Latifa", "coordinator_kind": "network"},
    "plans_entry_add": lambda w: {"kind": "worry", "text": "De rekeningen stapelen zich op."},
    "plans_feed": lambda w: {"source": f"goal:{_goal(w).code}", "family_agrees": "on"},
    "plans_action_add": lambda w: {"what": "Samen naar de bib", "who": "buddy"},
    "plans_action": lambda w: {"status": "done"},
    "plans_review_add": lambda w: {
        "held_on": clock.today().isoformat(),
        "went_well": "De post is op orde.",
    },
    "plans_shares": lambda w: {
        "user": str(w.prof.code),
        "role": "maatschappelijk werker",
        "sections": ["words", "actions"],
        "confirm": "on",
    },
}
