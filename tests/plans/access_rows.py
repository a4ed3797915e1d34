"""Access-matrix rows for the family plan.

The matrix's plan is the participant login's own family (the family reads all of it,
adds words and actions), shared with the buddy (everything, may update) and with the
professional (the actions only, reading). A network coordinator has no place in a
family's plan (403); another project's plan is a 404. Pages whose refusal is decided by
what the family allows (a section a helper may not update) are checked for the own and
the other project: under the user's own project code another project's plan is a 404
before any section is looked at.
"""

from __future__ import annotations

from datetime import timedelta

from buddynet.core import clock
from tests.plans import factories as pf
from tests.test_access_matrix import (
    API_401,
    LOGIN,
    NESTED,
    Row,
    nested_kw,
    participant_kw,
    project_kw,
    statuses,
)

COORDINATOR = statuses(LOGIN, 403, 200, 403, 403, 403)
READERS = statuses(LOGIN, 403, 200, 200, 200, 200)
WORDS_AND_ACTIONS = statuses(LOGIN, 403, 200, 403, 200, 200)
REVIEWS = statuses(LOGIN, 403, 200, 403, 200, 403)
OWN_AND_OTHER = ("own", "other")

plan_kw = nested_kw(pf.world_plan, lambda w: pf.world_plan(w, other=True))


def action_kw(w, variant):
    kwargs = plan_kw(w, variant)
    action = pf.world_action(w, other=variant != "own")
    return {**kwargs, "action": action.code}


def share_kw(w, variant):
    kwargs = plan_kw(w, variant)
    return {**kwargs, "share": pf.world_share(w, other=variant != "own").code}


def api_plan(w, variant):
    kwargs = plan_kw(w, variant)
    return {"code": kwargs["project"], "plan": kwargs["code"]}


def _action_data(w):
    return {"what": "Samen naar het OCMW", "who": "family_coach", "who_name": "Sofie"}


def _review_data(w):
    """Each role's review on a day of its own (one talk a day per plan)."""
    n = w.extra["plans_reviews"] = w.extra.get("plans_reviews", 0) + 1
    return {"held_on": (clock.today() - timedelta(days=n)).isoformat(), "went_well": "Goed."}


PAGES = {
    "plans_list": Row(own=COORDINATOR, kwargs=project_kw),
    "plans_make": Row(own=COORDINATOR, kwargs=participant_kw, variants=NESTED),
    "plans_detail": Row(own=READERS, kwargs=plan_kw, variants=NESTED),
    "plans_pdf": Row(own=READERS, kwargs=plan_kw, variants=NESTED),
    "plans_edit": Row(own=COORDINATOR, kwargs=plan_kw, variants=NESTED),
    "plans_entry_add": Row(own=WORDS_AND_ACTIONS, kwargs=plan_kw, variants=OWN_AND_OTHER),
    "plans_feed": Row(own=WORDS_AND_ACTIONS, kwargs=plan_kw, variants=OWN_AND_OTHER),
    "plans_action_add": Row(own=WORDS_AND_ACTIONS, kwargs=plan_kw, variants=OWN_AND_OTHER),
    "plans_action": Row(own=WORDS_AND_ACTIONS, kwargs=action_kw, variants=OWN_AND_OTHER),
    "plans_review_add": Row(own=REVIEWS, kwargs=plan_kw, variants=OWN_AND_OTHER),
    "plans_shares": Row(own=COORDINATOR, kwargs=plan_kw, variants=NESTED),
    "plans_share_end": Row(
        own=statuses(LOGIN, 403, 302, 403, 403, 403),
        kwargs=share_kw,
        variants=NESTED,
        method="post",
        data=lambda w: {},
    ),
}

ENDPOINTS = {
    ("get", "/api/v1/projects/{code}/plans/{plan}"): Row(
        own=statuses(API_401, 403, 200, 200, 200, 200), kwargs=api_plan, variants=NESTED
    ),
    ("get", "/api/v1/projects/{code}/plans/{plan}/actions"): Row(
        own=statuses(API_401, 403, 200, 200, 200, 200), kwargs=api_plan, variants=NESTED
    ),
    ("post", "/api/v1/projects/{code}/plans/{plan}/actions"): Row(
        own=statuses(API_401, 403, 201, 403, 201, 201),
        kwargs=api_plan,
        variants=OWN_AND_OTHER,
        method="post",
        data=_action_data,
        json=True,
    ),
    ("get", "/api/v1/projects/{code}/plans/{plan}/reviews"): Row(
        own=statuses(API_401, 403, 200, 403, 200, 200), kwargs=api_plan, variants=OWN_AND_OTHER
    ),
    ("post", "/api/v1/projects/{code}/plans/{plan}/reviews"): Row(
        own=statuses(API_401, 403, 201, 403, 201, 403),
        kwargs=api_plan,
        variants=OWN_AND_OTHER,
        method="post",
        data=_review_data,
        json=True,
    ),
}
