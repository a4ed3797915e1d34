"""Issue 4 in a real Chromium: from referral to the waiting list and a keep-warm call.

A professional refers a family, the coordinator does the intake and records consent, the
family gets a place and an estimated wait, a month later the keep-warm contact falls due
and is logged, and the referrer sees the new status. The public sign-up is tried on a
390 px phone.

The clock is moved with time-machine, not by editing dates in the database: the live
server runs in a thread of this process, so traveling moves the server's clock too.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.humanize.templatetags.humanize import naturalday
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from buddynet.participants import consent
from buddynet.participants.models import ContactMoment, Participant
from buddynet.participants.waiting import estimate_wait
from tests import factories as f
from tests.conftest import build_world

pytestmark = pytest.mark.browser

# Matches in the last six months: 4 of them make the rate 2/3 a month, so the third
# person in line waits about 3 / (2/3) = 4.5 months.
RECENT_MATCH_DAYS_AGO = (12, 40, 75, 110)
FAMILY = {
    "first_name": "Amina",
    "last_name": "Wachtmans",
    "phone": "0470 11 22 33",
    "email": "amina.wachtmans@example.be",
    "postcode": "9000",
    "household_size": "3",
    "help_request": "Iemand die samen met het gezin Nederlands oefent en de stad toont.",
    "referral_context": "Net verhuisd naar Gent; twee kinderen van 6 en 9.",
    "referrer_organisation": "CAW Oost-Vlaanderen",
}
PURPOSES_GIVEN = (consent.SUPPORT, consent.KEEP_IN_TOUCH, consent.SHARE_WITH_REFERRER)


def nl(message: str, **params) -> str:
    """What the Dutch interface shows for an English message (the message itself while
    the catalog does not translate it yet), through the same catalog as the server."""
    with translation.override("nl"):
        text = translation.gettext(message)
    return text % params if params else text


def nl_day(value) -> str:
    with translation.override("nl"):
        return str(naturalday(value))


def nl_estimate(estimate) -> str:
    with translation.override("nl"):
        return render_to_string("participants/_estimate.html", {"estimate": estimate}).strip()


def shot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"participants-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path


def logout(page) -> None:
    page.goto("/accounts/logout/")
    with page.expect_navigation():
        page.locator('main form[action="/accounts/logout/"] button[type=submit]').click()
    page.goto("/")
    assert "/accounts/login/" in page.url, page.url  # really logged out


def submit(page, form_selector: str = "main form[method=post]") -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()


def no_sideways_scroll(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def reload_participant(code) -> Participant:
    with scopes_disabled():
        return Participant.objects.get(code=code)


# --- 1. Referral -> intake -> consent -> waiting list -> keep-warm -> referrer ---------


def test_family_from_referral_to_waiting_list_and_keep_warm_contact(
    transactional_db, page, login, events, screenshot_dir
):
    world = build_world()
    project = world.project
    today = timezone.localdate()
    with scopes_disabled():
        for days_ago in RECENT_MATCH_DAYS_AGO:
            f.ParticipantFactory(
                project=project,
                status=Participant.Status.MATCHED,
                waiting_since=today - timedelta(days=days_ago + 60),
                matched_on=today - timedelta(days=days_ago),
            )
        # Already waiting (build_world): Pieter and Fatma, both since today.
        ahead = Participant.objects.filter(project=project, status="waiting").count()
    assert ahead == 2
    interval = project.keep_warm_interval_days
    assert interval == 28

    # -- The professional refers the family -----------------------------------------
    login(world.prof)
    page.goto(f"/p/{project.code}/participants/refer/")
    assert page.locator("html").get_attribute("lang") == "nl"
    for name in ("first_name", "last_name", "phone", "email", "postcode"):
        page.fill(f"#id_{name}", FAMILY[name])
    page.fill("#id_household_size", FAMILY["household_size"])
    page.check("input[name=languages][value=nl]")
    page.check("input[name=languages][value=ar]")
    page.fill("#id_help_request", FAMILY["help_request"])
    page.fill("#id_referral_context", FAMILY["referral_context"])
    page.fill("#id_referrer_organisation", FAMILY["referrer_organisation"])
    page.select_option("#id_referrer_role", "background")
    page.check("#id_agrees")
    shot(page, screenshot_dir, "referral-form")
    submit(page)

    match = re.search(rf"/p/{project.code}/participants/([0-9a-f-]{{36}})/$", page.url)
    assert match, page.url
    code = match.group(1)
    family = reload_participant(code)
    assert family.status == Participant.Status.REFERRED
    assert family.referred_by == world.prof
    assert family.town == "Gent"  # filled in from the postcode
    assert family.languages == ["nl", "ar"]
    full_name = f"{FAMILY['first_name']} {FAMILY['last_name']}"
    expect(page.locator(".messages .alert-success")).to_contain_text(full_name)
    expect(page.locator("main h2").first).to_contain_text(full_name)
    # No consent to share yet: the referrer does not see the status.
    expect(page.locator("main .badge[class*=status-]")).to_have_count(0)
    expect(page.locator("main .bi-lock")).to_have_count(1)
    page.goto("/")
    prof_row = page.locator(f"section[aria-labelledby=prof-title] tr:has(a[href*='{code}'])")
    expect(prof_row).to_have_count(1)
    expect(prof_row.locator(".badge[class*=status-]")).to_have_count(0)
    logout(page)

    # -- The coordinator does the intake ----------------------------------------------
    login(world.coord)
    file_url = f"/p/{project.code}/participants/{code}/"
    page.goto(file_url)
    expect(page.locator("main h2 .badge.status-referred")).to_be_visible()
    with page.expect_navigation():
        page.locator(f"main a[href='{file_url}intake/']").click()
    expect(page.locator("#id_first_name")).to_have_value(FAMILY["first_name"])
    # Health and origin stay locked without that consent.
    expect(page.locator("#id_health_notes")).to_be_disabled()
    page.fill("#id_birth_year", "1988")
    page.fill("#id_request_in_own_words", "Ik wil dat mijn kinderen Gent leren kennen.")
    page.fill("#id_needs", "Nederlands oefenen, de weg vinden in de stad.")
    page.fill("#id_expectations", "Elke week samen iets doen, een paar uur.")
    page.fill("#id_buddy_will_not", "Geen administratie, geen vervoer met de auto.")
    page.check("input[name=availability][value=wed_afternoon]")
    page.check("input[name=availability][value=sat_morning]")
    page.fill("#id_interests", "wandelen, koken, voetbal")
    page.fill("#id_household-0-first_name", "Yasmina")
    page.select_option("#id_household-0-relation", "child")
    page.fill("#id_household-0-birth_year", str(today.year - 9))
    page.fill("#id_household-1-first_name", "Karim")
    page.select_option("#id_household-1-relation", "child")
    page.fill("#id_household-1-birth_year", str(today.year - 6))
    shot(page, screenshot_dir, "intake-form")
    submit(page, "main form.card")
    assert page.url.endswith(file_url), page.url
    expect(page.locator("main h2 .badge.status-intake")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Yasmina")
    family = reload_participant(code)
    assert family.intake_on == today and family.intake_by == world.coord
    assert family.interests == ["wandelen", "koken", "voetbal"]

    # -- ... and records consent, one purpose at a time -------------------------------
    with page.expect_navigation():
        page.locator(f"main a.btn[href='{file_url}consent/']").click()
    for purpose in PURPOSES_GIVEN:
        form = page.locator(f"main form:has(input[name=purpose][value={purpose}])")
        form.locator("input[name=given][value=yes]").check()
        expect(form.locator("input[name=given_by][value=participant]")).to_be_checked()
        form.locator("input[name=confirm]").check()
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert page.url.endswith(f"{file_url}consent/"), page.url
        expect(page.locator(f"#purpose-{purpose} .badge.text-bg-success")).to_be_visible()
    expect(
        page.locator(f"#purpose-{consent.SPECIAL_CATEGORY} .badge.text-bg-secondary")
    ).to_be_visible()
    shot(page, screenshot_dir, "consent")

    # -- ... and puts the family on the waiting list ----------------------------------
    page.goto(file_url)
    waiting_form = page.locator(f"main form[action='{file_url}waiting-list/']")
    waiting_form.locator("#id_urgency").select_option("normal")
    waiting_form.locator("#id_waiting_reason").select_option("no_buddy")
    with page.expect_navigation():
        waiting_form.locator("button[type=submit]").click()
    expect(page.locator("main h2 .badge.status-waiting")).to_be_visible()
    family = reload_participant(code)
    assert family.status == Participant.Status.WAITING
    assert family.waiting_since == today
    first_due = today + timedelta(days=interval)
    assert family.next_contact_due == first_due

    position = ahead + 1  # same urgency, same day, joined last
    estimate = estimate_wait(people_ahead=position - 1, matches=len(RECENT_MATCH_DAYS_AGO))
    assert estimate.months == pytest.approx(4.5)
    card = page.locator("main .card.border-primary")
    expect(card.locator(".estimate strong")).to_have_text(
        nl("Place %(position)s", position=position)
    )
    expect(card.locator(".estimate")).to_contain_text(nl_estimate(estimate))
    expect(card).to_contain_text(nl_day(first_due))
    shot(page, screenshot_dir, "file-waiting")

    page.goto(f"/p/{project.code}/waiting-list/")
    row = page.locator(f"main tbody tr:has(a[href='{file_url}'])")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_have_text(str(position))
    expect(row.locator("td").nth(3)).to_contain_text(nl_estimate(estimate))
    expect(row.locator("td").nth(4)).to_have_text(nl_day(first_due))
    expect(page.locator("main h2 .badge")).to_have_text(str(ahead + 1))
    shot(page, screenshot_dir, "waiting-list")
    # Nothing is due yet.
    page.goto(f"/p/{project.code}/waiting-list/?due=1")
    expect(page.locator("#due")).to_be_checked()
    expect(page.locator(f"main tbody a[href='{file_url}']")).to_have_count(0)
    logout(page)

    # -- A month later the keep-warm contact falls due --------------------------------
    later = timezone.now() + timedelta(days=interval + 1)
    with time_machine.travel(later, tick=True):
        day = timezone.localdate()
        assert day == today + timedelta(days=interval + 1)
        login(world.coord)
        due_tile = page.locator(
            f"a.figure-tile[href='/p/{project.code}/waiting-list/?due=1'] .figure-number"
        )
        expect(due_tile).to_have_text("1")  # the server's clock moved too
        # ... and the coordinator's "contacts due" panel names the family.
        expect(page.locator(f"main .list-group-item a[href='{file_url}']")).to_have_count(1)
        page.goto(f"/p/{project.code}/waiting-list/?due=1")
        row = page.locator(f"main tbody tr:has(a[href='{file_url}'])")
        expect(row).to_have_count(1)  # due (one day overdue) on the server's new date
        expect(page.locator("main tbody tr")).to_have_count(1)  # only this family
        expect(row.locator("td").nth(4).locator(".badge.text-bg-danger")).to_contain_text("1")
        expect(row.locator("td").nth(2)).to_have_text(str(interval + 1))  # days waiting

        with page.expect_navigation():
            row.locator(f"a[href='{file_url}']").click()
        with page.expect_navigation():
            page.locator(f"main a[href='{file_url}contacts/new/']").click()
        # The date is today already; the coordinator only changes it for an older call.
        expect(page.locator("#id_contacted_on")).to_have_value(day.isoformat())
        page.select_option("#id_kind", "phone")
        page.select_option("#id_outcome", "reached")
        page.fill("#id_note", "Alles goed, wacht nog graag op een buddy.")
        submit(page)
        assert page.url.endswith(file_url), page.url
        expect(page.locator(".messages .alert-success")).to_be_visible()
        next_due = day + timedelta(days=interval)
        expect(page.locator("main .card.border-primary")).to_contain_text(nl_day(next_due))
        expect(page.locator("main .list-group-item").first).to_contain_text(
            "Alles goed, wacht nog graag op een buddy."
        )
        family = reload_participant(code)
        assert family.last_contact_on == day
        assert family.next_contact_due == next_due
        with scopes_disabled():
            moment = ContactMoment.objects.get(participant=family)
        assert (moment.kind, moment.outcome, moment.by) == ("phone", "reached", world.coord)

        page.goto(f"/p/{project.code}/waiting-list/?due=1")
        expect(page.locator(f"main tbody a[href='{file_url}']")).to_have_count(0)
        page.goto(f"/p/{project.code}/waiting-list/")
        row = page.locator(f"main tbody tr:has(a[href='{file_url}'])")
        expect(row.locator("td").nth(4)).to_have_text(nl_day(next_due))
        logout(page)

        # -- The referrer sees the new status -----------------------------------------
        login(world.prof)
        prof_row = page.locator(f"section[aria-labelledby=prof-title] tr:has(a[href='{file_url}'])")
        expect(prof_row.locator(".badge.status-waiting")).to_have_text(nl("on the waiting list"))
        with page.expect_navigation():
            prof_row.locator(f"a[href='{file_url}']").click()
        expect(page.locator("main h2 .badge.status-waiting")).to_be_visible()
        expect(page.locator("main .estimate")).to_contain_text(nl_estimate(estimate))
        expect(page.locator("main .estimate strong")).to_contain_text(
            nl("Place %(position)s on the waiting list.", position=position)
        )
        # What the referrer must not see: the intake and the keep-warm notes.
        body = page.content()
        assert "Alles goed, wacht nog graag op een buddy." not in body
        assert "Ik wil dat mijn kinderen Gent leren kennen." not in body
        expect(page.locator(f"main a[href='{file_url}intake/']")).to_have_count(0)
    events.assert_clean()


@pytest.mark.parametrize("form", ["contacts", "offers"])
def test_contact_and_offer_forms_start_with_todays_date(transactional_db, page, login, form):
    world = build_world()
    login(world.coord)
    file_url = f"/p/{world.project.code}/participants/{world.participant.code}/"
    page.goto(f"{file_url}{form}/new/")
    field = "#id_contacted_on" if form == "contacts" else "#id_offered_on"
    expect(page.locator(field)).to_have_value(timezone.localdate().isoformat(), timeout=1000)


# --- 2. The public sign-up on a phone, in plain language -----------------------------

PHONE = {"width": 390, "height": 844}
# Sentence length on the public page, in words: none longer, and short on average.
MAX_WORDS = 20
MEAN_WORDS = 10
# Words a person with low literacy should not meet on the public page (nl and en).
JARGON = re.compile(
    r"\b(AVG|GDPR|intake|deelnemer|participant|doorverwijz\w*|referral|verwerk\w*|"
    r"processing|rechtsgrond|legal basis|persoonsgegevens|personal data)\b",
    re.IGNORECASE,
)


def test_public_signup_works_on_a_phone_in_plain_language(
    transactional_db, page, login, events, screenshot_dir
):
    world = build_world()
    project = world.project
    page.set_viewport_size(PHONE)
    url = f"/public/projects/{project.code}/sign-up/"
    response = page.goto(url)
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_contain_text(nl("Would you like a buddy?"))
    expect(page.locator("main .lead")).to_have_text(project.name)
    expect(page.locator(".public-steps li")).to_have_count(3)
    shot(page, screenshot_dir, "public-signup-390")
    assert no_sideways_scroll(page) <= 0, "the page is wider than a 390px phone"

    # Big, labelled fields that use the phone's width.
    form = page.locator("main form[method=post]")
    main_width = page.locator("main").bounding_box()["width"]
    for name in ("first_name", "last_name", "phone", "email", "postcode", "help_request"):
        field = form.locator(f"#id_{name}")
        expect(field).to_be_visible()
        expect(form.locator(f"label[for=id_{name}]")).to_be_visible()
        box = field.bounding_box()
        assert box["width"] >= 0.75 * main_width, (name, box, main_width)
        assert box["height"] >= 44, (name, box)  # a finger-sized target
        size = field.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 16, (name, size)  # below 16px phones zoom in on focus
    expect(form.locator("#id_phone")).to_have_attribute("inputmode", "tel")
    expect(form.locator("#id_postcode")).to_have_attribute("inputmode", "numeric")
    button = form.locator("button[type=submit]")
    assert button.bounding_box()["height"] >= 44
    # The robot trap stays out of sight and out of the tab order.
    expect(form.locator("#id_website")).not_to_be_in_viewport()
    expect(form.locator("#id_website")).to_have_attribute("tabindex", "-1")

    # Plain language (B1, "klare taal"): short sentences, no jargon.
    text = page.locator("main").inner_text()
    assert not JARGON.search(text), JARGON.search(text)
    sentences = [s.split() for s in re.split(r"[.?!\n]+", text) if s.strip()]
    longest = max(sentences, key=len)
    assert len(longest) <= MAX_WORDS, " ".join(longest)
    average = sum(map(len, sentences)) / len(sentences)
    assert average <= MEAN_WORDS, (average, sentences)

    # Sending nothing: the errors are shown, on the phone too.
    with page.expect_navigation():
        button.click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_first_name_error")).to_be_visible()
    expect(page.locator("#id_phone_error")).to_have_text(
        nl("Give a phone number or an e-mail address.")
    )
    assert no_sideways_scroll(page) <= 0
    shot(page, screenshot_dir, "public-signup-390-errors")

    page.fill("#id_first_name", "Joke")
    page.fill("#id_last_name", "Zelfmelder")
    page.fill("#id_phone", "0489 98 76 54")
    page.fill("#id_postcode", "9050")
    page.fill("#id_help_request", "Ik ben veel alleen. Ik wil graag iemand om mee te wandelen.")
    page.check("input[name=languages][value=nl]")
    page.check("#id_consent")
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    assert page.url.endswith(f"/public/projects/{project.code}/sign-up/thanks/"), page.url
    expect(page.locator("h1")).to_contain_text(nl("Thank you. We received your sign-up."))
    assert no_sideways_scroll(page) <= 0

    with scopes_disabled():
        person = Participant.objects.get(project=project, last_name="Zelfmelder")
        assert person.source == Participant.Source.SELF
        assert person.status == Participant.Status.REFERRED
        assert person.postcode == "9050" and person.town  # town from the postcode
        purposes = list(person.consent_records.values_list("purpose", "given"))
    # The box says "keep my details to contact me": that purpose only; support by a
    # buddy is asked at the intake.
    assert purposes == [(consent.KEEP_IN_TOUCH, True)]

    # The coordinator sees a sign-up, not a referral, and no waiting list yet.
    page.set_viewport_size({"width": 1280, "height": 900})
    login(world.coord)
    page.goto(f"/p/{project.code}/participants/{person.code}/")
    expect(page.locator("main h2").first).to_contain_text(nl("signed up themselves"))
    expect(page.locator("main h2 .badge")).not_to_contain_text(nl("referred"))
    shot(page, screenshot_dir, "file-self-registered")
    # The form with errors answers 400 on purpose; Chromium logs that status. Nothing else.
    events.console_errors = [
        e for e in events.console_errors if not ("status of 400" in e and url in e)
    ]
    events.assert_clean()
