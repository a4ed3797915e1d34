"""Each role in a real Chromium: log-in, dashboard, language, tenancy, keyboard, charts."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from tests.conftest import build_world

pytestmark = pytest.mark.browser

DASHBOARD_ROLES = [
    "network_coordinator",
    "project_coordinator",
    "professional",
    "buddy",
    "participant",
]
# The heading of each role's own dashboard section.
ROLE_SECTION = {
    "project_coordinator": "#coord-title",
    "professional": "#prof-title",
    "buddy": "#buddy-title",
    "participant": "#part-title",
}
NOT_FOUND_HEADING = "We cannot find this page"


def nl_catalog() -> gettext.NullTranslations | None:
    """The compiled Dutch messages of every catalogue (the shared one and each app's),
    if `make messages` has been run."""
    catalog = None
    for folder in django_settings.LOCALE_PATHS:
        mo = Path(folder) / "nl" / "LC_MESSAGES" / "django.mo"
        if mo.exists():
            with mo.open("rb") as handle:
                translations = gettext.GNUTranslations(handle)
            if catalog is None:
                catalog = translations
            else:
                catalog.add_fallback(translations)
    return catalog


def not_found_headings() -> re.Pattern:
    """The 404 heading in English, or in Dutch once the catalog translates it."""
    catalog = nl_catalog()
    texts = {NOT_FOUND_HEADING, catalog.gettext(NOT_FOUND_HEADING) if catalog else ""}
    return re.compile("|".join(re.escape(t) for t in sorted(texts) if t))


def language_button(page, code: str):
    return page.locator(f'form[action="/i18n/setlang/"] button[name=language][value="{code}"]')


def switch_language(page, code: str) -> None:
    with page.expect_navigation():
        language_button(page, code).click()
    assert_language(page, code)


def assert_language(page, code: str) -> None:
    other = "en" if code == "nl" else "nl"
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(language_button(page, code)).to_have_attribute("aria-pressed", "true")
    expect(language_button(page, other)).to_have_attribute("aria-pressed", "false")


# --- 1. Every role logs in through the real form and sees its own dashboard ----------


@pytest.mark.parametrize("role", DASHBOARD_ROLES)
def test_role_logs_in_and_sees_own_dashboard(transactional_db, page, login, events, role):
    world = build_world()
    user = world.user(role)
    login(user)

    assert re.fullmatch(r"http://[^/]+/", page.url), page.url
    expect(page.locator("h1")).to_contain_text(user.first_name)

    if role == "network_coordinator":
        section = page.locator(f"section[aria-labelledby='net-{world.network.code}']")
        expect(section).to_be_visible()
        expect(section.locator("h2")).to_have_text(world.network.name)
        projects = section.locator("table tbody th[scope=row] a")
        expect(projects).to_have_text([world.project.name, world.sibling.name])
        # Figures only: not the other network, and no names of people.
        assert world.other.name not in page.content()
        assert world.participant.last_name not in page.content()
    else:
        expect(page.locator(ROLE_SECTION[role])).to_be_visible()

    if role != "project_coordinator":
        expect(page.locator("#coord-title")).to_have_count(0)
        expect(page.locator("canvas#chart-inflow")).to_have_count(0)
    if role == "professional":
        expect(page.locator("section[aria-labelledby=prof-title]")).to_contain_text(
            world.participant.full_name
        )
    events.assert_clean()


# --- 2. Language switch: NL -> EN -> NL, and it sticks ------------------------------


def test_language_switch_follows_and_sticks(transactional_db, page, login, events):
    world = build_world()
    login(world.coord)
    h1 = page.locator("h1")
    assert_language(page, "nl")  # a Flemish browser gets Dutch first

    catalog = nl_catalog()
    hello_nl = catalog.gettext("Hello %(name)s") if catalog else "Hello %(name)s"
    if hello_nl != "Hello %(name)s":  # translated: the greeting must really be Dutch
        expect(h1).to_have_text(hello_nl % {"name": world.coord.first_name})

    switch_language(page, "en")
    expect(h1).to_have_text(f"Hello {world.coord.first_name}")
    assert any(
        c["name"] == django_settings.LANGUAGE_COOKIE_NAME and c["value"] == "en"
        for c in page.context.cookies()
    )
    # The choice sticks on the next page, whatever the browser's Accept-Language says.
    page.goto(f"/p/{world.project.code}/participants/")
    assert_language(page, "en")

    switch_language(page, "nl")
    assert page.url.endswith(f"/p/{world.project.code}/participants/")  # back where we were
    page.goto("/")
    assert_language(page, "nl")
    if hello_nl != "Hello %(name)s":
        expect(h1).to_have_text(hello_nl % {"name": world.coord.first_name})
    events.assert_clean()


# --- 3. Tenancy in the browser: typing another project's URL gives a 404 -------------


def test_coordinator_sees_own_participant_but_not_another_projects(
    transactional_db, page, login, events
):
    world = build_world()
    login(world.coord)

    own = f"/p/{world.project.code}/participants/{world.participant.code}/"
    response = page.goto(own)
    assert response.status == 200
    expect(page.locator("main h2").first).to_contain_text(world.participant.full_name)

    other = world.other_participant
    for url in (
        f"/p/{world.other.code}/participants/{other.code}/",  # project B's own URL
        f"/p/{world.project.code}/participants/{other.code}/",  # B's person under A's URL
    ):
        response = page.goto(url)
        assert response.status == 404, url
        expect(page.locator("h1")).to_have_text(not_found_headings())
        body = page.content()
        assert other.first_name not in body
        assert other.last_name not in body
    # The 404 page is a normal page: no console noise apart from its own 404 status.
    events.console_errors = [
        e for e in events.console_errors if not ("status of 404" in e and str(other.code) in e)
    ]
    events.assert_clean()


def test_professional_opens_the_person_they_referred(transactional_db, page, login, events):
    world = build_world()
    login(world.prof)
    # From the dashboard, by the link: as a user would.
    with page.expect_navigation():
        page.get_by_role("link", name=world.participant.full_name).click()
    assert page.url.endswith(f"/p/{world.project.code}/participants/{world.participant.code}/")
    response = page.goto(page.url)
    assert response.status == 200
    expect(page.locator("main h2").first).to_contain_text(world.participant.full_name)
    assert world.participant.health_notes not in page.content()  # coordinators only
    events.assert_clean()


# --- 4. Keyboard: the skip link comes first and moves focus to main ------------------


@pytest.mark.parametrize("where", ["login", "dashboard"])
def test_first_tab_reaches_skip_link_and_enter_focuses_main(
    transactional_db, page, login, events, where
):
    world = build_world()
    if where == "dashboard":
        login(world.coord)
    page.goto("/" if where == "dashboard" else "/accounts/login/")

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className,"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert "skip-link" in focused["cls"], focused
    assert focused["href"] == "#main"
    skip = page.locator("a.skip-link")
    expect(skip).to_be_visible()  # visually-hidden-focusable shows itself on focus
    box = skip.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10

    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'main'")
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN"
    events.assert_clean()


# --- 5. The coordinator's chart is drawn by the vendored Chart.js --------------------


def test_coordinator_chart_is_drawn(transactional_db, page, login, events):
    world = build_world()
    login(world.coord)
    canvas = page.locator("canvas[data-chart]#chart-inflow")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 50, box

    assert page.evaluate("() => typeof window.Chart") == "function"
    drawn = page.evaluate(
        """() => {
          const canvas = document.getElementById("chart-inflow");
          const chart = window.Chart.getChart(canvas);
          const ctx = canvas.getContext("2d");
          const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
          return {
            chart: Boolean(chart),
            width: canvas.width,
            height: canvas.height,
            painted: painted,
            bars: chart ? chart.data.datasets[0].data.reduce((a, b) => a + b, 0) : 0,
          };
        }"""
    )
    assert drawn["chart"], "Chart.js did not attach a chart to the canvas"
    assert drawn["width"] > 0 and drawn["height"] > 0
    assert drawn["painted"] > 100, drawn  # axes, labels and bars: not a blank canvas
    assert drawn["bars"] >= 1  # the referrals of this month are counted
    events.assert_clean()


# --- 6. Screenshots of each dashboard, in both languages -----------------------------


@pytest.mark.parametrize("role", DASHBOARD_ROLES)
def test_dashboard_screenshots(transactional_db, page, login, events, screenshot_dir, role):
    world = build_world()
    login(world.user(role))
    assert_language(page, "nl")
    page.screenshot(path=str(screenshot_dir / f"{role}-nl.png"), full_page=True)

    if role == "project_coordinator":
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        page.screenshot(path=str(screenshot_dir / f"{role}-mobile-nl.png"), full_page=True)
        # Nothing sticks out sideways on a phone.
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"page is {overflow}px wider than a 390px phone"
        page.set_viewport_size({"width": 1280, "height": 900})

    switch_language(page, "en")
    page.screenshot(path=str(screenshot_dir / f"{role}-en.png"), full_page=True)
    for lang in ("nl", "en"):
        assert (screenshot_dir / f"{role}-{lang}.png").stat().st_size > 5_000
    events.assert_clean()
