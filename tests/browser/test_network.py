"""Issue 15 (the learning network) in a real Chromium: a network coordinator uploads a
clip with subtitles and it plays with captions; a coordinator finds it by a Dutch word
form; project A publishes a playbook, project B previews and adopts it (credited to A);
an intervision is planned, invitations arrive by real SMTP with a valid iCalendar file,
a case naming someone is flagged before it is shared, and attendance shows in the
buddy's follow-up."""

from __future__ import annotations

import base64
from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from buddynet.followup.models import FollowUp
from buddynet.network.models import Intervision, Invitation, LibraryItem
from buddynet.trajectories.models import AgreementTemplate
from tests import factories as f
from tests.conftest import build_world
from tests.followup import factories as ff
from tests.network import factories as nf
from tests.network.test_playbooks import working_method

pytestmark = pytest.mark.browser

VTT = "WEBVTT\n\n00:00.000 --> 00:05.000\nWelkom, vrijwilliger!\n"

# A real WebM made by Chromium itself (a canvas recorded with MediaRecorder): no video
# file is kept in the repository and no encoder is needed on the machine.
RECORD_WEBM = """async () => {
  const canvas = document.createElement("canvas"); canvas.width = 160; canvas.height = 120;
  const ctx = canvas.getContext("2d");
  const recorder = new MediaRecorder(
    canvas.captureStream(25), {mimeType: "video/webm;codecs=vp8"});
  const chunks = []; recorder.ondataavailable = (e) => chunks.push(e.data);
  let i = 0;
  const timer = setInterval(() => {
    ctx.fillStyle = (i++ % 2) ? "#a00" : "#00a"; ctx.fillRect(0, 0, 160, 120); }, 40);
  recorder.start(100);
  await new Promise((r) => setTimeout(r, 2000));
  const stopped = new Promise((r) => { recorder.onstop = r; });
  recorder.stop(); await stopped; clearInterval(timer);
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let text = ""; for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}"""


def nl(message: str, **params) -> str:
    with translation.override("nl"):
        text = translation.gettext(message)
    return text % params if params else text


def shot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"network-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path


def logout(page) -> None:
    page.goto("/accounts/logout/")
    with page.expect_navigation():
        page.locator('main form[action="/accounts/logout/"] button[type=submit]').click()


def submit(page, selector: str = "main form[method=post]") -> None:
    with page.expect_navigation():
        page.locator(f"{selector} button[type=submit]").first.click()


@pytest.fixture
def smtp(settings):
    from tests.smtp import smtp_server

    with smtp_server() as inbox:
        settings.EMAIL_BACKEND = "buddynet.core.mail.QueuedEmailBackend"
        settings.BUDDYNET_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = inbox.port
        yield inbox


