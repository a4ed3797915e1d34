"""Access-matrix rows for impact measurement.

Only a project's coordinators plan, enter and read answers and see the outcomes; a
buddy, a professional and a participant get 403 on every impact page and endpoint (no
instrument answers). The network coordinator sees only the network comparison (with
"< 5" cells). The participant's questionnaire needs no log-in: the secret in the
address is the key, and it opens that questionnaire only.
"""

from __future__ import annotations

from django_scopes import scopes_disabled

from buddynet.impact import services
from tests import factories as f
from tests.impact import factories as imf
from tests.test_access_matrix import (
    API_401,
    LOGIN,
    NESTED,
    ROLES,
    Row,
    network_kw,
    project_kw,
    statuses,
)

COORDINATOR_ONLY = statuses(LOGIN, 403, 200, 403, 403, 403)
API_COORDINATOR_ONLY = statuses(API_401, 403, 200, 403, 403, 403)


def _trajectory(w, project, by, key):
    def make(w):
        with scopes_disabled():
            buddy = f.BuddyFactory(project=project, first_name="Imke", last_name="Impact")
            participant = f.ParticipantFactory(
                project=project, first_name="Ilse", last_name="Gemeten"
            )
        return imf.start(buddy, participant, by)

    return w.once(key, make)


def trajectory(w):
    return _trajectory(w, w.project, w.coord, "impact_trajectory")


def other_trajectory(w):
    return _trajectory(w, w.other, w.other_coord, "impact_other_trajectory")


def _nested(own, other):
    def kwargs(w, variant):
        if variant == "own":
            return {"project": w.project.code, "code": own(w).code}
        if variant == "other":
            return {"project": w.other.code, "code": other(w).code}
        return {"project": w.project.code, "code": other(w).code}

    return kwargs


trajectory_kw = _nested(trajectory, other_trajectory)
measurement_kw = _nested(
    lambda w: imf.measurement(trajectory(w)), lambda w: imf.measurement(other_trajectory(w))
)


def questionnaire_token(w) -> str:
    def make(w):
        _link, raw = services.link_create(
            measurement=imf.measurement(trajectory(w), "mid"), by=w.coord
        )
        return raw

    return w.once("impact_token", make)


def _report_run(w, project, by, key):
    return w.once(key, lambda w: imf.report_run(project, by))


report_run_kw = _nested(
    lambda w: _report_run(w, w.project, w.coord, "impact_report_run"),
    lambda w: _report_run(w, w.other, w.other_coord, "impact_other_report_run"),
)
COORDINATOR_POST = statuses(LOGIN, 403, 302, 403, 403, 403)


def _own(w, project, by, key):
    def make(w):
        return imf.own_questionnaire(project, by, {"text_nl": "Boodschappen doen", **imf.SCALE})

    return w.once(key, make)


own_kw = _nested(
    lambda w: _own(w, w.project, w.coord, "impact_own")[0],
    lambda w: _own(w, w.other, w.other_coord, "impact_other_own")[0],
)
own_question_kw = _nested(
    lambda w: _own(w, w.project, w.coord, "impact_own")[1][0],
    lambda w: _own(w, w.other, w.other_coord, "impact_other_own")[1][0],
)


def api(kwargs, **names):
    def make(w, variant):
        values = kwargs(w, variant)
        result = {"code": values["project"]}
        for name, source in names.items():
            result[name] = values[source]
        return result

    return make


