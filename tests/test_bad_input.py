"""Bad input anywhere gets a clear message or a 4xx, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.test_access_matrix import ENDPOINTS, PAGES

# Each request carries several kinds of junk at once (every page reads a few of these
# parameters at most): three requests a page instead of one a value, and every value is
# still sent to every page.
JUNK_QUERIES = [
    {"page": "abc", "status": "nonsense", "q": "x" * 5000, "limit": "-5"},
    {"page": "999999", "q": "'; DROP TABLE participants_participant; --", "limit": "1e9"},
    {"page": "-1", "q": "\x00", "status": "", "limit": ""},
]


@pytest.mark.parametrize("role", ["project_coordinator", "professional", "network_coordinator"])
def test_junk_query_strings_never_break_a_page(role, world, client_for):
    client = client_for(world.user(role))
    for name, row in PAGES.items():
        url = reverse(name, kwargs=row.kwargs(world, "own"))
        for params in JUNK_QUERIES:
            response = client.get(url, params)
            assert response.status_code < 500, (name, params, response.status_code)
    for (method, template), row in ENDPOINTS.items():
        if method != "get":
            continue  # writes get their own bad-input tests
        url = template.format(**row.kwargs(world, "own"))
        for params in JUNK_QUERIES:
            response = client.get(url, params)
            assert response.status_code < 500, (url, params, response.status_code)
            if response.status_code >= 400:
                assert response.json()["detail"], (url, params)


def test_junk_posts_never_break_a_form(world, client_for):
    client = client_for(world.coord)
    junk = {"name": "x\x00" * 5000, "contact_email": "@@", "require_coordinator_2fa": "maybe"}
    for url in (f"/p/{world.project.code}/settings/", "/me/tokens/"):
        response = client.post(url, junk)
        assert response.status_code in (200, 302, 400), url
    # A POST to a read-only page is refused politely.
    assert client.post(f"/p/{world.project.code}/participants/").status_code == 405


def test_api_write_methods_are_refused_with_a_reason(world, client_for):
    client = client_for(world.coord)
    url = f"/api/v1/projects/{world.project.code}"
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(url, data="{not json", content_type="application/json")
        assert 400 <= response.status_code < 500, (method, response.status_code)


def test_unknown_urls_get_a_friendly_404(world, client_for):
    response = client_for(world.coord).get("/does/not/exist/")
    assert response.status_code == 404
    assert "lead" in response.content.decode()  # our page, not a bare error
