"""Access-matrix rows for the learning network.

The network's space (/network/<network>/...) is for its network coordinators, the
coordinators of its projects and its projects' buddies; a professional, a participant
and anyone of another network get 404 (as for a network that does not exist). Buddies
see the library and the intervisions they are invited to (403 on playbooks and
questions). Curating (adding to the library, planning intervision) is for network
coordinators; publishing, adopting and asking for project coordinators. Nothing here
opens a participant's or a buddy's file.
"""

from __future__ import annotations

from django_scopes import scopes_disabled

from buddynet.network import services
from buddynet.network.models import Answer
from tests import factories as f
from tests.network import factories as nf
from tests.test_access_matrix import (
    API_401,
    LOGIN,
    NESTED,
    Row,
    network_kw,
    project_kw,
    statuses,
)

# A privacy officer has no place in the network space: 404, like the professional.
SPACE = statuses(LOGIN, 200, 200, 404, 200, 404, officer=404)
COORDINATING = statuses(LOGIN, 200, 200, 404, 403, 404, officer=404)
CURATE = statuses(LOGIN, 200, 403, 404, 403, 404, officer=404)
TAKE_PART = statuses(LOGIN, 403, 200, 404, 403, 404, officer=404)
PROJECT_COORDINATOR = statuses(LOGIN, 403, 200, 403, 403, 403)
API_SPACE = statuses(API_401, 200, 200, 404, 200, 404, officer=404)
API_COORDINATING = statuses(API_401, 200, 200, 404, 403, 404, officer=404)


def item(w, network_attr):
    def make(w):
        return nf.item(
            getattr(w, network_attr),
            kind="clip",
            file=nf.clip_upload(),
            captions=nf.captions_upload(),
        )

    return w.once(f"network_item_{network_attr}", make)


def playbook(w, network_attr):
    def make(w):
        if network_attr == "network":
            source = w.sibling
        else:
            source = f.ProjectFactory(organisation__network=w.other_network, name="Project B2")
        return services.playbook_publish(
            project=source, by=w.coord, title="Draaiboek", guide="Stap 1"
        ).playbook

    return w.once(f"network_playbook_{network_attr}", make)


def intervision(w, network_attr):
    def make(w):
        if network_attr == "network":
            netco, people = (
                w.netco,
                [
                    (w.coord.pk, w.project.pk, False),
                    (w.buddy_user.pk, w.project.pk, True),
                ],
            )
        else:
            netco, people = w.other_coord, [(w.other_coord.pk, w.other.pk, False)]
        session = nf.intervision(getattr(w, network_attr), netco)
        services.intervision_invite(intervision=session, by=netco, people=people)
        return session

    return w.once(f"network_intervision_{network_attr}", make)


def question(w, network_attr):
    def make(w):
        if network_attr == "network":
            q = nf.question(w.network, w.project, w.coord)
            services.question_answer(question=q, project=w.sibling, by=w.netco, body="Bellen.")
        else:
            q = nf.question(w.other_network, w.other, w.other_coord)
            services.question_answer(question=q, project=w.other, by=w.other_coord, body="Ja.")
        return q

    return w.once(f"network_question_{network_attr}", make)


def event(w, network_attr):
    """An event nobody registered for yet."""

    def make(w):
        by = w.netco if network_attr == "network" else w.other_coord
        return nf.event(getattr(w, network_attr), by)

    return w.once(f"network_event_{network_attr}", make)


def registered_event(w, network_attr):
    """An event the coordinator and the buddy of project A registered for (in network
    B: its coordinator)."""

    def make(w):
        if network_attr == "network":
            found = nf.event(w.network, w.netco, title="Netwerkdag")
            services.event_register(event=found, by=w.coord, project=w.project)
            services.event_register(event=found, by=w.buddy_user, project=w.project)
        else:
            found = nf.event(w.other_network, w.other_coord, title="Netwerkdag B")
            services.event_register(event=found, by=w.other_coord, project=w.other)
        return found

    return w.once(f"network_registered_event_{network_attr}", make)


def news(w, network_attr):
    def make(w):
        by = w.netco if network_attr == "network" else w.other_coord
        return nf.news(getattr(w, network_attr), by)

    return w.once(f"network_news_{network_attr}", make)


def nested(make, name="code", project=False):
    """(own) network A + its object; (other) network B + its object; (mixed) network A
    + network B's object. With ``project``: the project instead of the network."""

    def kwargs(w, variant):
        obj = make(w, "network" if variant == "own" else "other_network")
        if project:
            where = {"project": (w.project if variant != "other" else w.other).code}
        else:
            where = {"network": (w.network if variant != "other" else w.other_network).code}
        return {**where, name: obj.code}

    return kwargs


def answer_kw(w, variant):
    q = question(w, "network" if variant == "own" else "other_network")
    with scopes_disabled():
        answer = Answer.objects.filter(question=q).first()
    where = w.network if variant != "other" else w.other_network
    return {"network": where.code, "code": q.code, "answer": answer.code}


def api(kwargs, **names):
    def make(w, variant):
        values = kwargs(w, variant)
        result = {"code": values.get("network") or values.get("project")}
        for name, source in names.items():
            result[name] = values[source]
        return result

    return make


