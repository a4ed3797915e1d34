"""Access-matrix rows for referral, intake, consent and the waiting list."""

from __future__ import annotations

from tests.test_access_matrix import (
    API_401,
    LOGIN,
    NESTED,
    ROLES,
    Row,
    participant_kw,
    project_kw,
    statuses,
)

COORDINATOR_ONLY = statuses(LOGIN, 403, 200, 403, 403, 403)
# POST pages answer with a redirect back to the file when allowed.
COORDINATOR_POST = statuses(LOGIN, 403, 302, 403, 403, 403)


def public_kw(w, variant):
    return {"project": (w.project if variant == "own" else w.other).code}


PAGES = {
    "waiting_list": Row(own=COORDINATOR_ONLY, kwargs=project_kw),
    "referral_create": Row(own=statuses(LOGIN, 403, 200, 200, 403, 403), kwargs=project_kw),
    "participant_intake": Row(own=COORDINATOR_ONLY, kwargs=participant_kw, variants=NESTED),
    "participant_consent": Row(own=COORDINATOR_ONLY, kwargs=participant_kw, variants=NESTED),
    "participant_contact_create": Row(own=COORDINATOR_ONLY, kwargs=participant_kw, variants=NESTED),
    "participant_offer_create": Row(own=COORDINATOR_ONLY, kwargs=participant_kw, variants=NESTED),
    "participant_withdraw": Row(own=COORDINATOR_ONLY, kwargs=participant_kw, variants=NESTED),
    "participant_waiting": Row(
        own=COORDINATOR_POST,
        kwargs=participant_kw,
        variants=NESTED,
        method="post",
        data=lambda w: {"urgency": "normal", "waiting_reason": "no_buddy"},
    ),
    # Public sign-up: anyone, for every active project.
    "public_signup": Row(
        own={role: 200 for role in ROLES},
        other={role: 200 for role in ROLES},
        kwargs=public_kw,
    ),
    "public_signup_done": Row(
        own={role: 200 for role in ROLES},
        other={role: 200 for role in ROLES},
        kwargs=public_kw,
    ),
}


def referral_body(w):
    return {
        "first_name": "Nadia",
        "last_name": "Doorverwezen",
        "phone": "0470 11 22 33",
        "postcode": "9000",
        "household_size": 3,
        "help_request": "Een gezin dat nieuw is in de stad.",
        "referrer_role": "stays",
        "person_agrees": True,
    }


ENDPOINTS = {
    ("get", "/api/v1/projects/{code}/waiting-list"): Row(
        own=statuses(API_401, 403, 200, 403, 403, 403),
        kwargs=lambda w, v: {"code": project_kw(w, v)["project"]},
    ),
    ("post", "/api/v1/projects/{code}/referrals"): Row(
        own=statuses(API_401, 403, 201, 201, 403, 403),
        kwargs=lambda w, v: {"code": project_kw(w, v)["project"]},
        method="post",
        data=referral_body,
        json=True,
    ),
    ("post", "/api/v1/projects/{code}/participants/{participant}/contacts"): Row(
        own=statuses(API_401, 403, 201, 403, 403, 403),
        kwargs=lambda w, v: {
            "code": participant_kw(w, v)["project"],
            "participant": participant_kw(w, v)["code"],
        },
        variants=NESTED,
        method="post",
        data=lambda w: {"contacted_on": "2026-11-01", "kind": "phone", "outcome": "reached"},
        json=True,
    ),
}
