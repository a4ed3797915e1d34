"""The tenant scope of a request is as narrow as its URL: the project in the URL on a
project's pages and endpoints, the user's projects elsewhere."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from buddynet.tenancy.access import access_for_user
from buddynet.tenancy.middleware import scope_project_ids


@pytest.fixture
def rf():
    return RequestFactory()


def test_a_project_page_is_scoped_to_that_project(world, rf):
    access = access_for_user(world.netco)  # sees both projects of the network
    assert {world.project.pk, world.sibling.pk} <= access.project_ids
    request = rf.get(f"/p/{world.project.code}/participants/")
    assert scope_project_ids(request, access) == [world.project.pk]
    assert request.url_project == world.project


def test_a_project_endpoint_is_scoped_to_that_project(world, rf):
    access = access_for_user(world.netco)
    request = rf.get(f"/api/v1/projects/{world.sibling.code}/buddies")
    assert scope_project_ids(request, access) == [world.sibling.pk]


def test_a_project_the_user_may_not_see_gives_an_empty_scope(world, rf):
    access = access_for_user(world.coord)
    for path in (f"/p/{world.other.code}/", "/p/not-a-code/", "/api/v1/projects/x/buddies"):
        request = rf.get(path)
        assert scope_project_ids(request, access) == []
        assert not hasattr(request, "url_project")


def test_pages_outside_a_project_see_all_the_users_projects(world, rf):
    access = access_for_user(world.netco)
    for path in ("/", f"/network/{world.network.code}/", "/api/v1/projects"):
        assert scope_project_ids(rf.get(path), access) == sorted(access.project_ids)


def test_a_project_page_reuses_the_project_the_middleware_resolved(world, client_for):
    client = client_for(world.coord)
    response = client.get(f"/p/{world.project.code}/")
    assert response.status_code == 200
    assert response.wsgi_request.url_project == world.project
