"""Access-matrix rows for expenses and insurance.

A buddy files and sees only their own claims (another's claim is 404); a professional
and a participant get 403 everywhere; a project coordinator approves, pays and keeps the
named list; a network coordinator sees only the totals page and endpoint (no names).
"""

from __future__ import annotations

from tests.expenses import factories as ef
from tests.test_access_matrix import (
    API_401,
    LOGIN,
    NESTED,
    Row,
    buddy_kw,
    project_kw,
    statuses,
)

COORDINATOR = statuses(LOGIN, 403, 200, 403, 403, 403)
BUDDY = statuses(LOGIN, 403, 403, 403, 200, 403)
BUDDY_OR_COORDINATOR = statuses(LOGIN, 403, 200, 403, 200, 403)
TOTALS = statuses(LOGIN, 200, 200, 403, 403, 403)
API_COORDINATOR = statuses(API_401, 403, 200, 403, 403, 403)
STAFF = statuses(LOGIN, 403, 403, 403, 403, 403, other_coord=403, superuser=200)


def no_kw(w, variant):
    return {}


def _nested(own, other):
    def kwargs(w, variant):
        if variant == "own":
            return {"project": w.project.code, "code": own(w).code}
        if variant == "other":
            return {"project": w.other.code, "code": other(w).code}
        return {"project": w.project.code, "code": other(w).code}

    return kwargs


claim_kw = _nested(ef.own_claim, ef.other_claim)
batch_kw = _nested(ef.batch, lambda w: ef.batch(w, other=True))
incident_kw = _nested(ef.incident, lambda w: ef.incident(w, other=True))


def batch_file_kw(w, variant):
    return {**batch_kw(w, variant), "kind": "xml"}


def named_list_kw(w, variant):
    return {**project_kw(w, variant), "year": 2026, "kind": "xlsx"}


def statement_kw(w, variant):
    return {**project_kw(w, variant), "year": 2026}


def review_kw(w, variant):
    """The project, with the buddy persona's claim waiting for approval."""
    ef.own_claim(w)
    return project_kw(w, variant)


def api_project(w, variant):
    return {"code": project_kw(w, variant)["project"]}


def _decide_data(w):
    return {"claims": [str(ef.own_claim(w).code)], "approve": True}


def _batch_data(w):
    ef.ready_to_pay(w)
    ef.ready_to_pay(w, other=True)
    return {"execution_date": "2026-03-02"}


PAGES = {
    "expenses_mine": Row(own=BUDDY, kwargs=project_kw),
    "expenses_claim_new": Row(own=BUDDY, kwargs=project_kw),
    "expenses_account": Row(own=BUDDY, kwargs=project_kw),
    "expenses_statement": Row(own=BUDDY, kwargs=statement_kw),
    # One tap: the same claim again today (only one's own claims).
    "expenses_claim_repeat": Row(
        own=statuses(LOGIN, 403, 403, 403, 302, 403),
        kwargs=claim_kw,
        variants=NESTED,
        method="post",
        data=lambda w: {},
    ),
    "expenses_receipt": Row(own=BUDDY_OR_COORDINATOR, kwargs=claim_kw, variants=NESTED),
    "expenses_claim_correct": Row(own=COORDINATOR, kwargs=claim_kw, variants=NESTED),
    "expenses_review": Row(own=COORDINATOR, kwargs=review_kw),
    "expenses_buddy": Row(own=COORDINATOR, kwargs=buddy_kw, variants=NESTED),
    "expenses_system": Row(own=COORDINATOR, kwargs=buddy_kw, variants=NESTED),
    "expenses_elsewhere": Row(own=COORDINATOR, kwargs=buddy_kw, variants=NESTED),
    "expenses_batches": Row(own=COORDINATOR, kwargs=project_kw),
    "expenses_batch_file": Row(own=COORDINATOR, kwargs=batch_file_kw, variants=NESTED),
    "expenses_payer": Row(own=COORDINATOR, kwargs=project_kw),
    "expenses_named_list": Row(own=COORDINATOR, kwargs=project_kw),
    "expenses_named_list_file": Row(own=COORDINATOR, kwargs=named_list_kw),
    "expenses_rates": Row(own=COORDINATOR, kwargs=project_kw),
    # The figures of the law are national: only platform staff add them, outside any
    # project (a coordinator reads them on the project's rates page).
    "expenses_platform_rates": Row(own=STAFF, kwargs=no_kw, variants=("own",)),
    "expenses_ceiling_add": Row(own=STAFF, kwargs=no_kw, variants=("own",)),
    "expenses_km_rate_add": Row(own=STAFF, kwargs=no_kw, variants=("own",)),
    "expenses_totals": Row(own=TOTALS, kwargs=project_kw),
    "expenses_insurance": Row(own=COORDINATOR, kwargs=project_kw),
    "expenses_policy_add": Row(own=COORDINATOR, kwargs=project_kw),
    "expenses_incident_add": Row(own=COORDINATOR, kwargs=project_kw),
    "expenses_incident": Row(own=COORDINATOR, kwargs=incident_kw, variants=NESTED),
}

ENDPOINTS = {
    ("get", "/api/v1/projects/{code}/expenses/claims"): Row(
        own=statuses(API_401, 403, 200, 403, 200, 403), kwargs=api_project
    ),
    ("post", "/api/v1/projects/{code}/expenses/claims"): Row(
        own=statuses(API_401, 403, 403, 403, 201, 403),
        kwargs=api_project,
        method="post",
        data=lambda w: (
            ef.figures()
            or {
                "on": "2026-03-05",
                "kind": "flat_day",
                "amount": "10.00",
                "activity": "Vorming",
            }
        ),
        json=True,
    ),
    ("post", "/api/v1/projects/{code}/expenses/claims/decide"): Row(
        own=API_COORDINATOR, kwargs=api_project, method="post", data=_decide_data, json=True
    ),
    ("get", "/api/v1/projects/{code}/expenses/batches"): Row(
        own=API_COORDINATOR, kwargs=api_project
    ),
    ("post", "/api/v1/projects/{code}/expenses/batches"): Row(
        own=statuses(API_401, 403, 201, 403, 403, 403),
        kwargs=api_project,
        method="post",
        data=_batch_data,
        json=True,
    ),
    ("get", "/api/v1/projects/{code}/expenses/named-list/{year}"): Row(
        own=API_COORDINATOR, kwargs=lambda w, v: {**api_project(w, v), "year": 2026}
    ),
    ("get", "/api/v1/projects/{code}/expenses/totals"): Row(
        own=statuses(API_401, 200, 200, 403, 403, 403), kwargs=api_project
    ),
}
