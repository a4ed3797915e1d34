"""Access-matrix rows for the community app.

The social map is read and kept by a project's coordinators and the network
coordinator (a professional, a buddy and a participant get 403); hand-overs, transfers
and the report are for the project's coordinators only. Another network's service, or
another project's hand-over under your project's code, is a 404.

The service's answer page needs no log-in: the secret in the address is the key, and it
opens that one hand-over only while it holds: an expired link, a link after the
hand-over ended or was declined (used), another family's link under this hand-over's
code and a link after the consent was withdrawn all answer 404, for everyone.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from buddynet.community import services
from buddynet.community.models import HandoverLink
from tests import factories as f
from tests.community import factories as cf
from tests.test_access_matrix import (
    API_401,
    LOGIN,
    NESTED,
    ROLES,
    Row,
    api_kw,
    nested_kw,
    participant_kw,
    project_kw,
    statuses,
)

MAP = statuses(LOGIN, 200, 200, 403, 403, 403)
MAP_POST = statuses(LOGIN, 302, 302, 403, 403, 403)
COORD = statuses(LOGIN, 403, 200, 403, 403, 403)
COORD_POST = statuses(LOGIN, 403, 302, 403, 403, 403)
API_MAP = statuses(API_401, 200, 200, 403, 403, 403)
API_COORD = statuses(API_401, 403, 200, 403, 403, 403)
GONE = {role: 404 for role in ROLES}


def _service(w, network_attr):
    return w.once(
        f"community_service_{network_attr}",
        lambda w: cf.service(getattr(w, network_attr), name=f"Coach {network_attr}"),
    )


service_kw = nested_kw(lambda w: _service(w, "network"), lambda w: _service(w, "other_network"))


def _person(project, first_name):
    person = f.ParticipantFactory(project=project, first_name=first_name, last_name="Doorverwezen")
    cf.support(person)
    return person


def _handover(w, side):
    def make(w):
        project = w.project if side == "own" else w.other
        network = "network" if side == "own" else "other_network"
        person = _person(project, f"Hanne{side}")
        return cf.handover(person, _service(w, network), by=w.coord)

    return w.once(f"community_handover_{side}", make)


handover_kw = nested_kw(lambda w: _handover(w, "own")[0], lambda w: _handover(w, "other")[0])


def _transfer(w, side):
    def make(w):
        if side == "own":
            source, target = w.project, w.sibling
        else:
            source = w.other
            target = f.ProjectFactory(organisation__network=w.other_network, name="Project B3")
        person = _person(source, f"Tom{side}")
        return services.transfer_offer(
            participant=person, to_project=target, by=w.coord, consent_given=True
        )

    return w.once(f"community_transfer_{side}", make)


transfer_kw = nested_kw(lambda w: _transfer(w, "own"), lambda w: _transfer(w, "other"))


def _link(w, variant):
    """The service's link in each state (made once per world)."""

    def make(w):
        svc = _service(w, "network")
        handover, raw = cf.handover(_person(w.project, f"Lina{variant}"), svc, by=w.coord)
        if variant == "expired":
            HandoverLink.objects.filter(handover=handover).update(
                expires_at=timezone.now() - timedelta(minutes=1)
            )
        elif variant == "used":
            services.handover_answer(
                link=services.link_open(handover.code, raw), action="decline", reason="Vol"
            )
        elif variant == "ended":
            services.handover_set_status(
                handover=handover, by=w.coord, status="ended", note="Zelf gevonden"
            )
        elif variant == "withdrawn":
            cf.withdraw(handover.participant, by=w.coord)
        elif variant == "foreign":
            other_handover, _raw = _link_pair(w)
            return {"code": other_handover.code, "token": raw}
        return {"code": handover.code, "token": raw}

    return w.once(f"community_link_{variant}", make)


def _link_pair(w):
    return w.once(
        "community_link_pair",
        lambda w: cf.handover(
            _person(w.project, "Liesfamilie"), _service(w, "network"), by=w.coord
        ),
    )


LINK_VARIANTS = ("own", "expired", "used", "ended", "foreign", "withdrawn")
_names = itertools.count()


def _new_service(w) -> dict:
    return {
        "name": f"Vrijetijd {next(_names)}",
        "kind": "leisure",
        "languages": ["nl"],
        "municipalities": [cf.GENT],
    }


def _new_handover(w) -> dict:
    person = w.once("community_api_person", lambda w: _person(w.project, "Api"))
    return {
        "participant": str(person.code),
        "service": str(_service(w, "network").code),
        "shared_fields": ["first_name", "town"],
        "consent_given": True,
    }


def _new_transfer(w) -> dict:
    person = w.once("community_api_waiting", lambda w: _person(w.project, "Wacht"))
    return {
        "participant": str(person.code),
        "to_project": str(w.sibling.code),
        "consent_given": True,
    }


