"""The project's privacy oversight in a real Chromium (axe checks every page): the
register of processing, who looked at what with an alert on many files opened, the
retention terms with the files expiring soon, and the terms' form."""

from __future__ import annotations

import datetime

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from buddynet.core import clock
from buddynet.participants.models import Participant
from buddynet.privacy import lookups, retention
from tests import factories as f
from tests.conftest import build_world

pytestmark = pytest.mark.browser


def shot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"privacy-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path


def test_a_coordinator_reviews_the_projects_privacy(transactional_db, page, login, screenshot_dir):
    world = build_world()
    today = clock.today()
    with scopes_disabled():
        retention.settings_update(
            project=world.project,
            by=world.coord,
            participant_months=24,
            buddy_months=24,
            alert_files=5,
            alert_minutes=10,
        )
        for i in range(6):
            person = f.ParticipantFactory(
                project=world.project,
                first_name=f"Anna{i}",
                last_name="Afgesloten",
                status=Participant.Status.CLOSED,
                closed_on=retention.months_before(today, 24) + datetime.timedelta(days=i * 5),
            )
            person.log_action("participant.viewed", user=world.prof)
        assert len(lookups.lookups_watch()) == 1
    base = f"/p/{world.project.code}/privacy/"
    login(world.coord)

    page.goto(base + "register/")
    expect(page.locator("h2.h4")).to_contain_text("Register van verwerkingsactiviteiten")
    expect(page.locator(".alert-warning")).to_contain_text("6")
    shot(page, screenshot_dir, "register")

    page.goto(base + "looked/")
    expect(page.locator("table tbody tr")).to_have_count(6)
    shot(page, screenshot_dir, "looked")
    page.select_option("#id_reader", str(world.coord.code))
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()
    expect(page.locator("table")).to_have_count(0)

    page.goto(base + "retention/")
    expect(page.locator("table tbody tr")).to_have_count(6)
    shot(page, screenshot_dir, "retention")
    page.goto(base + "retention/edit/")
    page.fill("#id_participant_months", "0")
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()
    expect(page.locator("#id_participant_months")).to_have_value("0")
    shot(page, screenshot_dir, "retention-edit-error")
    page.fill("#id_participant_months", "12")
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("12")