def test_learning_network(page, login, screenshot_dir, tmp_path, smtp, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    network = world.network

    # --- A network coordinator uploads a clip with subtitles; it plays with captions.
    login(world.netco)
    page.goto(reverse("network_item_add", kwargs={"network": network.code}))
    clip = tmp_path / "grenzen.webm"
    clip.write_bytes(base64.b64decode(page.evaluate(RECORD_WEBM)))
    captions = tmp_path / "grenzen.vtt"
    captions.write_text(VTT)
    page.select_option("#id_kind", "clip")
    page.fill("#id_title", "Grenzen bewaken als vrijwilliger")
    page.fill("#id_summary", "Buddy's vertellen hoe ze hun grenzen aangeven.")
    page.check("input[name=themes][value=boundaries]")
    page.select_option("#id_audience", "both")
    page.set_input_files("#id_file", str(clip))
    page.set_input_files("#id_captions", str(captions))
    shot(page, screenshot_dir, "clip-add")
    submit(page)
    video = page.locator("video#clip")
    expect(video).to_be_visible()
    page.evaluate(
        "() => { const v = document.querySelector('#clip'); v.muted = true; return v.play(); }"
    )
    page.wait_for_function("() => document.querySelector('#clip').currentTime > 0.3")
    page.wait_for_function(
        "() => { const t = document.querySelector('#clip').textTracks[0];"
        " return t && t.mode === 'showing' && t.cues && t.cues.length > 0; }"
    )
    cue = page.evaluate("() => document.querySelector('#clip').textTracks[0].cues[0].text")
    assert cue == "Welkom, vrijwilliger!"
    # Seeking works: the server answers ranges.
    page.evaluate("() => { document.querySelector('#clip').currentTime = 1.0; }")
    page.wait_for_function("() => !document.querySelector('#clip').seeking")
    shot(page, screenshot_dir, "clip-plays")
    logout(page)

    # --- A coordinator finds it by a Dutch word form.
    login(world.coord)
    page.goto(reverse("network_library", kwargs={"network": network.code}))
    page.fill("#id_q", "vrijwilligers")
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()
    result = page.locator("#search-results li").first
    expect(result).to_contain_text("Grenzen bewaken als vrijwilliger")
    expect(result.locator("mark").first).to_be_visible()
    shot(page, screenshot_dir, "search")

    # --- Project A publishes its playbook.
    with scopes_disabled():
        working_method(world.project)
    page.goto(reverse("network_from_network", kwargs={"project": world.project.code}))
    page.get_by_role("link", name=nl("Publish your working method")).click()
    page.fill("#id_guide", "1. Werf via de buurt.\n2. Vorm.\n3. Koppel en volg op.")
    shot(page, screenshot_dir, "publish")
    submit(page)
    expect(page.locator("main")).to_contain_text(world.project.name)
    shot(page, screenshot_dir, "playbook")

    with scopes_disabled():
        trajectory = ff.trajectory(world)  # the buddy persona's trajectory
    logout(page)

    # --- Project B previews and adopts; its agreement template is A's, credited.
    coord_b = f.member(world.sibling, "project_coordinator", email="coordb2@example.be")
    login(coord_b)
    page.goto(reverse("network_playbooks", kwargs={"network": network.code}))
    page.locator("main .card a").first.click()
    page.get_by_role(
        "link", name=nl("Preview and adopt for %(name)s", name=world.sibling.name)
    ).click()
    expect(page.locator("#preview tr[data-piece=agreement_template]")).to_have_attribute(
        "data-action", "create"
    )
    shot(page, screenshot_dir, "adopt-preview")
    submit(page)
    expect(page.locator("#adopted")).to_contain_text(world.project.name)
    expect(page.locator("#adopted")).to_contain_text(nl("Agreement template"))
    shot(page, screenshot_dir, "adopted")
    with scopes_disabled():
        assert AgreementTemplate.objects.get(project=world.sibling).meeting_frequency == "Elke week"
    logout(page)

    # --- The network coordinator plans an intervision and invites (real SMTP, iCal).
    login(world.netco)
    page.goto(reverse("network_intervision_add", kwargs={"network": network.code}))
    page.fill("#id_title", "Intervisie grenzen")
    page.fill("#id_day", (timezone.localdate() + timedelta(days=7)).isoformat())
    page.fill("#id_time", "19:30")
    page.fill("#id_place", "Gent, Bijlokezaal")
    submit(page)
    session = Intervision.objects.get(title="Intervisie grenzen")
    page.get_by_role("link", name=nl("Invite people")).click()
    page.check(f"input[name=people][value='{world.coord.pk}:{world.project.pk}']")
    page.check(f"input[name=people][value='{world.buddy_user.pk}:{world.project.pk}']")
    shot(page, screenshot_dir, "invite")
    submit(page)
    recipients = sorted(m["To"] for m in smtp.messages)
    assert recipients == sorted([world.coord.email, world.buddy_user.email])
    for message in smtp.messages:
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
        event = calendar.walk("VEVENT")[0]
        assert str(event["summary"]) == "Intervisie grenzen"
        assert event.decoded("dtstart") == session.starts_at
        assert calendar.walk("VTIMEZONE")
    shot(page, screenshot_dir, "intervision")
    logout(page)

    # --- The coordinator brings in a case naming the buddy: flagged, then shared.
    login(world.coord)
    page.goto(
        reverse("network_intervision_case", kwargs={"network": network.code, "code": session.code})
    )
    page.fill("#id_case_text", "Bram ging mee naar het OCMW. Daarna vroeg de deelnemer geld.")
    submit(page)
    expect(page.locator("#case-flags")).to_contain_text(world.buddy.first_name)
    shot(page, screenshot_dir, "case-flagged")
    page.fill("#id_case_text", "De buddy ging mee naar het OCMW. Daarna vroeg de deelnemer geld.")
    submit(page)
    expect(page.locator("main")).to_contain_text("Daarna vroeg de deelnemer geld.")
    logout(page)

    # --- Attendance is recorded and shows in the buddy's follow-up.
    nf.past(session)
    login(world.netco)
    page.goto(
        reverse(
            "network_intervision_attendance",
            kwargs={"network": network.code, "code": session.code},
        )
    )
    buddy_invitation = Invitation.objects.get(intervision=session, user=world.buddy_user)
    page.check(f"input[name=attended][value='{buddy_invitation.pk}']")
    submit(page)
    expect(page.locator("#invitations")).to_contain_text(nl("yes"))
    logout(page)
    with scopes_disabled():
        held = FollowUp.objects.get(
            trajectory=trajectory, kind=FollowUp.Kind.INTERVISION, done_at__isnull=False
        )
    assert "Intervisie grenzen" in held.report
    login(world.coord)
    page.goto(
        reverse(
            "trajectory_detail", kwargs={"project": world.project.code, "code": trajectory.code}
        )
    )
    panel = page.locator(".followup-panel")
    panel.locator("summary").first.click()
    expect(panel).to_contain_text("Intervisie grenzen")
    shot(page, screenshot_dir, "buddy-followup")
    assert LibraryItem.objects.filter(network=network).count() == 1


def test_calendar_registration(page, login, screenshot_dir, smtp):
    """The network coordinator puts a study morning with one place in the calendar and
    posts news; the coordinator registers (an e-mail with a valid iCal arrives), the
    buddy joins the waiting list; the coordinator cancels and the buddy gets the place;
    the organiser's list shows it; the news and the event show on the buddy's dashboard.
    A new project is started from a playbook."""
    from buddynet.network.models import Registration

    world = build_world()
    network = world.network
    login(world.netco)
    page.goto(reverse("network_event_add", kwargs={"network": network.code}))
    page.select_option("#id_kind", "study_morning")
    page.fill("#id_title", "Studievoormiddag eenzaamheid")
    page.fill("#id_day", (timezone.localdate() + timedelta(days=10)).isoformat())
    page.fill("#id_time", "09:30")
    page.fill("#id_place", "Brussel, Vlaams Huis")
    page.fill("#id_capacity", "1")
    shot(page, screenshot_dir, "event-add")
    submit(page)
    page.goto(reverse("network_news_add", kwargs={"network": network.code}))
    page.fill("#id_title", "Nieuwe kennisclips")
    page.fill("#id_body", "Drie nieuwe clips over diversiteit staan in de bibliotheek.")
    submit(page)
    logout(page)

    login(world.coord)
    page.goto(reverse("network_calendar", kwargs={"network": network.code}))
    expect(page.locator("#news")).to_contain_text("Nieuwe kennisclips")
    shot(page, screenshot_dir, "calendar")
    page.get_by_role("link", name="Studievoormiddag eenzaamheid").click()
    submit(page, "main form[action$='/register/']")
    expect(page.locator("#my-registration")).to_have_text(nl("registered"))
    shot(page, screenshot_dir, "event-registered")
    message = next(m for m in smtp.messages if m["To"] == world.coord.email)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert str(calendar.walk("VEVENT")[0]["summary"]) == "Studievoormiddag eenzaamheid"
    logout(page)

    login(world.buddy_user)
    page.goto(reverse("dashboard"))
    expect(page.locator("#panel-news")).to_contain_text("Nieuwe kennisclips")
    page.locator("#panel-events a").first.click()
    expect(page.get_by_role("button", name=nl("Join the waiting list"))).to_be_visible()
    submit(page, "main form[action$='/register/']")
    expect(page.locator("#my-registration")).to_have_text(nl("on the waiting list"))
    logout(page)

    login(world.coord)
    event = Registration.objects.get(user=world.coord).event
    page.goto(reverse("network_event_cancel", kwargs={"network": network.code, "code": event.code}))
    submit(page)
    assert Registration.objects.get(user=world.buddy_user).status == "registered"
    logout(page)

    login(world.netco)
    page.goto(
        reverse("network_event_registrations", kwargs={"network": network.code, "code": event.code})
    )
    rows = page.locator("#registrations tbody tr")
    expect(rows.first).to_contain_text(world.buddy_user.display_name)
    expect(rows.nth(1)).to_contain_text(nl("cancelled"))
    shot(page, screenshot_dir, "registrations")

    # A new project starts from project A's playbook.
    from buddynet.network import services

    working_method(world.project)
    services.playbook_publish(project=world.project, by=world.coord, title="Draaiboek A", guide="1")
    page.goto(reverse("network_playbooks", kwargs={"network": network.code}))
    page.get_by_role("link", name=nl("Start a new project")).click()
    page.fill("#id_name", "Buddywerking Lier")
    page.fill("#id_target_group", "Eenzame ouderen")
    page.select_option("#id_organisation", str(world.project.organisation.pk))
    page.select_option("#id_playbook", label="Draaiboek A")
    shot(page, screenshot_dir, "project-start")
    submit(page)
    expect(page.locator("h1")).to_contain_text("Buddywerking Lier")