def _incoming(w, variant):
    """An offer from the sibling project to the user's project (only the receiving
    coordinator answers it)."""

    def make(w):
        person = _person(w.sibling, "Inkomend")
        return services.transfer_offer(
            participant=person, to_project=w.project, by=None, consent_given=True
        )

    transfer = w.once("community_incoming", make)
    return {"code": w.project.code, "transfer": transfer.code}


PAGES = {
    "community_map": Row(own=MAP, kwargs=project_kw),
    "community_service_add": Row(own=MAP, kwargs=project_kw),
    "community_map_import": Row(own=MAP, kwargs=project_kw),
    "community_service": Row(own=MAP, kwargs=service_kw, variants=NESTED),
    "community_service_edit": Row(own=MAP, kwargs=service_kw, variants=NESTED),
    "community_service_checked": Row(
        own=MAP_POST, kwargs=service_kw, variants=NESTED, method="post"
    ),
    "community_service_archive": Row(
        own=MAP_POST, kwargs=service_kw, variants=NESTED, method="post"
    ),
    "community_handovers": Row(own=COORD, kwargs=project_kw),
    "community_handover_new": Row(own=COORD, kwargs=participant_kw, variants=NESTED),
    "community_transfer_new": Row(own=COORD, kwargs=participant_kw, variants=NESTED),
    "community_handover": Row(own=COORD, kwargs=handover_kw, variants=NESTED),
    "community_handover_status": Row(own=COORD, kwargs=handover_kw, variants=NESTED),
    "community_handover_link": Row(
        own=COORD_POST, kwargs=handover_kw, variants=NESTED, method="post"
    ),
    "community_transfers": Row(own=COORD, kwargs=project_kw),
    "community_transfer": Row(own=COORD, kwargs=transfer_kw, variants=NESTED),
    "community_transfer_withdraw": Row(
        own=COORD_POST, kwargs=transfer_kw, variants=NESTED, method="post"
    ),
    "community_report": Row(own=COORD, kwargs=project_kw),
    # No log-in: the secret is the key, the same page for everyone while it holds.
    "community_answer": Row(
        own={role: 200 for role in ROLES},
        kwargs=lambda w, v: _link(w, v),
        variants=LINK_VARIANTS,
        by_variant={v: GONE for v in LINK_VARIANTS if v != "own"},
    ),
}

ENDPOINTS = {
    ("get", "/api/v1/projects/{code}/community/services"): Row(
        own=API_MAP, kwargs=lambda w, v: {"code": project_kw(w, v)["project"]}
    ),
    ("get", "/api/v1/projects/{code}/community/services/{service}"): Row(
        own=API_MAP, kwargs=api_kw(service_kw, service="code"), variants=NESTED
    ),
    ("post", "/api/v1/projects/{code}/community/services"): Row(
        own=statuses(API_401, 201, 201, 403, 403, 403),
        kwargs=lambda w, v: {"code": project_kw(w, v)["project"]},
        variants=("own",),
        method="post",
        data=_new_service,
        json=True,
    ),
    ("get", "/api/v1/projects/{code}/community/handovers"): Row(
        own=API_COORD, kwargs=lambda w, v: {"code": project_kw(w, v)["project"]}
    ),
    ("get", "/api/v1/projects/{code}/community/handovers/{handover}"): Row(
        own=API_COORD, kwargs=api_kw(handover_kw, handover="code"), variants=NESTED
    ),
    ("post", "/api/v1/projects/{code}/community/handovers"): Row(
        own=statuses(API_401, 403, 201, 403, 403, 403),
        kwargs=lambda w, v: {"code": project_kw(w, v)["project"]},
        variants=("own",),
        method="post",
        data=_new_handover,
        json=True,
    ),
    ("post", "/api/v1/projects/{code}/community/handovers/{handover}/status"): Row(
        own=API_COORD,
        kwargs=api_kw(handover_kw, handover="code"),
        variants=NESTED,
        method="post",
        data=lambda w: {"status": "accepted"},
        json=True,
    ),
    ("get", "/api/v1/projects/{code}/community/transfers"): Row(
        own=API_COORD, kwargs=lambda w, v: {"code": project_kw(w, v)["project"]}
    ),
    ("post", "/api/v1/projects/{code}/community/transfers"): Row(
        own=statuses(API_401, 403, 201, 403, 403, 403),
        kwargs=lambda w, v: {"code": project_kw(w, v)["project"]},
        variants=("own",),
        method="post",
        data=_new_transfer,
        json=True,
    ),
    ("post", "/api/v1/projects/{code}/community/transfers/{transfer}/decision"): Row(
        own=API_COORD,
        kwargs=_incoming,
        variants=("own",),
        method="post",
        data=lambda w: {"accept": False, "reason": "Geen plaats"},
        json=True,
    ),
}
