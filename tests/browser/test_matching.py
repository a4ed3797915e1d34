"""Issue 5 in a real Chromium: from a ranking with reasons to a trajectory, and a raised hand.

A coordinator ranks buddies for a participant and reads the reasons (and a near miss in
words), starts a global proposal that runs in the queue while the page shows its progress
(htmx polls; a worker picks the job up), approves a pair, plans and records the
introduction; the buddy says yes on their own page, the coordinator records the
participant's yes, and the trajectory starts. A ready buddy browses the anonymised help
requests and raises a hand without ever seeing who it is. Screenshots on desktop and on a
390 px phone.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django_scopes import scopes_disabled
from huey import SqliteHuey
from huey.contrib import djhuey
from playwright.sync_api import expect

from buddynet.matching.models import HandRaise, Introduction, MatchingProfile, Proposal, ProposalRun
from buddynet.participants.models import Participant
from buddynet.trajectories.models import Trajectory
from buddynet.volunteers.models import Buddy
from tests.conftest import build_world
from tests.matching.factories import ready_buddy, waiting_participant

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


def nl(message: str, **params) -> str:
    with translation.override("nl"):
        text = translation.gettext(message)
    return text % params if params else text


def shot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"matching-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path


def both_shots(page, screenshot_dir, name: str) -> None:
    """Desktop and phone; on the phone nothing may scroll sideways"""
    shot(page, screenshot_dir, name)
    page.set_viewport_size(PHONE)
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 2, f"{name}: {width}px wide on a phone"
    shot(page, screenshot_dir, f"{name}-phone")
    page.set_viewport_size(DESKTOP)
    page.reload()


def logout(page) -> None:
    page.goto("/accounts/logout/")
    with page.expect_navigation():
        page.locator('main form[action="/accounts/logout/"] button[type=submit]').click()


@pytest.fixture
def queue(tmp_path, monkeypatch):
    """The project's Huey out of immediate mode, on a real SQLite storage: jobs wait until
    `work` runs them, like a worker would."""
    huey = djhuey.HUEY
    storage = SqliteHuey(name=f"t-{uuid.uuid4().hex[:8]}", filename=str(tmp_path / "q.db")).storage
    monkeypatch.setattr(huey, "_immediate", False)
    monkeypatch.setattr(huey, "storage", storage)

    def work() -> int:
        done = 0
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
            done += 1
        return done

    yield work
    storage.flush_all()


def _people(world):
    """Bram (the buddy login) speaks Dutch and Arabic; Vera only Dutch. Amina speaks only
    Arabic, so only Bram fits her; Karel fits both. The best set: Amina-Bram, Karel-Vera."""
    project = world.project
    with scopes_disabled():
        Buddy.objects.filter(pk=world.buddy.pk).update(
            languages=["nl", "ar"],
            availability=["wed_afternoon", "sat_morning"],
            interests=["koken", "wandelen"],
            skills="Papieren en brieven, de computer",
            birth_year=1972,
            gender="m",
            capacity=1,
            max_distance_km=15,
            status=Buddy.Status.READY,
        )
        vera = ready_buddy(
            project,
            first_name="Vera",
            last_name="Vanhove",
            postcode="9050",
            town="Gentbrugge",
            availability=["wed_afternoon", "sat_morning"],
        )
        amina = waiting_participant(
            project,
            first_name="Amina",
            last_name="Wachtmans",
            languages=["ar"],
            availability=["wed_afternoon"],
            interests=["koken"],
            needs="Hulp met brieven van het OCMW.",
            urgency=Participant.Urgency.HIGH,
        )
        karel = waiting_participant(
            project, first_name="Karel", last_name="Cornelis", availability=["sat_morning"]
        )
    return vera, amina, karel


def test_from_ranking_to_trajectory(transactional_db, page, login, events, screenshot_dir, queue):
    world = build_world()
    project = world.project
    vera, amina, karel = _people(world)
    base = f"/p/{project.code}"

    # -- The coordinator ranks buddies for Amina and reads why ------------------------
    login(world.coord)
    page.goto(f"{base}/")
    with page.expect_navigation():
        page.locator(f"main nav a[href='{base}/matching/']").click()
    expect(page.locator("main h2").first).to_have_text(nl("Matching"))
    with page.expect_navigation():
        page.locator(f"main a[href='{base}/matching/participants/{amina.code}/']").click()
    ranking = page.locator("main ol.ranking > li")
    expect(ranking).to_have_count(1)
    first = ranking.first
    expect(first).to_contain_text("Bram Buddyman")
    expect(first.locator(".reasons")).to_contain_text(nl("Distance"))
    expect(first.locator(".reasons")).to_contain_text(nl("Language"))
    expect(first.locator(".reasons")).to_contain_text("km")
    # Vera would fit, but shares no language with Amina: a near miss, in words.
    near = page.locator("main .list-group-item:has-text('Vera Vanhove') .near-miss")
    expect(near).to_have_text(nl("Would fit, but %(reason)s", reason=nl("shares no language")))
    both_shots(page, screenshot_dir, "ranking")

    # -- A global proposal: queued, progress shown, then the result ------------------
    with scopes_disabled():
        # Urgent and waiting 318 days, but French only: nobody fits her this time.
        uma = waiting_participant(
            project,
            first_name="Uma",
            last_name="Dringend",
            languages=["fr"],
            urgency=Participant.Urgency.HIGH,
            waiting_since=timezone.localdate() - timedelta(days=318),
        )
    page.goto(f"{base}/matching/")
    with page.expect_navigation():
        page.locator(f"main form[action='{base}/matching/runs/start/'] button").click()
    progress = page.locator("#run-progress")
    expect(progress).to_contain_text(nl("Waiting in the queue…"))
    expect(progress.locator("progress")).to_have_attribute("value", "0")
    both_shots(page, screenshot_dir, "run-progress")
    with scopes_disabled():
        run = ProposalRun.objects.get()
        assert run.status == ProposalRun.Status.QUEUED
    assert queue() == 1  # the worker runs the job
    # htmx polls the progress every second and loads the result when the run is done.
    expect(page.locator("main h3", has_text=nl("Pending pairs"))).to_be_visible(timeout=8000)
    with scopes_disabled():
        run.refresh_from_db()
        pairs = set(Proposal.objects.filter(run=run).values_list("participant_id", "buddy_id"))
    assert run.status == ProposalRun.Status.DONE
    assert pairs == {(amina.pk, world.buddy.pk), (karel.pk, vera.pk)}
    cards = page.locator("main form li.card")
    expect(cards).to_have_count(2)
    # The run says who it left without a pair, the most urgent first, and why.
    left_out = page.locator("main ol.left-out > li")
    expect(left_out.first).to_contain_text("Uma Dringend")
    expect(left_out.first).to_contain_text(nl("No buddy with a free place passes every hard rule."))
    expect(left_out.first.locator(".near-miss").first).to_have_text(
        nl("Would fit, but %(reason)s", reason=nl("shares no language"))
    )
    assert uma.urgency == Participant.Urgency.HIGH
    both_shots(page, screenshot_dir, "run-result")

    # -- Approve Bram & Amina, plan and hold the introduction ---------------------------
    card = page.locator("main form li.card:has-text('Amina Wachtmans')")
    expect(card.locator(".reasons")).to_contain_text(nl("Time"))
    with page.expect_navigation():
        card.locator("button.btn-success").click()
    expect(page.locator(".messages .alert-success")).to_contain_text("Bram Buddyman")
    page.fill("#id_place", "Het projectlokaal, Gent")
    page.fill("#id_staff_present", "Sarah De Smet")
    shot(page, screenshot_dir, "introduction-plan")
    with page.expect_navigation():
        page.locator("main form.card button[type=submit]").click()
    with scopes_disabled():
        intro = Introduction.objects.get()
    assert intro.status == Introduction.Status.PLANNED and intro.place == "Het projectlokaal, Gent"
    page.fill("#id_notes", "Goede eerste babbel over koken.")
    page.check("#id_held")
    with page.expect_navigation():
        page.locator("main section[aria-labelledby=plan-title] button[type=submit]").click()
    with scopes_disabled():
        intro.refresh_from_db()
    assert intro.status == Introduction.Status.HELD
    both_shots(page, screenshot_dir, "introduction")
    logout(page)

    # -- The buddy answers on their own page -------------------------------------------
    login(world.buddy_user)
    todo = page.locator(f"main a[href='{base}/me/introductions/{intro.code}/']")
    expect(todo).to_be_visible()
    with page.expect_navigation():
        todo.click()
    expect(page.locator("main h1")).to_contain_text("Amina")
    expect(page.locator("main")).not_to_contain_text("Wachtmans")  # first name only
    page.check("#mine-yes")
    page.fill("#mine-reason", "Een fijne kennismaking.")
    both_shots(page, screenshot_dir, "my-introduction")
    page.check("#mine-yes")
    page.fill("#mine-reason", "Een fijne kennismaking.")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main .alert-info")).to_contain_text(
        nl("You said yes. We will let you know as soon as we hear from the other person.")
    )
    logout(page)

    # -- The coordinator records Amina's answer, given on their device -------------------
    login(world.coord)
    page.goto(f"{base}/matching/introductions/{intro.code}/")
    expect(page.locator("main")).to_contain_text("Een fijne kennismaking.")  # for staff only
    form = page.locator(f"main form[action='{base}/matching/introductions/{intro.code}/answer/']")
    form.locator("#participant-yes").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator(".messages .alert-success")).to_have_text(
        nl("Both said yes: the trajectory has started.")
    )
    with scopes_disabled():
        intro.refresh_from_db()
        trajectory = Trajectory.objects.get(buddy=world.buddy, participant=amina)
        assert intro.status == Introduction.Status.ACCEPTED and intro.trajectory == trajectory
        assert Participant.objects.get(pk=amina.pk).status == Participant.Status.MATCHED
        assert Buddy.objects.get(pk=world.buddy.pk).status == Buddy.Status.ACTIVE
    shot(page, screenshot_dir, "introduction-accepted")
    events.assert_clean()


def test_buddy_raises_a_hand_without_seeing_who(
    transactional_db, page, login, events, screenshot_dir
):
    world = build_world()
    project = world.project
    base = f"/p/{project.code}"
    with scopes_disabled():
        Buddy.objects.filter(pk=world.buddy.pk).update(
            interests=["koken", "fietsen"], availability=["wed_afternoon"], languages=["nl"]
        )
        person = waiting_participant(
            project,
            first_name="Yasmina",
            last_name="Benali",
            postcode="9040",
            town="Sint-Amandsberg",
            birth_year=1986,
            household_size=3,
            phone="0486 12 34 56",
            email="yasmina.benali@example.be",
            interests=["koken", "naaien"],
            help_request="Ik woon in de Dampoortstraat en zoek hulp met brieven.",
            waiting_since=timezone.localdate() - timedelta(days=75),
        )
        profile = MatchingProfile.objects.create(
            project=project,
            participant=person,
            published=True,
            public_summary="Een moeder met twee kinderen die graag Nederlands wil oefenen.",
            needs=["dutch_practice", "administration"],
        )
    login(world.buddy_user)
    link = page.locator(f"main a[href='{base}/me/requests/']")
    expect(link).to_be_visible()
    with page.expect_navigation():
        link.first.click()
    card = page.locator("main article.card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Een moeder met twee kinderen")
    expect(card).to_contain_text("koken")  # an interest they share
    both_shots(page, screenshot_dir, "requests")
    with page.expect_navigation():
        card.locator(f"a[href='{base}/me/requests/{profile.request_code}/']").click()
    body = page.locator("main").inner_text()
    for secret in (
        "Yasmina",
        "Benali",
        "9040",
        "Dampoortstraat",
        "0486",
        "yasmina.benali",
        "1986",
        "naaien",
        str(person.code),
    ):
        assert secret not in body, secret
    assert re.search(r"Gent|Sint-Amandsberg", body)
    page.fill("#id_note", "Ik oefen graag Nederlands tijdens het koken.")
    both_shots(page, screenshot_dir, "request")
    page.fill("#id_note", "Ik oefen graag Nederlands tijdens het koken.")
    with page.expect_navigation():
        page.locator("main form.card button[type=submit]").click()
    expect(page.locator("main article.card .badge")).to_be_visible()
    html = page.content()
    for secret in ("Yasmina", "Benali", "9040", "0486", "1986"):
        assert secret not in html, secret
    with scopes_disabled():
        hand = HandRaise.objects.get()
    assert hand.buddy_id == world.buddy.pk and hand.participant_id == person.pk
    logout(page)

    # The coordinator sees the raised hand in the ranking, as a signal.
    login(world.coord)
    page.goto(f"{base}/matching/participants/{person.code}/")
    expect(page.locator("main ol.ranking > li .signals .badge.text-bg-warning")).to_be_visible()
    page.goto("/")
    expect(page.locator("main")).to_contain_text("Yasmina Benali")
    events.assert_clean()


def test_every_matching_page_fits_a_phone(transactional_db, page, login, screenshot_dir):
    """Each matching page on a 390 px phone: nothing scrolls sideways (and a screenshot)"""
    world = build_world()
    project = world.project
    base = f"/p/{project.code}"
    vera, amina, _karel = _people(world)
    from buddynet.matching import services

    with scopes_disabled():
        run = services.run_execute(
            services.run_start(project=project, scope="project", by=world.coord).pk
        )
        pending = Proposal.objects.filter(run=run).order_by("pk").first()
        person = waiting_participant(project, first_name="Lotte", last_name="Peeters")
        MatchingProfile.objects.create(
            project=project,
            participant=person,
            published=True,
            public_summary="Iemand die graag samen fietst.",
        )
        HandRaise.objects.create(project=project, buddy=vera, participant=person, note="Graag!")
    coordinator_pages = {
        "home": f"{base}/matching/",
        "settings": f"{base}/matching/settings/",
        "profile": f"{base}/matching/participants/{amina.code}/wishes/",
        "rank-participants": f"{base}/matching/buddies/{vera.code}/",
        "proposals": f"{base}/matching/proposals/",
        "reject": f"{base}/matching/proposals/{pending.code}/reject/",
        "introductions": f"{base}/matching/introductions/",
        "hands": f"{base}/matching/hands/",
        "dashboard": "/",
    }
    login(world.coord)
    for name, path in coordinator_pages.items():
        page.set_viewport_size(DESKTOP)
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        both_shots(page, screenshot_dir, f"page-{name}")
    logout(page)
    login(world.buddy_user)
    response = page.goto("/")
    assert response is not None and response.status == 200
    both_shots(page, screenshot_dir, "page-buddy-dashboard")
