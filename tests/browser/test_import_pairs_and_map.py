"""Issue 18 (import) in a real Chromium, for the kinds beside people: a coordinator
imports running trajectories (pairs of people already in the project) and services of
the social map from CSV files. The columns are proposed from Dutch names, the dry run
lists the refused rows with their reasons, the commit writes the good rows, and the same
file again is all "unchanged"."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from buddynet.community.models import Service
from buddynet.trajectories.models import Trajectory
from tests import factories as f
from tests.browser.test_import import shot
from tests.conftest import build_world

pytestmark = pytest.mark.browser

PAIRS = (
    "Buddy;Deelnemer;Startdatum;Status;Datum overeenkomst\n"
    "b1@example.be;p1@example.be;03/02/2025;lopend;10/02/2025\n"
    "b2@example.be;p2@example.be;01/03/2025;;\n"
    "niemand@example.be;p2@example.be;01/03/2025;;\n"
    "b1@example.be;p1@example.be;05/05/2025;;\n"
)
MAP = (
    "Naam;Organisatie;Noden;Talen;Gemeenten\n"
    "Schuldhulp;CAW;budget;Nederlands, Frans;9000\n"
    "Nergens;Org;;;Atlantis\n"
)


def upload(page, base: str, kind: str, name: str, body: str) -> None:
    page.goto(base)
    page.check(f"input[name=kind][value={kind}]")
    page.set_input_files(
        "#id_file", {"name": name, "mimeType": "text/csv", "buffer": body.encode()}
    )
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_url("**/columns/")


def to_dry_run(page) -> None:
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()


def test_a_coordinator_imports_running_pairs_and_the_social_map(
    transactional_db, page, login, screenshot_dir
):
    world = build_world()
    with scopes_disabled():
        for n in (1, 2):
            f.BuddyFactory(project=world.project, email=f"b{n}@example.be")
            f.ParticipantFactory(project=world.project, email=f"p{n}@example.be")
    base = f"/p/{world.project.code}/imports/"
    login(world.coord)

    upload(page, base, "trajectories", "trajecten.csv", PAIRS)
    expect(page.locator("#id_buddy")).to_have_value("Buddy")
    expect(page.locator("#id_agreed_on")).to_have_value("Datum overeenkomst")
    expect(page.get_by_label("Overeenkomst ondertekend op")).to_have_count(1)
    shot(page, screenshot_dir, "pairs-columns")
    to_dry_run(page)
    refused = page.locator("#refused-rows tbody tr")
    expect(refused).to_have_count(2)
    expect(refused.nth(0)).to_contain_text("niemand@example.be")
    expect(refused.nth(1)).to_contain_text("rij 2")
    expect(page.locator("#import-rows tbody tr")).to_have_count(2)
    shot(page, screenshot_dir, "pairs-dry-run")
    with page.expect_navigation():
        page.get_by_role("button", name="2 rijen importeren").click()
    expect(page.locator("#import-result")).to_contain_text("2 aangemaakt")
    shot(page, screenshot_dir, "pairs-done")
    with scopes_disabled():
        made = Trajectory.objects.filter(project=world.project)
        assert sorted(made.values_list("status", flat=True)) == ["active", "starting"]

    cache.clear()  # "later": not a repeated request
    upload(page, base, "trajectories", "trajecten.csv", PAIRS)
    to_dry_run(page)
    expect(page.locator("#import-rows")).to_contain_text("ongewijzigd")
    expect(page.get_by_role("button", name="importeren")).to_have_count(0)

    cache.clear()
    upload(page, base, "services", "kaart.csv", MAP)
    expect(page.locator("#id_municipalities")).to_have_value("Gemeenten")
    shot(page, screenshot_dir, "map-columns")
    to_dry_run(page)
    expect(page.locator("#refused-rows tbody tr")).to_contain_text("Atlantis")
    shot(page, screenshot_dir, "map-dry-run")
    with page.expect_navigation():
        page.get_by_role("button", name="1 rij importeren").click()
    expect(page.locator("#import-result")).to_contain_text("1 aangemaakt")
    with scopes_disabled():
        assert Service.objects.get(network=world.network).languages == ["fr", "nl"]
