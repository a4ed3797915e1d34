"""Access-matrix rows for follow-up, boundary signals, closure and the calendar.

Signals: only the project's coordinators and the person who raised them (here the buddy
persona). The professional and the participant are in the same trajectory and still
get 404; the network coordinator has no follow-up rights at all.
"""

from __future__ import annotations

from tests.followup import factories as ff
from tests.test_access_matrix import (
    API_401,
    LOGIN,
    NESTED,
    ROLES,
    Row,
    api_kw,
    nested_kw,
    project_kw,
    statuses,
)

COORDINATOR_ONLY = statuses(LOGIN, 403, 200, 403, 403, 403)
PARTIES = statuses(LOGIN, 403, 200, 200, 200, 200)
RAISER_AND_COORDINATOR = statuses(LOGIN, 403, 200, 404, 200, 404)


trajectory_kw = nested_kw(ff.trajectory, ff.other_trajectory)
closing_kw = nested_kw(ff.closing_trajectory, ff.other_closing_trajectory)
followup_kw = nested_kw(ff.followup, ff.other_followup)
signal_kw = nested_kw(ff.signal, ff.other_signal)


def exit_kw(w, variant):
    return {**closing_kw(w, variant), "party": "buddy"}


PAGES = {
    "followup_list": Row(own=COORDINATOR_ONLY, kwargs=project_kw),
    "followup_settings": Row(own=COORDINATOR_ONLY, kwargs=project_kw),
    "followup_record": Row(own=COORDINATOR_ONLY, kwargs=followup_kw, variants=NESTED),
    "followup_plan": Row(own=COORDINATOR_ONLY, kwargs=trajectory_kw, variants=NESTED),
    "signal_list": Row(own=PARTIES, kwargs=project_kw),
    "signal_create": Row(own=PARTIES, kwargs=trajectory_kw, variants=NESTED),
    "signal_detail": Row(own=RAISER_AND_COORDINATOR, kwargs=signal_kw, variants=NESTED),
    "closure_start": Row(own=COORDINATOR_ONLY, kwargs=trajectory_kw, variants=NESTED),
    "closure_detail": Row(own=COORDINATOR_ONLY, kwargs=closing_kw, variants=NESTED),
    "closure_exit": Row(own=COORDINATOR_ONLY, kwargs=exit_kw, variants=NESTED),
    # The buddy (or a coordinator) says what they want after closure; the professional
    # is in the trajectory but it is not theirs to say.
    "closure_buddy_wish": Row(
        own=statuses(LOGIN, 403, 302, 404, 302, 404),
        kwargs=closing_kw,
        variants=NESTED,
        method="post",
        data=lambda w: {"wish": "ready"},
    ),
    "calendar_settings": Row(
        own=statuses(LOGIN, 200, 200, 200, 200, 200, 200, 200),
        kwargs=lambda w, v: {},
        variants=("own",),
    ),
    # The feed needs no log-in: the secret in the address is the key.
    "calendar_feed": Row(
        own={role: 200 for role in ROLES},
        kwargs=lambda w, v: {"token": ff.calendar_token(w)},
        variants=("own",),
    ),
}

ENDPOINTS = {
    ("get", "/api/v1/projects/{code}/followups"): Row(
        own=statuses(API_401, 403, 200, 403, 403, 403),
        kwargs=lambda w, v: {"code": project_kw(w, v)["project"]},
    ),
    ("post", "/api/v1/projects/{code}/followups/{followup}/record"): Row(
        own=statuses(API_401, 403, 200, 403, 403, 403),
        kwargs=api_kw(followup_kw, followup="code"),
        variants=NESTED,
        method="post",
        data=lambda w: {"held_on": ff.today_iso(), "report": "Goed gesprek, alles loopt."},
        json=True,
    ),
    ("get", "/api/v1/projects/{code}/signals"): Row(
        own=statuses(API_401, 403, 200, 200, 200, 200),
        kwargs=lambda w, v: {"code": project_kw(w, v)["project"]},
    ),
    ("get", "/api/v1/projects/{code}/signals/{signal}"): Row(
        own=statuses(API_401, 403, 200, 404, 200, 404),
        kwargs=api_kw(signal_kw, signal="code"),
        variants=NESTED,
    ),
    ("post", "/api/v1/projects/{code}/trajectories/{trajectory}/signals"): Row(
        own=statuses(API_401, 403, 201, 201, 201, 201),
        kwargs=api_kw(trajectory_kw, trajectory="code"),
        variants=NESTED,
        method="post",
        data=lambda w: {"kind": "worry", "severity": "low", "description": "Even melden."},
        json=True,
    ),
    ("post", "/api/v1/projects/{code}/signals/{signal}/steps"): Row(
        own=statuses(API_401, 403, 201, 403, 403, 403),
        kwargs=api_kw(signal_kw, signal="code"),
        variants=NESTED,
        method="post",
        data=lambda w: {"step": "acknowledge", "note": "Gebeld, samen bekeken."},
        json=True,
    ),
    ("get", "/api/v1/projects/{code}/trajectories/{trajectory}/closure"): Row(
        own=statuses(API_401, 403, 200, 403, 403, 403),
        kwargs=api_kw(closing_kw, trajectory="code"),
        variants=NESTED,
    ),
    ("post", "/api/v1/projects/{code}/trajectories/{trajectory}/closure"): Row(
        own=statuses(API_401, 403, 201, 403, 403, 403),
        kwargs=api_kw(trajectory_kw, trajectory="code"),
        variants=NESTED,
        method="post",
        data=lambda w: {"planned": True, "reason": "goals_reached"},
        json=True,
    ),
    ("post", "/api/v1/projects/{code}/trajectories/{trajectory}/closure/exits"): Row(
        own=statuses(API_401, 403, 201, 403, 403, 403),
        kwargs=api_kw(closing_kw, trajectory="code"),
        variants=NESTED,
        method="post",
        data=lambda w: {"party": "buddy", "held_on": ff.today_iso(), "rating": 3},
        json=True,
    ),
    ("post", "/api/v1/projects/{code}/trajectories/{trajectory}/closure/complete"): Row(
        own=statuses(API_401, 403, 200, 403, 403, 403),
        kwargs=api_kw(closing_kw, trajectory="code"),
        variants=NESTED,
        method="post",
        data=lambda w: {"continues": "nothing", "contact_policy": "informal"},
        json=True,
    ),
}
