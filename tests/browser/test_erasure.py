"""Erasure in a real Chromium: from the participant's file the coordinator opens the dry
run (what will change, what is kept), must tick that it cannot be undone, erases, and
the file then says "erased"."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from buddynet.participants.models import Participant
from tests.conftest import build_world

pytestmark = pytest.mark.browser


def nl(message: str) -> str:
    with translation.override("nl"):
        return translation.gettext(message)


def test_the_coordinator_erases_a_participant_after_the_dry_run(
    transactional_db, page, login, screenshot_dir
):
    world = build_world()
    p = world.participant
    login(world.coord)
    detail = f"/p/{world.project.code}/participants/{p.code}/"
    page.goto(detail)
    with page.expect_navigation():
        page.get_by_role("link", name=nl("Erase this person")).click()
    expect(page.locator("main")).to_contain_text(nl("What will change"))
    expect(page.locator("main")).to_contain_text(nl("What is kept, and why"))
    page.screenshot(path=str(screenshot_dir / "privacy-erase-dry-run.png"), full_page=True)
    page.fill("input[name=reason]", "vroeg om wissing")
    # Without the tick: the same page (400), what was typed kept, nothing erased.
    with page.expect_navigation():
        page.get_by_role("button", name=nl("Erase for good")).click()
    expect(page.locator("input[name=reason]")).to_have_value("vroeg om wissing")
    with scopes_disabled():
        assert Participant.objects.get(pk=p.pk).erased_at is None
    page.check("input[name=understood]")
    with page.expect_navigation():
        page.get_by_role("button", name=nl("Erase for good")).click()
    assert page.url.endswith(detail)
    expect(page.locator("main")).to_contain_text(nl("erased person"))
    page.screenshot(path=str(screenshot_dir / "privacy-erased-file.png"), full_page=True)
    with scopes_disabled():
        assert Participant.objects.get(pk=p.pk).erased_at is not None
