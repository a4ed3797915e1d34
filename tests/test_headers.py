"""Permissions-Policy on every response; no-store on everything personal (pages of a
logged-in person, the API, PDFs); static files keep their caching."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from buddynet.accounts.services import api_token_create
from buddynet.core.headers import SecurityHeadersMiddleware


def no_store(response) -> bool:
    parts = {p.strip() for p in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= parts


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/api/v1/me", "/healthz"])
def test_permissions_policy_is_sent(world, client_for, settings, path):
    for user in (None, world.coord):
        response = client_for(user).get(path)
        assert response["Permissions-Policy"] == settings.PERMISSIONS_POLICY, (path, user)
    assert "camera=()" in settings.PERMISSIONS_POLICY


def test_every_page_of_a_logged_in_person_is_not_stored(world, client_for):
    client = client_for(world.coord)
    for path in (
        "/",
        f"/p/{world.project.code}/",
        f"/p/{world.project.code}/participants/",
        f"/p/{world.project.code}/participants/{world.participant.code}/",
        "/me/tokens/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert no_store(response), (path, response.get("Cache-Control"))


def test_api_answers_are_not_stored_by_session_token_or_anonymous(world, client_for):
    _token, raw = api_token_create(user=world.prof, name="x")
    client = client_for(None)
    assert no_store(client.get("/api/v1/me"))  # 401
    response = client.get(
        f"/api/v1/projects/{world.project.code}/participants", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200
    assert no_store(response)
    assert no_store(client_for(world.coord).get("/api/v1/me"))


def _through_middleware(request, response):
    return SecurityHeadersMiddleware(lambda r: response)(request)


def test_a_pdf_is_not_stored_even_without_a_session(db):
    request = RequestFactory().get("/public/some.pdf")
    request.user = AnonymousUser()
    response = _through_middleware(
        request, HttpResponse(b"%PDF-1.7", content_type="application/pdf")
    )
    assert no_store(response)


def test_a_view_that_chose_its_caching_keeps_it(world):
    request = RequestFactory().get("/feed.ics")
    request.user = world.coord
    chosen = HttpResponse(b"x")
    chosen["Cache-Control"] = "private, max-age=300"
    assert _through_middleware(request, chosen)["Cache-Control"] == "private, max-age=300"


def test_anonymous_public_pages_and_static_files_are_left_alone(world, client):
    assert not no_store(client.get("/healthz"))
    static = client.get("/static/buddynet/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
