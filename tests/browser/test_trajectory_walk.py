"""Issue 6, "Done when": one trajectory walked from an accepted match to its closure in a
real Chromium, by the buddy, the coordinator and the professional in turn, each logged in
as themself.

The agreement is signed by all parties (the participant on the coordinator's device),
the buddy writes in the journal on a phone, a follow-up conversation falls due and is
recorded, the buddy signals a boundary and the coordinator works through the aftercare,
and the trajectory closes with exit conversations. At each turn the test checks what the
person sees and what they must not see: the professional never sees the buddy's signal
nor the exit answers, the buddy never sees the coordinator-only journal note.

The accepted match is set up with the matching app's services (proposal, approval,
introduction, both say yes), which start the trajectory.

The server's clock moves with time-machine (the live server runs in a thread of this
process): the whole walk runs inside one travel, moved forward to the day after the
first follow-up conversation was due.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from buddynet.followup import clock
from buddynet.followup.models import Closure, FollowUp, Signal
from buddynet.matching import services as matching_services
from buddynet.participants import consent
from buddynet.participants import services as participant_services
from buddynet.trajectories.models import JournalEntry, Trajectory
from buddynet.volunteers.models import Buddy
from tests.browser.test_followup import assert_clean, logout
from tests.browser.test_trajectories import (
    DESKTOP,
    PHONE,
    no_sideways_scroll,
    sign,
    status_of,
    submit,
    tap,
)
from tests.conftest import build_world
from tests.matching import factories as mf

pytestmark = pytest.mark.browser

PURPOSE = "Pieter leert de stad kennen en gaat opnieuw zelf boodschappen doen."
COORD_NOTE = "Alleen voor de coördinator: Bram klinkt moe aan de telefoon."
SHARED_NOTE = "Samen de bus naar het stadhuis genomen, Pieter kocht zelf het ticket."
BUDDY_NOTE = "Koffie gedronken bij Pieter thuis, hij vertelde over zijn werk."
REPORT = "Gebeld met Bram en Pieter: het klikt, de busritten lukken bijna alleen."
SIGNAL_TEXT = "Pieter vraagt of ik ook zijn huur kan voorschieten. Dat wil ik niet."
# What makes Bram a match for the matching factories' waiting participant (same town,
# language, time slots and an interest), ready for a new match.
MATCHABLE = {
    "postcode": "9000",
    "town": "Gent",
    "languages": ["nl"],
    "availability": list(mf.SLOTS),
    "interests": ["wandelen", "koken"],
    "capacity": 1,
    "max_distance_km": 15,
    "status": Buddy.Status.READY,
}
EXIT_ANSWERS = {
    "buddy": "Zien hoe Pieter zelf de bus nam, gaf mij veel voldoening.",
    "participant": "Bram was er altijd op woensdag.",
    "professional": "De korte lijn met de coördinator werkte goed.",
}


def shot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"walk-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path


def test_trajectory_walk_from_match_to_closure(
    transactional_db, page, login, events, screenshot_dir
):
    # Eleven log-ins in under a minute from one address: start under allauth's login
    # rate limit, whatever the browser tests before this one did.
    cache.clear()
    world = build_world()
    project = world.project
    with scopes_disabled():
        # The accepted match, through the matching app's services: Bram (ready, in
        # Gent) and Pieter (waiting, referred by the professional) can meet; the
        # coordinator proposes and approves the pair, the introduction took place
        # yesterday, Bram says yes, the coordinator records Pieter's yes: the trajectory
        # starts.
        Buddy.objects.filter(pk=world.buddy.pk).update(**MATCHABLE)
        world.buddy.refresh_from_db()
        participant = mf.waiting_participant(
            project, referred_by=world.prof, first_name="Pieter", last_name="Verwezen"
        )
        # At intake Pieter agreed that his social worker follows his progress: without
        # it the professional does not see the trajectory at all.
        participant_services.consent_record(
            participant=participant,
            purpose=consent.SHARE_WITH_REFERRER,
            given=True,
            by=world.coord,
        )
        introduction = mf.introduction(participant, world.buddy, world.coord)
        matching_services.introduction_answer(
            introduction=introduction, side="buddy", yes=True, by=world.buddy_user
        )
        matching_services.introduction_answer(
            introduction=introduction,
            side="participant",
            yes=True,
            by=world.coord,
            recorded_by_coordinator=True,
        )
        introduction.refresh_from_db()
        trajectory = introduction.trajectory
    assert introduction.status == "accepted" and trajectory is not None
    assert trajectory.buddy_id == world.buddy.pk and trajectory.participant_id == participant.pk
    assert trajectory.professional_id == world.prof.pk  # the referrer
    base = f"/p/{project.code}/trajectories/{trajectory.code}/"
    signal_form_url = f"{base}signal/"
    closure_url = f"{base}closure/"

    with time_machine.travel(timezone.now(), tick=True) as traveller:
        # -- Coordinator: writes the agreement; the participant signs on their device --
        login(world.coord)
        page.goto(base + "agreement/edit/")
        page.fill("#id_purpose", PURPOSE)
        submit(page)
        page.wait_for_url(f"**{base}agreement/")
        expect(page.locator("#agreement-text")).to_contain_text(PURPOSE)
        sign(page, "Pieter Verwezen", party="participant")
        assert status_of(trajectory) == Trajectory.Status.STARTING
        logout(page)

        # -- Buddy: the to-do on the dashboard leads to the agreement; signs -----------
        login(world.buddy_user)
        page.locator(f"main a[href='{base}agreement/']").first.click()
        page.wait_for_url(f"**{base}agreement/")
        expect(page.locator("#agreement-text")).to_contain_text(PURPOSE)
        sign(page, "Bram Buddyman")
        expect(page.locator("#sign-form")).to_have_count(0)
        assert status_of(trajectory) == Trajectory.Status.STARTING
        logout(page)

        # -- Professional: signs too ---------------------------------------------------
        login(world.prof)
        page.goto(base + "agreement/")
        sign(page, "Petra Professional")
        logout(page)

        # -- Coordinator: signs for the project, the trajectory is active; a note ------
        login(world.coord)
        page.goto(base + "agreement/")
        sign(page, "Coco Ordinator", party="coordinator")
        assert status_of(trajectory) == Trajectory.Status.ACTIVE
        expect(page.locator("main")).to_contain_text("op het toestel van")
        shot(page, screenshot_dir, "1-agreement-signed-coordinator")
        page.goto(base + "journal/new/")
        tap(page, "kind", "phone")
        page.fill("#id_note", COORD_NOTE)
        tap(page, "visibility", "coordinator")
        submit(page)
        logout(page)
        with scopes_disabled():
            contact = FollowUp.objects.get(trajectory=trajectory, series="contact")
        due_day = clock.local_date(contact.due_at)
        assert clock.is_working_day(due_day)
        assert 14 <= (due_day - trajectory.started_on).days <= 18  # moved off a weekend

        # -- Buddy, on a phone: the next conversation, two journal entries -------------
        page.set_viewport_size(PHONE)
        login(world.buddy_user)
        next_time = page.locator(f"main time[datetime='{clock.local(contact.due_at).isoformat()}']")
        expect(next_time).to_have_count(1)
        shot(page, screenshot_dir, "2-dashboard-buddy-390")
        for note, visibility in ((SHARED_NOTE, "shared"), (BUDDY_NOTE, "team")):
            page.goto(base + "journal/new/")
            tap(page, "mood", "good")
            page.fill("#id_note", note)
            tap(page, "visibility", visibility)
            submit(page)
            page.wait_for_url(f"**{base}")
        journal = page.locator("main .journal")
        expect(journal).to_contain_text(SHARED_NOTE)
        expect(journal).to_contain_text(BUDDY_NOTE)
        expect(page.locator("main")).not_to_contain_text(COORD_NOTE)
        assert no_sideways_scroll(page) <= 0
        shot(page, screenshot_dir, "3-trajectory-buddy-390")
        logout(page)
        with scopes_disabled():
            assert JournalEntry.objects.filter(trajectory=trajectory).count() == 3

        # -- Professional: the shared entry only ---------------------------------------
        page.set_viewport_size(DESKTOP)
        login(world.prof)
        page.goto(base)
        expect(page.locator("main .journal")).to_contain_text(SHARED_NOTE)
        expect(page.locator("main")).not_to_contain_text(BUDDY_NOTE)
        expect(page.locator("main")).not_to_contain_text(COORD_NOTE)
        shot(page, screenshot_dir, "4-trajectory-professional")
        logout(page)

        # -- The day after the first follow-up was due ---------------------------------
        traveller.move_to(clock.at(due_day + timedelta(days=1), 9))
        record_url = f"/p/{project.code}/follow-up/{contact.code}/"
        login(world.coord)
        overdue = page.locator(f"main a[href='{record_url}']")
        expect(overdue).to_have_count(1)  # on the dashboard, overdue
        shot(page, screenshot_dir, "5-dashboard-coordinator-overdue")
        with page.expect_navigation():
            overdue.first.click()
        expect(page.locator("#id_held_on")).to_have_value(clock.today().isoformat())
        page.fill("#id_report", REPORT)
        submit(page)
        expect(page.locator(".messages .alert-success")).to_be_visible()
        with scopes_disabled():
            contact.refresh_from_db()
            following = FollowUp.objects.get(trajectory=trajectory, series="contact", number=2)
        assert contact.done_at is not None and contact.recorded_by == world.coord
        assert clock.is_working_day(clock.local_date(following.due_at))
        assert clock.local_date(following.due_at) > clock.today()
        page.goto(base)
        expect(page.locator("main")).to_contain_text(COORD_NOTE)  # the coordinator sees it
        logout(page)

        # -- Buddy, on a phone: signals a boundary -------------------------------------
        page.set_viewport_size(PHONE)
        login(world.buddy_user)
        button = page.locator(f"main a.signal-button[href='{signal_form_url}']")
        with page.expect_navigation():
            button.click()
        page.locator("label[for=id_kind_1]").click()  # too much is asked of me
        page.locator("label[for=id_severity_1]").click()
        page.fill("#id_description", SIGNAL_TEXT)
        submit(page)
        with scopes_disabled():
            signal = Signal.objects.get(trajectory=trajectory)
        assert signal.raised_by == world.buddy_user and signal.raised_as == "buddy"
        signal_url = f"/p/{project.code}/signals/{signal.code}/"
        assert page.url.endswith(signal_url), page.url
        expect(page.locator("main")).to_contain_text(SIGNAL_TEXT)
        shot(page, screenshot_dir, "6-signal-buddy-390")
        logout(page)

        # -- Professional: never sees the buddy's signal -------------------------------
        page.set_viewport_size(DESKTOP)
        login(world.prof)
        expect(page.locator("main")).not_to_contain_text(SIGNAL_TEXT)
        assert page.goto(signal_url).status == 404
        page.goto(f"/p/{project.code}/signals/")
        expect(page.locator(f"main a[href='{signal_url}']")).to_have_count(0)
        page.goto(base)
        expect(page.locator("main")).not_to_contain_text(SIGNAL_TEXT)
        logout(page)

        # -- Coordinator: the aftercare, step by step ----------------------------------
        login(world.coord)
        with page.expect_navigation():
            page.locator(f"main a[href='{signal_url}']").first.click()
        expect(page.locator("main blockquote")).to_contain_text(SIGNAL_TEXT)
        for step, note in (
            ("acknowledge", "Bram gebeld: goed dat je het zegt."),
            ("talk", "Gesprek met Bram en Pieter: geld lenen hoort niet bij een buddy."),
            ("actions", "Pieter krijgt een afspraak bij de schuldhulp van het OCMW."),
            ("close", "Twee weken later: het is uitgepraat, het loopt weer."),
        ):
            page.select_option("#id_step", step)
            page.fill("#id_note", note)
            submit(page, "main form[method=post]:has(#id_step)")
            expect(page.locator("main ol.history li").last).to_contain_text(note)
        with scopes_disabled():
            signal.refresh_from_db()
        assert signal.stage == "closed"
        shot(page, screenshot_dir, "7-signal-closed-coordinator")

        # -- Coordinator: closure, exit conversations with each party ------------------
        page.goto(f"{base}close/")
        page.locator("input[name=planned][value=yes]").check()
        page.select_option("#id_reason", "goals_reached")
        submit(page)
        assert page.url.endswith(closure_url), page.url
        assert status_of(trajectory) == Trajectory.Status.CLOSING
        for party, helped in EXIT_ANSWERS.items():
            with page.expect_navigation():
                page.locator(f"main a[href='{closure_url}exit/{party}/']").click()
            page.locator("input[name=rating][value='4']").check()
            page.fill("#id_what_helped", helped)
            submit(page)
            expect(page.locator("main")).to_contain_text(helped)
        page.locator("input[name=continues][value=neighbourhood]").check()
        page.fill("#id_continues_note", "De koffieochtend in het buurthuis van Ledeberg")
        page.locator("input[name=contact_policy][value=via_project]").check()
        page.fill("#id_aftercare_1", (clock.today() + timedelta(days=30)).isoformat())
        submit(page, "main form[method=post]:has(#id_contact_policy_0)")
        expect(page.locator(".messages .alert-success")).to_be_visible()
        assert status_of(trajectory) == Trajectory.Status.CLOSED
        with scopes_disabled():
            closure = Closure.objects.get(trajectory=trajectory)
            assert closure.exits.count() == 3 and closure.completed_at is not None
            assert not FollowUp.objects.filter(
                trajectory=trajectory,
                done_at__isnull=True,
                cancelled_at__isnull=True,
                series__in=("contact", "supervision", "review"),
            ).exists()
        shot(page, screenshot_dir, "8-closure-coordinator")
        logout(page)

        # -- Buddy: sees their own signal's aftercare, never the exit answers ----------
        login(world.buddy_user)
        page.goto(signal_url)
        expect(page.locator("main ol.history li")).to_have_count(4)
        assert page.goto(closure_url).status == 403
        page.goto(base)
        main = page.locator("main")
        for text in (*EXIT_ANSWERS.values(), COORD_NOTE):
            expect(main).not_to_contain_text(text)
        with page.expect_navigation():
            page.locator("main form button[name=wish][value=ready]").click()
        expect(page.locator(".messages .alert-success")).to_be_visible()
        with scopes_disabled():
            assert Buddy.objects.get(pk=world.buddy.pk).status == "ready"
        shot(page, screenshot_dir, "9-trajectory-buddy-closed")
        logout(page)

        # -- Professional: the closed trajectory, no answers, no signal ----------------
        login(world.prof)
        assert page.goto(closure_url).status in (403, 404)
        page.goto(base)
        main = page.locator("main")
        for text in (*EXIT_ANSWERS.values(), SIGNAL_TEXT, COORD_NOTE, BUDDY_NOTE):
            expect(main).not_to_contain_text(text)
        expect(main.locator(".journal")).to_contain_text(SHARED_NOTE)
        shot(page, screenshot_dir, "10-trajectory-professional-closed")
        logout(page)
    assert_clean(events, signal_url, closure_url)
