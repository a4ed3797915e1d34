"""Issue 6 (follow-up) in a real Chromium: a follow-up conversation falls due and the
coordinator records it; a buddy signals a boundary on a 390 px phone and the coordinator
works through the aftercare; a trajectory is closed with exit conversations and the
buddy asks for a new match.

The clock is moved with time-machine, not by editing dates in the database: the live
server runs in a thread of this process, so traveling moves the server's clock too.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import translation
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from buddynet.followup import clock
from buddynet.followup.models import Closure, FollowUp, Signal
from buddynet.trajectories.models import Trajectory
from buddynet.volunteers.models import Buddy
from tests.conftest import build_world
from tests.followup import factories as ff

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def nl(message: str, **params) -> str:
    with translation.override("nl"):
        text = translation.gettext(message)
    return text % params if params else text


def shot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"followup-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path


def both_sizes(page, screenshot_dir, name: str) -> None:
    """A screenshot on a desktop and on a 390 px phone; nothing may scroll sideways."""
    shot(page, screenshot_dir, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    shot(page, screenshot_dir, f"{name}-390")
    assert no_sideways_scroll(page) <= 0, f"{name} is wider than a 390px phone"
    page.set_viewport_size(DESKTOP)


def no_sideways_scroll(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def logout(page) -> None:
    page.goto("/accounts/logout/")
    with page.expect_navigation():
        page.locator('main form[action="/accounts/logout/"] button[type=submit]').click()
    page.goto("/")
    assert "/accounts/login/" in page.url, page.url


def submit(page, form_selector: str = "main form[method=post]") -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()


def assert_clean(events, *refused: str) -> None:
    """Bad input answers 400 on purpose, and the pages in ``refused`` were opened by
    someone who may not see them (403/404): the browser logs those; nothing else."""
    events.console_errors = [
        e
        for e in events.console_errors
        if "status of 400" not in e
        and not (("status of 404" in e or "status of 403" in e) and any(u in e for u in refused))
    ]
    events.assert_clean()


def _world_with_trajectory():
    world = build_world()
    with scopes_disabled():
        trajectory = ff.trajectory(world)
    return world, trajectory


def _brussels(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=clock.PROJECT_TZ)


# --- 1. A follow-up falls due and is recorded ------------------------------------------


def test_followup_falls_due_and_the_coordinator_records_it(
    transactional_db, page, login, events, screenshot_dir
):
    world, trajectory = _world_with_trajectory()
    project = world.project
    with scopes_disabled():
        contact = FollowUp.objects.get(trajectory=trajectory, series="contact")
    due_day = clock.local_date(contact.due_at)
    assert due_day == clock.next_working_day(trajectory.started_on + timedelta(days=14))
    list_url = f"/p/{project.code}/follow-up/"
    record_url = f"{list_url}{contact.code}/"

    # The day before it is due: planned, nothing overdue.
    with time_machine.travel(_brussels(due_day - timedelta(days=1), 9), tick=True):
        login(world.coord)
        expect(page.locator(f"main a[href='{record_url}']")).to_have_count(0)
        page.goto(list_url + "?state=due")
        expect(page.locator(f"main a[href='{record_url}']")).to_have_count(0)
        logout(page)

    # One day after: overdue on the dashboard and in the list.
    with time_machine.travel(_brussels(due_day + timedelta(days=1), 9), tick=True):
        login(world.coord)
        panel_link = page.locator(f"main a[href='{record_url}']")
        expect(panel_link).to_have_count(1)
        expect(page.locator("main h3 .badge.text-bg-danger")).to_contain_text("1")
        both_sizes(page, screenshot_dir, "dashboard-coordinator")
        page.goto(list_url + "?state=overdue")
        row = page.locator(f"main tbody tr:has(a[href='{record_url}'])")
        expect(row).to_have_count(1)
        expect(row).to_have_class("table-danger")
        expect(row.locator(".badge.text-bg-danger")).to_contain_text("1")
        both_sizes(page, screenshot_dir, "list")
        with page.expect_navigation():
            row.locator(f"a[href='{record_url}']").click()
        expect(page.locator("#id_held_on")).to_have_value(clock.today().isoformat())
        both_sizes(page, screenshot_dir, "record")
        # Bad input: no report. The page says so and keeps the choice.
        page.select_option("#id_kind", "phone")
        submit(page)
        expect(page.locator("#id_report_error")).to_be_visible()
        page.fill("#id_report", "Gebeld met Bram en Fatma: het klikt, ze wandelen wekelijks.")
        submit(page)
        assert page.url.endswith(list_url), page.url
        expect(page.locator(".messages .alert-success")).to_be_visible()
        with scopes_disabled():
            contact.refresh_from_db()
            assert contact.done_at is not None and contact.recorded_by == world.coord
            following = FollowUp.objects.get(trajectory=trajectory, series="contact", number=2)
        assert clock.local_date(following.due_at) == clock.next_working_day(
            trajectory.started_on + timedelta(days=28)
        )
        page.goto(list_url)
        expect(page.locator(f"main a[href='{record_url}']")).to_have_count(0)
        expect(page.locator(f"main a[href='{list_url}{following.code}/']")).to_have_count(1)

        # The cadence page and the calendar page.
        page.goto(f"{list_url}cadence/")
        expect(page.locator("#id_first_month_contacts")).to_have_value("2")
        both_sizes(page, screenshot_dir, "cadence")
        page.goto("/me/calendar/")
        submit(page)
        feed_url = page.locator("#calendar-url").input_value()
        assert feed_url.endswith(".ics")
        both_sizes(page, screenshot_dir, "calendar")
        # The trajectory page shows the schedule to the coordinator.
        response = page.goto(f"/p/{project.code}/trajectories/{trajectory.code}/")
        if response.status == 200:
            expect(page.locator(".followup-panel")).to_contain_text(
                clock.local(following.due_at).strftime("%Y")
            )
            both_sizes(page, screenshot_dir, "trajectory-panel-coordinator")
    assert_clean(events)


# --- 2. A boundary signal on a phone, and its aftercare --------------------------------


def test_buddy_signals_on_a_phone_and_the_coordinator_works_through_aftercare(
    transactional_db, page, login, events, screenshot_dir
):
    world, trajectory = _world_with_trajectory()
    project = world.project
    with scopes_disabled():
        Trajectory.objects.filter(pk=trajectory.pk).update(status="active")
    page.set_viewport_size(PHONE)
    login(world.buddy_user)
    signal_url = f"/p/{project.code}/trajectories/{trajectory.code}/signal/"
    button = page.locator(f"main a.signal-button[href='{signal_url}']")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["height"] >= 44, "a tap target smaller than 44 px"
    shot(page, screenshot_dir, "dashboard-buddy-390")
    assert no_sideways_scroll(page) <= 0
    with page.expect_navigation():
        button.click()
    shot(page, screenshot_dir, "signal-form-390")
    assert no_sideways_scroll(page) <= 0
    # A tap on the kind, a tap on the severity, a few words.
    page.locator("label[for=id_kind_1]").click()  # too much is asked of me
    page.fill("#id_description", "De familie vraagt elke dag hulp, ook 's avonds laat.")
    submit(page)
    # Forgot the severity: the message says so and the text is kept.
    expect(page.locator("#severity-error")).to_be_visible()
    expect(page.locator("#id_description")).to_have_value(
        "De familie vraagt elke dag hulp, ook 's avonds laat."
    )
    expect(page.locator("#id_kind_1")).to_be_checked()
    # The error summary is read first: it has the focus and links to the field.
    expect(page.locator(".signal-form .error-summary")).to_be_focused()
    expect(page.locator('.error-summary a[href="#id_severity_0"]')).to_be_visible()
    shot(page, screenshot_dir, "signal-form-390-errors")
    page.locator("label[for=id_severity_2]").click()  # high
    submit(page)
    with scopes_disabled():
        signal = Signal.objects.get()
    assert (signal.kind, signal.severity, signal.raised_as) == ("too_much", "high", "buddy")
    detail_url = f"/p/{project.code}/signals/{signal.code}/"
    assert page.url.endswith(detail_url), page.url
    expect(page.locator(".messages .alert-success")).to_be_visible()
    shot(page, screenshot_dir, "signal-detail-buddy-390")
    assert no_sideways_scroll(page) <= 0
    logout(page)

    # The professional in the same trajectory does not see it.
    login(world.prof)
    response = page.goto(detail_url)
    assert response.status == 404
    page.goto(f"/p/{project.code}/signals/")
    expect(page.locator(f"main a[href='{detail_url}']")).to_have_count(0)
    logout(page)

    # The coordinator: on the dashboard at once, then step by step.
    page.set_viewport_size(DESKTOP)
    login(world.coord)
    expect(page.locator(f"main a[href='{detail_url}']")).to_have_count(1)
    with page.expect_navigation():
        page.locator(f"main a[href='{detail_url}']").first.click()
    expect(page.locator("main blockquote")).to_contain_text("elke dag hulp")
    both_sizes(page, screenshot_dir, "signal-detail-coordinator")
    # Acknowledge, and pause the trajectory (a serious signal).
    page.select_option("#id_step", "acknowledge")
    page.fill("#id_note", "Bram gebeld: goed dat je het zegt. We pauzeren even.")
    page.check("#id_pause")
    submit(page, "main form[method=post]:has(#id_step)")
    expect(page.locator(".messages .alert-success")).to_be_visible()
    with scopes_disabled():
        trajectory.refresh_from_db()
    assert trajectory.status == "paused"
    for step, note in (
        ("talk", "Gesprek met Bram en de familie: wat kan en wat niet."),
        ("actions", "Afspraak: twee keer per week, niet 's avonds. Afsprakenkader aanpassen."),
        ("close", "Twee weken later: het loopt weer goed."),
    ):
        page.select_option("#id_step", step)
        page.fill("#id_note", note)
        submit(page, "main form[method=post]:has(#id_step)")
        expect(page.locator("main ol.history li").last).to_contain_text(note)
    expect(page.locator("#id_step")).to_have_count(0)  # closed: no more steps
    with scopes_disabled():
        signal.refresh_from_db()
        steps = [s.step for s in signal.steps.all()]
    assert signal.stage == "closed"
    assert steps == ["acknowledge", "talk", "actions", "close"]
    both_sizes(page, screenshot_dir, "signal-detail-closed")
    page.goto(f"/p/{project.code}/signals/")
    both_sizes(page, screenshot_dir, "signal-list-coordinator")
    logout(page)

    # The buddy sees the aftercare history of their own signal.
    login(world.buddy_user)
    page.goto(detail_url)
    expect(page.locator("main ol.history li")).to_have_count(4)
    page.goto(f"/p/{project.code}/signals/")
    both_sizes(page, screenshot_dir, "signal-list-buddy")
    # The same form in English.
    with page.expect_navigation():
        page.locator("form.language-switch button[value=en]").first.click()
    page.set_viewport_size(PHONE)
    page.goto(signal_url)
    # A project page: the project's name is the h1, the page's title the h2.
    expect(page.locator("main h2").first).to_have_text("Signal a boundary")
    expect(page.locator("label[for=id_kind_1]")).to_have_text("Too much is asked of me")
    shot(page, screenshot_dir, "signal-form-390-en")
    assert_clean(events, detail_url)


# --- 3. Closure with exit conversations --------------------------------------------------


def test_closure_with_exit_conversations_and_a_new_match(
    transactional_db, page, login, events, screenshot_dir
):
    world, trajectory = _world_with_trajectory()
    project = world.project
    base = f"/p/{project.code}/trajectories/{trajectory.code}"
    login(world.coord)
    page.goto(f"{base}/close/")
    both_sizes(page, screenshot_dir, "closure-start")
    page.locator("input[name=planned][value=no]").check()
    page.select_option("#id_reason", "other")
    submit(page)
    expect(page.locator("#id_reason_note_error")).to_be_visible()
    expect(page.locator("input[name=planned][value=no]")).to_be_checked()
    page.select_option("#id_reason", "participant_stops")
    page.fill("#id_reason_note", "Fatma wil het nu zelf proberen.")
    submit(page)
    assert page.url.endswith(f"{base}/closure/"), page.url
    with scopes_disabled():
        trajectory.refresh_from_db()
        assert trajectory.status == "closing"
        assert not FollowUp.objects.filter(trajectory=trajectory, cancelled_at__isnull=True)
    answers = {
        "buddy": "Het wandelen samen gaf haar moed.",
        "participant": "Bram luisterde altijd.",
        "professional": "Goede afstemming met de coördinator.",
    }
    for party, helped in answers.items():
        with page.expect_navigation():
            page.locator(f"main a[href='{base}/closure/exit/{party}/']").click()
        if party == "buddy":
            both_sizes(page, screenshot_dir, "exit-conversation")
        page.locator("input[name=rating][value='3']").check()
        page.fill("#id_what_helped", helped)
        submit(page)
        expect(page.locator("main")).to_contain_text(helped)
    both_sizes(page, screenshot_dir, "closure-detail")
    page.locator("input[name=continues][value=neighbourhood]").check()
    page.fill("#id_continues_note", "Zorgzame buurt Ledeberg")
    page.locator("input[name=contact_policy][value=via_project]").check()
    aftercare = clock.today() + timedelta(days=30)
    page.fill("#id_aftercare_1", aftercare.isoformat())
    submit(page, "main form[method=post]:has(#id_contact_policy_0)")
    expect(page.locator(".messages .alert-success")).to_be_visible()
    with scopes_disabled():
        trajectory.refresh_from_db()
        closure = Closure.objects.get(trajectory=trajectory)
        after = FollowUp.objects.get(trajectory=trajectory, series="aftercare")
        assert closure.exits.count() == 3 and closure.contact_policy == "via_project"
    assert trajectory.status == "closed"
    assert clock.local_date(after.due_at) == aftercare
    both_sizes(page, screenshot_dir, "closure-closed")
    logout(page)

    # The answers are for the coordinators: the buddy cannot open the closure page.
    login(world.buddy_user)
    assert page.goto(f"{base}/closure/").status == 403
    # On the trajectory page the buddy says they are ready for a new match.
    response = page.goto(f"{base}/")
    if response.status == 200:
        for text in answers.values():
            expect(page.locator("main")).not_to_contain_text(text)
        both_sizes(page, screenshot_dir, "trajectory-panel-buddy-closed")
        with page.expect_navigation():
            page.locator("main form button[name=wish][value=ready]").click()
        expect(page.locator(".messages .alert-success")).to_be_visible()
        with scopes_disabled():
            assert Buddy.objects.get(pk=trajectory.buddy_id).status == "ready"
    assert_clean(events, f"{base}/closure/")


# --- 4. Another zone, the night the clocks change ---------------------------------------


def test_overdue_on_the_brussels_date_for_a_browser_in_new_york(
    transactional_db, browser, live_server, insecure_cookies, screenshot_dir
):
    """Sunday 29 March 2026, 22:30 UTC (the server's clock, moved): Monday 00:30 in
    Brussels (summer time began that night), still Sunday 18:30 in New York. For a
    browser in New York a conversation due on Sunday is overdue, shown at 10:00."""
    from datetime import UTC, date

    from tests.factories import PASSWORD

    world, trajectory = _world_with_trajectory()
    with scopes_disabled():
        item = FollowUp.objects.get(trajectory=trajectory, series="contact")
        item.due_at = clock.at(date(2026, 3, 29), 10)
        item.save()
    context = browser.new_context(
        base_url=live_server.url,
        locale="nl-BE",
        timezone_id="America/New_York",
        viewport=DESKTOP,
    )
    try:
        page = context.new_page()
        with time_machine.travel(datetime(2026, 3, 29, 22, 30, tzinfo=UTC), tick=True):
            page.goto("/accounts/login/")
            page.fill("input[name=login]", world.coord.email)
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation():
                page.locator("form:has(input[name=password]) button[type=submit]").first.click()
            zone = page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone")
            assert zone == "America/New_York"
            page.goto(f"/p/{world.project.code}/follow-up/?state=overdue")
            row = page.locator(f"main tbody tr:has(a[href$='/follow-up/{item.code}/'])")
            expect(row).to_have_count(1)
            expect(row.locator(".badge.text-bg-danger")).to_contain_text("1")
            expect(row.locator("time")).to_contain_text("10:00")  # Brussels time, not 04:00
            shot(page, screenshot_dir, "list-new-york-browser")
    finally:
        context.close()
