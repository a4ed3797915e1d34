"""The audit log records changes and views of sensitive records; forms keep bad input."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from buddynet.core.models import AuditEntry
from tests import factories as f


def test_viewing_a_participant_is_logged_and_shown_in_its_history(world, client_for):
    client = client_for(world.coord)
    url = f"/p/{world.project.code}/participants/{world.participant.code}/"
    response = client.get(url)
    assert response.status_code == 200
    entry = AuditEntry.unscoped.get(action="participant.viewed")
    assert entry.actor == world.coord
    assert entry.object_code == world.participant.code
    assert entry.project == world.project
    # The history on the record shows it (the view itself is the newest entry).
    again = client.get(url).content.decode()
    assert "participant.viewed" in again
    assert world.coord.email in again


def test_a_referrer_sees_no_history_and_no_special_category_data(world, client_for):
    body = (
        client_for(world.prof)
        .get(f"/p/{world.project.code}/participants/{world.participant.code}/")
        .content.decode()
    )
    assert "Geheime gezondheidsinfo" not in body
    assert "participant.viewed" not in body
    coord_body = (
        client_for(world.coord)
        .get(f"/p/{world.project.code}/participants/{world.participant.code}/")
        .content.decode()
    )
    assert "Geheime gezondheidsinfo" in coord_body


def test_buddy_contact_details_only_for_coordinators(world, client_for):
    body = (
        client_for(world.coord)
        .get(f"/p/{world.project.code}/buddies/{world.buddy.code}/")
        .content.decode()
    )
    assert world.buddy.email in body
    assert AuditEntry.unscoped.filter(action="buddy.viewed", actor=world.coord).exists()
    api = client_for(world.coord).get(
        f"/api/v1/projects/{world.project.code}/buddies/{world.buddy.code}"
    )
    assert api.json()["email"] == world.buddy.email
    assert AuditEntry.unscoped.filter(action="buddy.viewed", via="api").exists()


def test_project_settings_change_is_audited_with_old_and_new(world, client_for):
    client = client_for(world.coord)
    url = f"/p/{world.project.code}/settings/"
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data["require_coordinator_2fa"] = ""  # unchecked
    data["target_group"] = "jonge moeders"
    response = client.post(url, data)
    assert response.status_code == 302
    entry = AuditEntry.unscoped.get(action="project.changed")
    assert entry.data["target_group"] == {"old": "eenzame ouderen", "new": "jonge moeders"}
    history = client.get(f"/p/{world.project.code}/history/").content.decode()
    assert "project.changed" in history


def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(world, client_for):
    client = client_for(world.coord)
    url = f"/p/{world.project.code}/settings/"
    response = client.post(
        url,
        {
            "name": "",
            "target_group": "mensen met dementie en hun mantelzorgers",
            "contact_email": "not-an-address",
            "town": "Gent",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "error-summary" in body
    assert "mensen met dementie en hun mantelzorgers" in body  # nothing lost
    assert 'href="#id_name"' in body and 'href="#id_contact_email"' in body
    assert 'aria-invalid="true"' in body
    with scopes_disabled():
        world.project.refresh_from_db()
    assert world.project.target_group == "eenzame ouderen"
    assert not AuditEntry.unscoped.filter(action="project.changed").exists()


def test_api_token_form_rejects_an_empty_name(world, client_for):
    response = client_for(world.coord).post("/me/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_do_a_constant_number_of_queries(world, client_for):
    client = client_for(world.coord)
    pages = [
        f"/p/{world.project.code}/participants/",
        f"/p/{world.project.code}/buddies/",
        f"/p/{world.project.code}/history/",
        "/",
    ]
    before = {url: _count_queries(client, url) for url in pages}
    with scopes_disabled():
        for _ in range(30):
            f.ParticipantFactory(project=world.project, referred_by=world.prof)
            f.BuddyFactory(project=world.project)
        for project in (world.sibling, world.other):
            f.ParticipantFactory.create_batch(5, project=project)
    for url in pages:
        client.get(url)  # every page view writes audit entries: let them exist
    after = {url: _count_queries(client, url) for url in pages}
    assert after == before


def test_network_dashboard_queries_do_not_grow_with_projects(world, client_for):
    client = client_for(world.netco)
    before = _count_queries(client, "/")
    net_before = _count_queries(client, f"/network/{world.network.code}/")
    with scopes_disabled():
        for _ in range(4):
            project = f.ProjectFactory(organisation=world.project.organisation)
            f.ParticipantFactory.create_batch(3, project=project)
            f.BuddyFactory.create_batch(2, project=project)
    assert _count_queries(client, "/") == before
    assert _count_queries(client, f"/network/{world.network.code}/") == net_before


def test_a_refused_project_settings_form_keeps_the_project_heading(world, client_for):
    client = client_for(world.coord)
    url = f"/p/{world.project.code}/settings/"
    response = client.post(url, {"name": "Getypte naam", "target_group": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Getypte naam"' in body  # what was typed is kept in the form
    assert '<h1 class="h2">Project A</h1>' in body  # the heading is still the project's


def test_saving_the_project_settings_twice_changes_once(world):
    from buddynet.core.models import AuditEntry
    from buddynet.tenancy.services import project_update

    for _ in range(2):
        project_update(project=world.project, user=world.coord, data={"town": "Aalst"})
    assert AuditEntry.unscoped.filter(action="project.changed").count() == 1
