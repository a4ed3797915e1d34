"""Access-matrix rows for trajectories: a buddy, participant and professional see only
their own trajectory (the professional only what is shared), coordinators all of their
project's."""

from __future__ import annotations

from tests.test_access_matrix import (
    API_401,
    LOGIN,
    NESTED,
    Row,
    api_kw,
    nested_kw,
    project_kw,
    statuses,
)
from tests.trajectories.factories import other_trajectory, own_trajectory, with_agreement

# anonymous, network coordinator, coordinator, professional, buddy, participant
PARTIES = statuses(LOGIN, 403, 200, 200, 200, 200)
COORD_ONLY = statuses(LOGIN, 403, 200, 403, 403, 403)
WRITERS = statuses(LOGIN, 403, 200, 403, 200, 403)
API_PARTIES = statuses(API_401, 403, 200, 200, 200, 200)


trajectory_kw = nested_kw(own_trajectory, other_trajectory)


def _version(w, variant):
    if variant == "own":
        return with_agreement(w, own_trajectory(w), w.coord)
    return with_agreement(w, other_trajectory(w), w.other_coord)


def version_kw(w, variant):
    return {**trajectory_kw(w, variant), "version": _version(w, variant).code}


trajectory_api_kw = api_kw(trajectory_kw, trajectory="code")


def journal_body(w):
    return {"kind": "visit", "note": "Samen gewandeld.", "visibility": "team"}


PAGES: dict[str, Row] = {
    "trajectory_list": Row(own=PARTIES, kwargs=project_kw),
    "trajectory_detail": Row(own=PARTIES, kwargs=trajectory_kw, variants=NESTED),
    "trajectory_agreement": Row(own=PARTIES, kwargs=trajectory_kw, variants=NESTED),
    "trajectory_agreement_edit": Row(own=COORD_ONLY, kwargs=trajectory_kw, variants=NESTED),
    "trajectory_status": Row(own=COORD_ONLY, kwargs=trajectory_kw, variants=NESTED),
    "trajectory_moment": Row(own=COORD_ONLY, kwargs=trajectory_kw, variants=NESTED),
    "trajectory_agreement_pdf": Row(own=PARTIES, kwargs=version_kw, variants=NESTED),
    "trajectory_goals": Row(own=PARTIES, kwargs=trajectory_kw, variants=NESTED),
    "trajectory_tasks": Row(own=PARTIES, kwargs=trajectory_kw, variants=NESTED),
    "journal_create": Row(own=WRITERS, kwargs=trajectory_kw, variants=NESTED),
    "agreement_template": Row(own=COORD_ONLY, kwargs=project_kw),
    "task_kinds": Row(own=COORD_ONLY, kwargs=project_kw),
}

ENDPOINTS: dict[tuple[str, str], Row] = {
    ("get", "/api/v1/projects/{code}/trajectories"): Row(
        own=API_PARTIES, kwargs=lambda w, v: {"code": project_kw(w, v)["project"]}
    ),
    ("get", "/api/v1/projects/{code}/trajectories/{trajectory}"): Row(
        own=API_PARTIES, kwargs=trajectory_api_kw, variants=NESTED
    ),
    ("get", "/api/v1/projects/{code}/trajectories/{trajectory}/agreement"): Row(
        own=API_PARTIES, kwargs=trajectory_api_kw, variants=NESTED
    ),
    ("get", "/api/v1/projects/{code}/trajectories/{trajectory}/goals"): Row(
        own=API_PARTIES, kwargs=trajectory_api_kw, variants=NESTED
    ),
    # The participant does not read the buddy's journal: an empty list.
    ("get", "/api/v1/projects/{code}/trajectories/{trajectory}/journal"): Row(
        own=API_PARTIES, kwargs=trajectory_api_kw, variants=NESTED
    ),
    ("post", "/api/v1/projects/{code}/trajectories/{trajectory}/journal"): Row(
        own=statuses(API_401, 403, 201, 403, 201, 403),
        kwargs=trajectory_api_kw,
        method="post",
        data=journal_body,
        json=True,
        variants=NESTED,
    ),
}
