"""Issue 6 (part 1) in a real Chromium: a trajectory from an accepted match to an active
trajectory with a signed agreement, a journal written on a phone, and a goal that moves.

The coordinator writes the agreement; the buddy signs as themself; the participant signs
on the coordinator's device; the professional signs; the coordinator signs for the
project and the trajectory becomes active. The buddy writes a journal entry on a 390 px
phone; the professional sees the shared entry but not the coordinator-only one; a goal
moves a level and the chart shows it. Every new page is photographed on a desktop and on
a phone.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from buddynet.trajectories import services
from buddynet.trajectories.models import Goal, JournalEntry, Trajectory
from tests.conftest import build_world
from tests.factories import share_with_referrer

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHARED_NOTE = "Samen naar de markt gewandeld, ze betaalde zelf aan de kassa."
COORD_NOTE = "Vertrouwelijk: de buddy twijfelt of hij het nog aankan."


def shot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"trajectories-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path


def logout(page) -> None:
    page.goto("/accounts/logout/")
    with page.expect_navigation():
        page.locator('main form[action="/accounts/logout/"] button[type=submit]').click()


def submit(page, form_selector: str = "main form[method=post]") -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()


def tap(page, name: str, value: str) -> None:
    """Tap the big tile of a radio choice (the input itself is visually hidden)."""
    radio_id = page.locator(f"input[name={name}][value='{value}']").get_attribute("id")
    page.locator(f"label[for={radio_id}]").click()


def no_sideways_scroll(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def sign(page, name: str, party: str | None = None) -> None:
    if party is not None:
        choice = page.locator(f"#sign-form input[name=party][value={party}]")
        if choice.get_attribute("type") == "radio":
            choice.check()
    page.fill("#id_signed_name", name)
    submit(page, "#sign-form")
    expect(page.locator(".messages .alert-success")).to_be_visible()


def status_of(trajectory) -> str:
    with scopes_disabled():
        return Trajectory.objects.get(pk=trajectory.pk).status


def test_trajectory_from_match_to_signed_agreement_journal_and_goals(
    transactional_db, page, login, events, screenshot_dir
):
    world = build_world()
    with scopes_disabled():
        # Both said yes after the introduction: the matching app starts the trajectory.
        trajectory = services.trajectory_start(
            buddy=world.buddy, participant=world.participant, by=world.coord
        )
        # At intake Pieter agreed that his social worker follows his progress.
        share_with_referrer(world.participant, by=world.coord)
    assert trajectory.professional_id == world.prof.pk  # the referrer
    base = f"/p/{world.project.code}/trajectories/{trajectory.code}/"

    # -- The coordinator writes the agreement ----------------------------------------
    login(world.coord)
    page.goto(f"/p/{world.project.code}/trajectories/")
    expect(page.locator("main table")).to_contain_text("Bram Buddyman")
    shot(page, screenshot_dir, "list")
    page.locator(f"main a[href='{base}']").first.click()
    page.wait_for_url(f"**{base}")
    page.locator(f"main a[href='{base}agreement/edit/']").first.click()
    page.wait_for_url(f"**{base}agreement/edit/")
    # The template's defaults are there: what the buddy does not do, as a list.
    assert "geen geld lenen" in page.input_value("#id_buddy_does_not")
    page.fill("#id_purpose", "Pieter leert de stad kennen en gaat opnieuw zelf boodschappen doen.")
    shot(page, screenshot_dir, "agreement-edit")
    submit(page)
    page.wait_for_url(f"**{base}agreement/")
    expect(page.locator("#agreement-text")).to_contain_text("opnieuw zelf boodschappen doen")
    expect(page.locator("#agreement-text")).to_contain_text("Wat de buddy niet doet")
    logout(page)

    # -- The buddy signs as themself ---------------------------------------------------
    login(world.buddy_user)
    page.locator(f"main a[href='{base}agreement/']").first.click()  # the to-do on the dashboard
    page.wait_for_url(f"**{base}agreement/")
    shot(page, screenshot_dir, "agreement-sign")
    sign(page, "Bram Buddyman")
    expect(page.locator("#sign-form")).to_have_count(0)  # nothing left to sign for them
    logout(page)

    # -- The participant signs on the coordinator's device, the professional signs -----
    login(world.coord)
    page.goto(base + "agreement/")
    sign(page, "Pieter Verwezen", party="participant")
    logout(page)
    login(world.prof)
    page.goto(base + "agreement/")
    sign(page, "Petra Professional")
    assert status_of(trajectory) == Trajectory.Status.STARTING
    logout(page)

    # -- The coordinator signs for the project: the trajectory is active ---------------
    login(world.coord)
    page.goto(base + "agreement/")
    sign(page, "Coco Ordinator", party="coordinator")
    assert status_of(trajectory) == Trajectory.Status.ACTIVE
    expect(page.locator("main h2 .badge")).to_contain_text("actief")
    expect(page.locator("main")).to_contain_text("op het toestel van")
    shot(page, screenshot_dir, "agreement-signed")
    # The signed PDF downloads.
    with page.expect_download() as download:
        page.locator("main a[href$='.pdf']").first.click()
    assert download.value.suggested_filename.endswith(".pdf")

    # The coordinator writes a coordinator-only note, a goal and the role division.
    page.goto(base + "journal/new/")
    tap(page, "kind", "phone")
    page.fill("#id_note", COORD_NOTE)
    tap(page, "visibility", "coordinator")
    submit(page)
    page.goto(base + "goals/")
    page.fill("#id_title", "Zelf boodschappen doen")
    page.fill("#id_description", "Zelf de winkel kiezen en betalen.")
    submit(page, "main form:has(#id_title)")
    expect(page.locator("main")).to_contain_text("Zelf boodschappen doen")
    page.goto(base + "roles/")
    page.select_option("#id_kind", label="Administratie en papierwerk (enkel voor de professional)")
    page.fill("#id_description", "Brieven van de mutualiteit lezen")
    page.select_option("#id_owner", "buddy")
    submit(page, "main form:has(#id_description)")
    expect(page.locator("main .list-group-item-warning")).to_contain_text(
        "Brieven van de mutualiteit"
    )
    shot(page, screenshot_dir, "roles")
    page.goto("/")
    expect(page.locator("#panel-trajectories")).to_be_visible()
    shot(page, screenshot_dir, "coordinator-dashboard")
    logout(page)

    # -- The buddy writes in the journal on a phone ------------------------------------
    page.set_viewport_size(PHONE)
    login(world.buddy_user)
    expect(page.locator("#my-trajectories-title")).to_be_visible()
    shot(page, screenshot_dir, "buddy-dashboard-390")
    page.locator(f"main a[href='{base}journal/new/']").first.click()
    page.wait_for_url(f"**{base}journal/new/")
    assert no_sideways_scroll(page) <= 0
    # Defaults: today, an hour, "met up", buddy and coordinator. One tap and a note.
    assert page.locator("input[name=duration_minutes][value='60']").is_checked()
    tap(page, "mood", "good")
    page.fill("#id_note", SHARED_NOTE)
    tap(page, "visibility", "shared")
    shot(page, screenshot_dir, "journal-form-390")
    submit(page)
    page.wait_for_url(f"**{base}")
    expect(page.locator("main .journal")).to_contain_text(SHARED_NOTE)
    expect(page.locator("main .journal")).not_to_contain_text(COORD_NOTE)
    assert no_sideways_scroll(page) <= 0
    shot(page, screenshot_dir, "detail-buddy-390")
    with scopes_disabled():
        entry = JournalEntry.objects.get(note=SHARED_NOTE)
        assert entry.author == world.buddy_user and entry.duration_minutes == 60
        assert Trajectory.objects.get(pk=trajectory.pk).last_contact_on == entry.on

    # -- A goal moves a level; the chart shows -------------------------------------------
    with scopes_disabled():
        goal = Goal.objects.get(trajectory=trajectory)
        # Agreed three weeks ago (as if the goal was set at the start).
        three_weeks = timezone.localdate() - timedelta(days=21)
        Trajectory.objects.filter(pk=trajectory.pk).update(started_on=three_weeks)
        Goal.objects.filter(pk=goal.pk).update(agreed_on=three_weeks)
        goal.changes.update(on=three_weeks)
    page.goto(base + "goals/")
    page.select_option(f"#level-{goal.code}", "2")
    submit(page, f"main form:has(#level-{goal.code})")
    expect(page.locator(f"#goal-{goal.code}")).to_be_visible()
    with scopes_disabled():
        assert Goal.objects.get(pk=goal.pk).level == 2
    expect(page.locator("canvas[data-chart]")).to_be_visible()
    drawn = "() => window.Chart.getChart(document.querySelector('canvas[data-chart]'))"
    page.wait_for_function(drawn + ".options.scales.y.max === 3")
    assert page.evaluate(drawn + ".data.datasets[0].data") == [1, 2]
    assert no_sideways_scroll(page) <= 0
    shot(page, screenshot_dir, "goals-390")
    logout(page)

    # -- The professional sees the shared entry, never the coordinator-only one --------
    page.set_viewport_size(DESKTOP)
    login(world.prof)
    page.goto(base)
    expect(page.locator("main .journal")).to_contain_text(SHARED_NOTE)
    expect(page.locator("main")).not_to_contain_text(COORD_NOTE)
    shot(page, screenshot_dir, "detail-professional")
    logout(page)

    # -- Every new page, on a desktop and on a phone (as the coordinator) ---------------
    login(world.coord)
    pages = {
        "list": f"/p/{world.project.code}/trajectories/",
        "detail": base,
        "agreement": base + "agreement/",
        "agreement-edit": base + "agreement/edit/",
        "journal-form": base + "journal/new/",
        "goals": base + "goals/",
        "roles": base + "roles/",
        "template": f"/p/{world.project.code}/agreement-template/",
        "task-kinds": f"/p/{world.project.code}/task-kinds/",
    }
    for size_name, size in (("desktop", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        for name, path in pages.items():
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            assert no_sideways_scroll(page) <= 0, (path, size_name)
            shot(page, screenshot_dir, f"all-{name}-{size_name}")
    events.assert_clean()
