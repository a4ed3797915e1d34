"""Access-matrix rows for messages and notifications.

A conversation is read by its own people (and, on the coordinators' side, by any
coordinator of *its* project); everyone else — a coordinator of another project too —
gets a 404, as for a conversation that does not exist. A buddy-participant
conversation is not read by the coordinators unless the project's rules say so (the
default: no). The personal pages (messages, notifications) are everyone's own.
"""

from __future__ import annotations

from tests.contact import factories as cf
from tests.test_access_matrix import API_401, LOGIN, NESTED, Row, project_kw, statuses

ALL = statuses(LOGIN, 200, 200, 200, 200, 200, 200, 200)
ALL_API = statuses(API_401, 200, 200, 200, 200, 200, 200, 200)
COORDINATOR = statuses(LOGIN, 403, 200, 403, 403, 403)
# The buddy persona's conversation with project A's coordinators; "other" is project
# B's buddy's conversation with B's coordinator (who is the other coordinator).
COORDINATION = statuses(LOGIN, 404, 200, 404, 200, 404, officer=404)
PAIR_PAGE = statuses(LOGIN, 404, 404, 404, 200, 200)


def _code(own, other):
    def kwargs(w, variant):
        return {"code": (own(w) if variant == "own" else other(w)).code}

    return kwargs


conversation_kw = _code(cf.coordination, cf.other_coordination)
attachment_kw = _code(cf.photo_message, cf.other_photo_message)
report_kw = _code(cf.pair_message, cf.other_pair_message)


def _open_data(w):
    return {"kind": "pair", "target": str(cf.pair(w).trajectory.code)}


def api_project(w, variant):
    return {"code": project_kw(w, variant)["project"]}


def api_conversation(w, variant):
    own = {"code": w.project.code, "conversation": cf.coordination(w).code}
    if variant == "own":
        return own
    if variant == "other":
        return {"code": w.other.code, "conversation": cf.other_coordination(w).code}
    return {**own, "conversation": cf.other_coordination(w).code}


PAGES = {
    "contact_inbox": Row(own=ALL, kwargs=lambda w, v: {}, variants=("own",)),
    # A button: opening a conversation (refused with a message to whoever is not in it).
    "contact_open": Row(
        own=statuses(LOGIN, 302, 302, 302, 302, 302, 302, 302),
        kwargs=lambda w, v: {},
        variants=("own",),
        method="post",
        data=_open_data,
    ),
    "contact_conversation": Row(own=COORDINATION, kwargs=conversation_kw),
    "contact_live": Row(own=COORDINATION, kwargs=conversation_kw),
    "contact_attachment": Row(own=COORDINATION, kwargs=attachment_kw),
    # Reporting a message between buddy and participant: the pair only.
    "contact_report": Row(own=PAIR_PAGE, kwargs=report_kw),
    "contact_notifications": Row(own=ALL, kwargs=lambda w, v: {}, variants=("own",)),
    "contact_notification_settings": Row(own=ALL, kwargs=lambda w, v: {}, variants=("own",)),
    "contact_project": Row(own=COORDINATOR, kwargs=project_kw),
    "contact_rules": Row(own=COORDINATOR, kwargs=project_kw),
}

ENDPOINTS = {
    ("get", "/api/v1/projects/{code}/messages/conversations"): Row(
        own=statuses(API_401, 403, 200, 403, 200, 200), kwargs=api_project
    ),
    ("get", "/api/v1/projects/{code}/messages/conversations/{conversation}"): Row(
        own=statuses(API_401, 403, 200, 403, 200, 404), kwargs=api_conversation, variants=NESTED
    ),
    ("post", "/api/v1/projects/{code}/messages/conversations/{conversation}"): Row(
        own=statuses(API_401, 403, 201, 403, 201, 404),
        kwargs=api_conversation,
        variants=NESTED,
        method="post",
        data=lambda w: {"body": "Kan je volgende week?"},
        json=True,
    ),
    ("get", "/api/v1/me/notifications"): Row(
        own=ALL_API, kwargs=lambda w, v: {}, variants=("own",)
    ),
    ("post", "/api/v1/me/notifications"): Row(
        own=ALL_API,
        kwargs=lambda w, v: {},
        variants=("own",),
        method="post",
        data=lambda w: {"channels": {"message": "digest"}},
        json=True,
    ),
}