PAGES = {
    "impact_home": Row(own=COORDINATOR_ONLY, kwargs=project_kw),
    "impact_plan": Row(own=COORDINATOR_ONLY, kwargs=project_kw),
    "impact_outcomes": Row(own=COORDINATOR_ONLY, kwargs=project_kw),
    "impact_report_pdf": Row(own=COORDINATOR_ONLY, kwargs=project_kw),
    "impact_report_xlsx": Row(own=COORDINATOR_ONLY, kwargs=project_kw),
    # The funder report prepared in the queue: start (a button), progress, downloads.
    "impact_report_run_start": Row(
        own=COORDINATOR_POST,
        kwargs=project_kw,
        method="post",
        data=lambda w: {"date_from": "2026-01-01", "date_to": "2026-06-30"},
    ),
    "impact_report_run": Row(own=COORDINATOR_ONLY, kwargs=report_run_kw, variants=NESTED),
    "impact_report_run_progress": Row(own=COORDINATOR_ONLY, kwargs=report_run_kw, variants=NESTED),
    "impact_report_run_pdf": Row(own=COORDINATOR_ONLY, kwargs=report_run_kw, variants=NESTED),
    "impact_report_run_xlsx": Row(own=COORDINATOR_ONLY, kwargs=report_run_kw, variants=NESTED),
    # The project's own questionnaires.
    "impact_own_list": Row(own=COORDINATOR_ONLY, kwargs=project_kw),
    "impact_own_create": Row(own=COORDINATOR_ONLY, kwargs=project_kw),
    "impact_own": Row(own=COORDINATOR_ONLY, kwargs=own_kw, variants=NESTED),
    "impact_own_question_add": Row(own=COORDINATOR_ONLY, kwargs=own_kw, variants=NESTED),
    "impact_own_question_edit": Row(own=COORDINATOR_ONLY, kwargs=own_question_kw, variants=NESTED),
    "impact_own_question_retire": Row(
        own=COORDINATOR_ONLY, kwargs=own_question_kw, variants=NESTED
    ),
    "impact_person": Row(own=COORDINATOR_ONLY, kwargs=trajectory_kw, variants=NESTED),
    "impact_plan_moments": Row(own=COORDINATOR_ONLY, kwargs=trajectory_kw, variants=NESTED),
    "impact_enter": Row(own=COORDINATOR_ONLY, kwargs=measurement_kw, variants=NESTED),
    "impact_link": Row(own=COORDINATOR_ONLY, kwargs=measurement_kw, variants=NESTED),
    # No log-in: the secret in the address is the key (the same page for everyone).
    "impact_questionnaire": Row(
        own={role: 200 for role in ROLES},
        kwargs=lambda w, v: {"token": questionnaire_token(w)},
        variants=("own",),
    ),
    "impact_network": Row(own=statuses(LOGIN, 200, 404, 404, 404, 404), kwargs=network_kw),
    "impact_network_csv": Row(own=statuses(LOGIN, 200, 404, 404, 404, 404), kwargs=network_kw),
}

ENDPOINTS = {
    ("get", "/api/v1/projects/{code}/impact/instruments"): Row(
        own=API_COORDINATOR_ONLY, kwargs=lambda w, v: {"code": project_kw(w, v)["project"]}
    ),
    ("get", "/api/v1/projects/{code}/impact/outcomes"): Row(
        own=API_COORDINATOR_ONLY, kwargs=lambda w, v: {"code": project_kw(w, v)["project"]}
    ),
    ("get", "/api/v1/projects/{code}/impact/report.xlsx"): Row(
        own=API_COORDINATOR_ONLY, kwargs=lambda w, v: {"code": project_kw(w, v)["project"]}
    ),
    ("get", "/api/v1/projects/{code}/impact/trajectories/{trajectory}/responses"): Row(
        own=API_COORDINATOR_ONLY,
        kwargs=api(trajectory_kw, trajectory="code"),
        variants=NESTED,
    ),
    ("post", "/api/v1/projects/{code}/impact/measurements/{measurement}/responses"): Row(
        own=statuses(API_401, 403, 201, 403, 403, 403),
        kwargs=api(measurement_kw, measurement="code"),
        variants=NESTED,
        method="post",
        data=lambda w: {"answers": {"who5": imf.who5(3), "djg6": imf.DJG6_NONE}},
        json=True,
    ),
    ("get", "/api/v1/networks/{code}/impact"): Row(
        own=statuses(API_401, 200, 404, 404, 404, 404),
        kwargs=lambda w, v: {"code": network_kw(w, v)["network"]},
    ),
}
