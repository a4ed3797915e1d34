"""Issue 17 (messages and notifications) in a real Chromium on phone-sized screens: a
buddy and a participant exchange messages without ever seeing each other's number or
address, a notification e-mail arrives (real SMTP) without the message's content, the
participant reports a message as a boundary signal in two taps, and the coordinator
sees the signal."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from buddynet.followup.models import Signal
from tests.conftest import build_world
from tests.contact import factories as cf
from tests.followup import factories as ff
from tests.smtp import body_text

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
HELLO = "Dag Fatma, zien we elkaar donderdag om 14 uur aan de bibliotheek?"
ANSWER = "Ja, tot donderdag!"
PRIVATE = ["0470 11 22 33", "0480 99 88 77", "bram@thuis.be", "fatma@thuis.be"]


def shot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"contact-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path


def logout(page) -> None:
    page.goto("/accounts/logout/")
    with page.expect_navigation():
        page.locator('main form[action="/accounts/logout/"] button[type=submit]').click()


def no_private_details(page, own: list[str]) -> None:
    html = page.content()
    leaked = [s for s in PRIVATE if s in html and s not in own]
    assert not leaked, f"{page.url} shows {leaked}"


@pytest.fixture
def smtp(settings):
    from tests.smtp import smtp_server

    with smtp_server() as inbox:
        settings.EMAIL_BACKEND = "buddynet.core.mail.QueuedEmailBackend"
        settings.BUDDYNET_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = inbox.port
        yield inbox


def test_buddy_and_participant_talk_on_phones(page, login, screenshot_dir, smtp):
    world = build_world()
    with scopes_disabled():
        for person, phone, email in (
            (world.buddy, "0470 11 22 33", "bram@thuis.be"),
            (world.own_participant, "0480 99 88 77", "fatma@thuis.be"),
        ):
            type(person).objects.filter(pk=person.pk).update(phone=phone, email=email)
        trajectory = ff.trajectory(world)
        cf.agree(world.own_participant, world.coord)
    page.set_viewport_size(PHONE)

    # --- The buddy opens the conversation with their participant and writes.
    login(world.buddy_user)
    page.goto(reverse("contact_inbox"))
    shot(page, screenshot_dir, "inbox-buddy")
    with page.expect_navigation():
        page.locator(f'#startable form:has(input[value="{trajectory.code}"]) button').click()
    page.fill("#id_body", HELLO)
    with page.expect_navigation():
        page.locator("#send button[type=submit]").click()
    expect(page.locator("#chat")).to_contain_text(HELLO)
    no_private_details(page, ["0470 11 22 33", "bram@thuis.be"])
    shot(page, screenshot_dir, "conversation-buddy")
    conversation_url = page.url

    # --- The participant gets an e-mail that says only that there is a message.
    page.wait_for_timeout(300)
    mails = [m for m in smtp.messages if world.participant_user.email in m["To"]]
    assert len(mails) == 1, [m["To"] for m in smtp.messages]
    text = body_text(mails[0])
    assert HELLO not in text and "bibliotheek" not in text and "Bram" not in text
    assert "/messages/" in text
    logout(page)

    # --- The participant reads it on their phone, answers, and the buddy's page
    # updates by itself (htmx polling) with the answer and the read receipt.
    login(world.participant_user)
    page.goto(reverse("contact_inbox"))
    expect(page.locator("#conversations")).to_contain_text("Bram")
    no_private_details(page, ["0480 99 88 77", "fatma@thuis.be"])
    with page.expect_navigation():
        page.locator("#conversations a").first.click()
    expect(page.locator("#chat")).to_contain_text(HELLO)
    expect(page.locator("#chat")).to_contain_text("Bram (buddy)")
    no_private_details(page, ["0480 99 88 77", "fatma@thuis.be"])
    page.fill("#id_body", ANSWER)
    with page.expect_navigation():
        page.locator("#send button[type=submit]").click()
    expect(page.locator("#chat")).to_contain_text(ANSWER)
    shot(page, screenshot_dir, "conversation-participant")

    # --- Two taps: "report" under the buddy's message, then what it is.
    with page.expect_navigation():
        page.locator("#chat .chat-report").first.click()
    shot(page, screenshot_dir, "report")
    with page.expect_navigation():
        page.locator("#report button[value=boundary]").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("#chat .badge").first).to_be_visible()
    shot(page, screenshot_dir, "reported")
    with scopes_disabled():
        signal = Signal.objects.get(trajectory=trajectory)
        assert signal.raised_by == world.participant_user
    logout(page)

    # --- The buddy's open conversation page shows the answer without a reload.
    login(world.buddy_user)
    page.goto(conversation_url)
    expect(page.locator("#chat")).to_contain_text(ANSWER)
    expect(page.locator("#chat .chat-read").first).to_be_visible()
    no_private_details(page, ["0470 11 22 33", "bram@thuis.be"])
    logout(page)

    # --- The coordinator sees the signal (and cannot read the pair's conversation).
    page.set_viewport_size({"width": 1280, "height": 900})
    login(world.coord)
    page.goto(reverse("signal_list", kwargs={"project": world.project.code}))
    expect(page.locator("main")).to_contain_text("grens", ignore_case=True)
    with page.expect_navigation():
        page.locator(f'main a[href*="{signal.code}"]').first.click()
    expect(page.locator("main")).to_contain_text(HELLO)
    shot(page, screenshot_dir, "coordinator-signal")
    assert page.goto(conversation_url).status == 404
