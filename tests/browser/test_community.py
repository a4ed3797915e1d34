"""Issue 16 (from buddy to community) in a real Chromium: a coordinator finds a family
coach on the social map for a family's town and language, hands the family over with
their consent (the shared fields shown), the service accepts through its personal link
and proposes a date, and the status shows on the trajectory."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from buddynet.community.models import Handover
from buddynet.participants.models import Participant
from tests.community import factories as cf
from tests.conftest import build_world
from tests.followup import factories as ff

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def shot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"community-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path


def logout(page) -> None:
    page.goto("/accounts/logout/")
    with page.expect_navigation():
        page.locator('main form[action="/accounts/logout/"] button[type=submit]').click()


def test_a_family_is_handed_over_to_a_family_coach(
    transactional_db, page, login, events, screenshot_dir
):
    world = build_world()
    with scopes_disabled():
        trajectory = ff.trajectory(world)
        Participant.objects.filter(pk=world.own_participant.pk).update(
            languages=["ar", "nl"], postcode="9000", town="Gent", phone="0470 11 22 33"
        )
        cf.service(world.network)  # Gezinscoaching Gent: family coach, Gent, nl/fr/ar
        cf.service(
            world.network,
            name="Gezinscoaching Aalst",
            municipalities=[cf.AALST],
        )
        cf.service(
            world.network,
            name="Huis van het Kind Gent",
            kind="huis_van_het_kind",
            languages=["nl"],
        )
        cf.service(
            world.network,
            name="Taalcafé Gent",
            kind="language_classes",
            topics=["dutch_practice"],
            checked_on=cf.today() - timedelta(days=500),
        )
    person = world.own_participant
    base = f"/p/{world.project.code}/"

    # --- The coordinator, from the trajectory, to the map ------------------------------
    page.set_viewport_size(DESKTOP)
    login(world.coord)
    page.goto(f"{base}trajectories/{trajectory.code}/")
    panel = page.locator("section.community-panel")
    expect(panel).to_contain_text("Warme overdrachten")
    with page.expect_navigation():
        panel.get_by_role("link", name="Zoek een dienst op de kaart").click()
    # The family's town and language are filled in: only services in Gent speaking Arabic.
    expect(page.locator("#id_town")).to_have_value("9000")
    expect(page.locator("#id_language")).to_have_value("ar")
    page.select_option("#id_kind", "family_coach")
    with page.expect_navigation():
        page.locator("main form[role=search] button[type=submit]").click()
    cards = page.locator("li.service-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Gezinscoaching Gent")
    shot(page, screenshot_dir, "map")

    # --- The hand-over, with the consent and what is shared ----------------------------
    with page.expect_navigation():
        cards.first.get_by_role("link", name="over aan deze dienst").click()
    expect(page.locator("#id_service")).to_contain_text("Gezinscoaching Gent")
    shared = page.locator("#id_shared_fields")
    expect(shared).to_contain_text("voornaam: " + person.first_name)
    expect(shared).to_contain_text("gemeente: 9000 Gent")
    expect(shared).to_contain_text("telefoon: 0470 11 22 33")
    page.check("#id_shared_fields input[value=help_request]")
    page.fill("#id_message", "Het gezin zoekt steun bij de opvoeding en het budget.")
    shot(page, screenshot_dir, "handover-form")
    # Without the consent ticked, nothing is sent.
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("toestemming")
    page.check("#id_consent")
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("main h2")).to_contain_text("Gezinscoaching Gent")
    link = page.locator("a.service-link").get_attribute("href")
    assert "/public/community/handovers/" in link
    expect(page.locator(".shared-fields")).to_contain_text("Hulpvraag")
    shot(page, screenshot_dir, "handover-sent")
    logout(page)

    # --- The service's contact, through the personal link, on a phone ------------------
    page.set_viewport_size(PHONE)
    path = link.split("://", 1)[-1].split("/", 1)[-1]
    page.goto("/" + path)
    expect(page.locator("main h1")).to_contain_text(world.project.name)
    expect(page.locator(".shared-fields")).to_contain_text(person.first_name)
    expect(page.locator(".shared-fields")).not_to_contain_text(person.last_name)
    with page.expect_navigation():
        page.get_by_role("button", name="Aanvaarden").click()
    expect(page.locator("main")).to_contain_text("aanvaard")
    when = (timezone.localdate() + timedelta(days=6)).isoformat()
    page.fill("#id_when", f"{when}T14:30")
    page.fill("#id_propose_note", "In het Huis van het Kind, Gent-centrum")
    with page.expect_navigation():
        page.get_by_role("button", name="Stel deze datum voor").click()
    expect(page.locator(".first-meeting")).to_contain_text("14:30")
    shot(page, screenshot_dir, "service-answer-390")

    with scopes_disabled():
        handover = Handover.objects.get(participant=person)
    assert handover.status == Handover.Status.ACCEPTED
    assert timezone.localtime(handover.introduction_at).strftime("%H:%M") == "14:30"

    # --- Back on the trajectory: the status and the date --------------------------------
    page.set_viewport_size(DESKTOP)
    login(world.coord)
    page.goto(f"{base}trajectories/{trajectory.code}/")
    panel = page.locator("section.community-panel")
    expect(panel).to_contain_text("Gezinscoaching Gent")
    expect(panel).to_contain_text("aanvaard")
    expect(panel).to_contain_text("14:30")
    shot(page, screenshot_dir, "trajectory")

    # The report shows where people go.
    page.goto(f"{base}community/report/")
    expect(page.locator("main")).to_contain_text("gezinscoach")
    shot(page, screenshot_dir, "report")
