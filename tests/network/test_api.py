"""The network API: library and search scoped to the caller's place in the network;
playbook preview and adoption under the adopting project."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from buddynet.followup.models import Cadence
from buddynet.network import services
from tests import factories as f
from tests.network import factories as nf
from tests.network.test_playbooks import working_method

pytestmark = pytest.mark.django_db


def test_library_and_search(world, client_for):
    nf.item(world.network, title="Vrijwilligers werven", audience="coordinators")
    nf.item(world.network, title="Grenzen voor buddy's", audience="buddies")
    code = world.network.code
    coord = client_for(world.coord)
    assert len(coord.get(f"/api/v1/networks/{code}/library").json()) == 2
    hits = coord.get(f"/api/v1/networks/{code}/search", {"q": "werven"}).json()
    assert [h["title"] for h in hits] == ["Vrijwilligers werven"]
    assert "<mark>" in hits[0]["snippet"]
    buddy = client_for(world.buddy_user)
    assert [i["title"] for i in buddy.get(f"/api/v1/networks/{code}/library").json()] == [
        "Grenzen voor buddy's"
    ]
    assert buddy.get(f"/api/v1/networks/{code}/playbooks").status_code == 403
    other = client_for(world.other_coord)
    assert other.get(f"/api/v1/networks/{code}/library").status_code == 404


def test_preview_and_adopt(world, client_for):
    working_method(world.project)
    version = services.playbook_publish(
        project=world.project, by=world.coord, title="Draaiboek", guide="Stap 1"
    )
    coord_b = f.member(world.sibling, "project_coordinator", email="coordb3@example.be")
    with scopes_disabled():
        Cadence.objects.create(project=world.sibling, contact_every_days=50)
    client = client_for(coord_b)
    base = f"/api/v1/projects/{world.sibling.code}/playbooks/{version.playbook.code}"
    preview = {s["piece"]: s["action"] for s in client.get(f"{base}/preview").json()}
    assert preview["followup_cadence"] == "conflict"
    assert preview["volunteer_terms"] == "create"
    response = client.post(f"{base}/adopt", {"take_over": []}, content_type="application/json")
    assert response.status_code == 200
    assert "followup_cadence" in response.json()["kept"]
    with scopes_disabled():
        assert Cadence.objects.get(project=world.sibling).contact_every_days == 50
    response = client.post(
        f"{base}/adopt", {"take_over": ["followup_cadence"]}, content_type="application/json"
    )
    # Kept once, taken over later: only when asked for.
    assert "followup_cadence" in response.json()["updated"]
    with scopes_disabled():
        assert Cadence.objects.get(project=world.sibling).contact_every_days == 21
    own = client_for(world.coord).post(
        f"/api/v1/projects/{world.project.code}/playbooks/{version.playbook.code}/adopt",
        {"take_over": []},
        content_type="application/json",
    )
    assert own.status_code == 400
    assert own.json()["code"] == "own_playbook"


def test_question_page_answer_and_helped(
    world, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    question = nf.question(world.network, world.project, world.coord, title="Hoe lang wachten?")
    coord_b = f.member(world.sibling, "project_coordinator", email="coordb4@example.be")
    url = reverse("network_question", kwargs={"network": world.network.code, "code": question.code})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coord_b).post(url, {"body": "Bij ons drie maanden."})
    assert response.status_code == 302
    page = client_for(world.coord).get(url)
    assert "Bij ons drie maanden." in page.content.decode()
    assert world.sibling.name in page.content.decode()
    assert [m.to for m in mailoutbox] == [[world.coord.email]]
    answer = question.answers.get()
    helped = reverse(
        "network_answer_helped",
        kwargs={"network": world.network.code, "code": question.code, "answer": answer.code},
    )
    assert client_for(world.coord).post(helped).status_code == 302
    answer.refresh_from_db()
    assert answer.helped
