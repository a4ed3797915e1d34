"""A project's team in a real Chromium (axe checks every page): the coordinator invites
a referrer, is told when an address is wrong, removes the referrer again, and cannot
remove the project's last coordinator."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from buddynet.tenancy.models import Membership, Role
from tests import factories as f
from tests.conftest import build_world

pytestmark = pytest.mark.browser


def test_a_coordinator_keeps_the_projects_team(transactional_db, page, login, screenshot_dir):
    world = build_world()
    with scopes_disabled():
        colleague = f.member(world.project, Role.PROJECT_COORDINATOR, email="an.collega@example.be")
        colleague.first_name, colleague.last_name = "An", "Collega"
        colleague.save()
        officer = f.UserFactory(email="privacy.netwerk@example.be", first_name="Petra")
        f.MembershipFactory(
            user=officer, role=Role.PRIVACY_OFFICER, network=world.network, project=None
        )
    login(world.coord)
    page.goto(f"/p/{world.project.code}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Team", exact=True).click()
    expect(page.locator("h2.h4")).to_have_text("Team")
    expect(page.locator("table tbody tr")).to_have_count(4)  # two coordinators, referrer, officer

    # A wrong address: the form comes back with what was typed.
    page.fill("input[name=email]", "nora@")
    page.fill("input[name=first_name]", "Nora")
    page.fill("input[name=last_name]", "Nieuw")
    page.get_by_label("Doorverwijzer", exact=False).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.locator("#id_email_error")).to_be_visible()
    expect(page.locator("input[name=first_name]")).to_have_value("Nora")

    page.fill("input[name=email]", "nora.nieuw@example.be")
    with page.expect_navigation():
        page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.locator(".alert-success")).to_contain_text("Nora Nieuw")
    expect(page.locator("table tbody tr")).to_have_count(5)
    assert [m.to for m in mail.outbox] == [["nora.nieuw@example.be"]]
    page.screenshot(path=str(screenshot_dir / "team.png"), full_page=True)

    # Remove Nora again.
    row = page.locator("tr", has_text="nora.nieuw@example.be")
    with page.expect_navigation():
        row.get_by_role("button").click()
    expect(page.locator(".alert-success")).to_contain_text("niet langer")
    expect(page.locator("table tbody tr")).to_have_count(4)

    # The colleague leaves; the coordinator is now the last one and cannot leave.
    with scopes_disabled():
        Membership.objects.filter(user=colleague).update(is_active=False)
    page.reload()
    own = page.locator("tr", has_text=world.coord.email)
    with page.expect_navigation():
        own.get_by_role("button").click()
    expect(page.locator(".alert-danger")).to_contain_text("laatste coördinator")
    with scopes_disabled():
        assert Membership.objects.get(user=world.coord, project=world.project).is_active
