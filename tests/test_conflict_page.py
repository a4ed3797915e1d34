"""The second line against double submissions: a web form POST that meets a unique
constraint answers a 409 page in the reader's language, never a 500."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.http import HttpResponse
from django.urls import path

from buddynet import urls as site_urls


def _duplicate(request):
    if request.method == "POST":
        raise IntegrityError("UNIQUE constraint failed: demo.code")
    return HttpResponse("form")


def _broken(request):
    raise ValueError("a real bug")


urlpatterns = [
    path("test/duplicate/", _duplicate),
    path("test/broken/", _broken),
    *site_urls.urlpatterns,
]

pytestmark = pytest.mark.urls(__name__)


@pytest.mark.parametrize(
    ("language", "heading"), [("nl", "Dit was al gedaan"), ("en", "This was already done")]
)
def test_a_duplicate_form_post_answers_409_in_both_languages(world, client_for, language, heading):
    client = client_for(world.coord)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    response = client.post("/test/duplicate/", {"x": "1"})
    assert response.status_code == 409
    body = response.content.decode()
    assert heading in body
    assert f'<html lang="{language}">' in body


def test_anonymous_public_forms_get_the_409_page_too(db, client):
    response = client.post("/test/duplicate/", {"x": "1"})
    assert response.status_code == 409
    assert "Dit was al gedaan" in response.content.decode()


def test_other_errors_and_other_methods_are_not_hidden(world, client_for):
    client = client_for(world.coord)
    with pytest.raises(ValueError, match="a real bug"):
        client.post("/test/broken/")
    assert client.get("/test/duplicate/").status_code == 200
