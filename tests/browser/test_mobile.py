"""On a cheap phone (390 px wide) no page scrolls sideways."""

from __future__ import annotations

import pytest

from tests.conftest import build_world

# Page widths: the same on either database.
pytestmark = pytest.mark.one_database

PHONE = {"width": 390, "height": 800}


@pytest.mark.parametrize("role", ["project_coordinator", "buddy"])
def test_no_page_is_wider_than_a_phone(transactional_db, page, login, role):
    world = build_world()
    page.set_viewport_size(PHONE)
    login(world.user(role))
    project = f"/p/{world.project.code}"
    if role == "buddy":
        paths = ["/", f"{project}/", f"{project}/me/buddy/", f"{project}/me/buddy/edit/"]
    else:
        participant = f"{project}/participants/{world.participant.code}"
        paths = [
            "/",
            f"{project}/participants/",
            f"{project}/waiting-list/",
            f"{participant}/",
            f"{participant}/intake/",
            f"{participant}/consent/",
            f"{project}/participants/refer/",
            f"{project}/buddies/board/",
            f"{project}/buddies/{world.buddy.code}/",
            f"{project}/buddies/pool/",
            f"{project}/settings/",
        ]
    too_wide = []
    for path in paths:
        response = page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/")[2] + path)
        assert response is not None and response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"] + 2:
            too_wide.append(f"{path}: {width}px")
    assert not too_wide, too_wide