PAGES = {
    "network_library": Row(own=SPACE, kwargs=network_kw),
    "network_item_add": Row(own=CURATE, kwargs=network_kw),
    "network_item": Row(own=SPACE, kwargs=nested(item), variants=NESTED),
    "network_item_file": Row(own=SPACE, kwargs=nested(item), variants=NESTED),
    "network_item_captions": Row(own=SPACE, kwargs=nested(item), variants=NESTED),
    "network_playbooks": Row(own=COORDINATING, kwargs=network_kw),
    "network_playbook": Row(own=COORDINATING, kwargs=nested(playbook), variants=NESTED),
    "network_intervisions": Row(own=SPACE, kwargs=network_kw),
    "network_intervision_add": Row(own=CURATE, kwargs=network_kw),
    "network_intervision": Row(own=SPACE, kwargs=nested(intervision), variants=NESTED),
    "network_intervision_invite": Row(own=CURATE, kwargs=nested(intervision), variants=NESTED),
    "network_intervision_case": Row(own=COORDINATING, kwargs=nested(intervision), variants=NESTED),
    "network_intervision_report": Row(own=CURATE, kwargs=nested(intervision), variants=NESTED),
    "network_intervision_attendance": Row(own=CURATE, kwargs=nested(intervision), variants=NESTED),
    # A reply is a post by someone invited: the others find no invitation (404).
    "network_intervision_reply": Row(
        own=statuses(LOGIN, 404, 302, 404, 302, 404, officer=404),
        kwargs=nested(intervision),
        variants=NESTED,
        method="post",
        data=lambda w: {"answer": "yes"},
    ),
    "network_questions": Row(own=COORDINATING, kwargs=network_kw),
    "network_question_ask": Row(own=TAKE_PART, kwargs=network_kw),
    "network_question": Row(own=COORDINATING, kwargs=nested(question), variants=NESTED),
    "network_answer_helped": Row(
        own=statuses(LOGIN, 403, 302, 404, 403, 404, officer=404),
        kwargs=answer_kw,
        variants=NESTED,
        method="post",
        data=lambda w: {},
    ),
    "network_project_start": Row(own=CURATE, kwargs=network_kw),
    "network_calendar": Row(own=SPACE, kwargs=network_kw),
    "network_event_add": Row(own=CURATE, kwargs=network_kw),
    "network_event": Row(own=SPACE, kwargs=nested(event), variants=NESTED),
    # Registering is for the people of the network's projects (the curator has none).
    "network_event_register": Row(
        own=statuses(LOGIN, 403, 200, 404, 200, 404, officer=404),
        kwargs=nested(event),
        variants=NESTED,
    ),
    # Cancelling: only someone with a registration finds the page.
    "network_event_cancel": Row(
        own=statuses(LOGIN, 404, 200, 404, 200, 404, officer=404),
        kwargs=nested(registered_event),
        variants=NESTED,
    ),
    "network_event_registrations": Row(
        own=CURATE, kwargs=nested(registered_event), variants=NESTED
    ),
    "network_news_add": Row(own=CURATE, kwargs=network_kw),
    "network_news": Row(own=SPACE, kwargs=nested(news), variants=NESTED),
    "network_settings": Row(own=PROJECT_COORDINATOR, kwargs=project_kw),
    "network_from_network": Row(own=PROJECT_COORDINATOR, kwargs=project_kw),
    "network_playbook_publish": Row(own=PROJECT_COORDINATOR, kwargs=project_kw),
    "network_playbook_adopt": Row(
        own=PROJECT_COORDINATOR, kwargs=nested(playbook, project=True), variants=NESTED
    ),
}

ENDPOINTS = {
    ("get", "/api/v1/networks/{code}/library"): Row(
        own=API_SPACE, kwargs=lambda w, v: {"code": network_kw(w, v)["network"]}
    ),
    ("get", "/api/v1/networks/{code}/search"): Row(
        own=API_SPACE, kwargs=lambda w, v: {"code": network_kw(w, v)["network"]}
    ),
    ("get", "/api/v1/networks/{code}/library/{item}"): Row(
        own=API_SPACE, kwargs=api(nested(item), item="code"), variants=NESTED
    ),
    ("get", "/api/v1/networks/{code}/playbooks"): Row(
        own=API_COORDINATING, kwargs=lambda w, v: {"code": network_kw(w, v)["network"]}
    ),
    ("get", "/api/v1/networks/{code}/intervisions"): Row(
        own=API_SPACE, kwargs=lambda w, v: {"code": network_kw(w, v)["network"]}
    ),
    ("get", "/api/v1/projects/{code}/playbooks/{playbook}/preview"): Row(
        own=statuses(API_401, 403, 200, 403, 403, 403),
        kwargs=api(nested(playbook, project=True), playbook="code"),
        variants=NESTED,
    ),
    ("post", "/api/v1/projects/{code}/playbooks/{playbook}/adopt"): Row(
        own=statuses(API_401, 403, 200, 403, 403, 403),
        kwargs=api(nested(playbook, project=True), playbook="code"),
        variants=NESTED,
        method="post",
        data=lambda w: {"take_over": []},
        json=True,
    ),
}
