"""WCAG 2.1 A/AA in a real Chromium, measured with axe-core (issue 11).

Each role's main pages, on a 390 px phone and a 1280 px desktop, in Dutch and English:
dashboard, lists, a participant's and a buddy's file, a form sent empty (its errors), the
public sign-up and vacancy pages and the API documentation. Zero violations. Then the
keyboard: Tab reaches a table that scrolls sideways, and the focus outline is visible.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations, format_violations, run_axe
from tests.conftest import build_world
from tests.factories import ParticipantFactory
from tests.followup import factories as ff
from tests.volunteers.factories import VacancyFactory

# HTML and CSS against axe-core: the same pages on either database.
pytestmark = [pytest.mark.browser, pytest.mark.one_database]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = {"390": PHONE, "1280": DESKTOP}
LANGUAGES = ("nl", "en")


def set_language(page, code: str) -> None:
    origin = page.url.split("/", 3)[:3]
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": code, "url": "/".join(origin)}]
    )


def submit_empty(page) -> None:
    """Send the page's main form as it is (required fields empty): the errors come back."""
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    # The summary has the focus, so it is read out first.
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')")


class Audit:
    """Scans page after page; one assertion at the end lists every violation found."""

    def __init__(self, page):
        self.page = page
        self.page.axe_audit.enabled = False  # this test scans every state itself
        self.failures: list[str] = []
        self.scanned: list[str] = []

    def scan(self, label: str) -> None:
        lang = self.page.evaluate("() => document.documentElement.lang")
        width = self.page.viewport_size["width"]
        where = f"{label} [{width}px, {lang}] {self.page.url}"
        self.scanned.append(where)
        violations = run_axe(self.page)
        if violations:
            self.failures.append(format_violations(violations, where))

    def visit(self, path: str, label: str | None = None) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == 200, (path, response)
        self.scan(label or path)

    def assert_clean(self) -> None:
        assert self.scanned
        assert not self.failures, "\n\n".join(self.failures)


def test_the_checker_finds_and_names_a_violation(page):
    """The axe helper really runs and its message says rule, impact and where."""
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" class="no-alt">'
        "</main></body></html>"
    )
    with pytest.raises(AssertionError) as failure:
        assert_no_axe_violations(page)
    message = str(failure.value)
    assert "image-alt [critical]" in message and "img" in message, message


def role_pages(world, role: str) -> list[tuple[str, str]]:
    project = f"/p/{world.project.code}"
    participant = f"{project}/participants/{world.participant.code}"
    if role == "project_coordinator":
        return [
            ("dashboard", "/"),
            ("project", f"{project}/"),
            ("participant list", f"{project}/participants/"),
            ("waiting list", f"{project}/waiting-list/"),
            ("participant file", f"{participant}/"),
            ("intake", f"{participant}/intake/"),
            ("consent", f"{participant}/consent/"),
            ("buddy list", f"{project}/buddies/"),
            ("buddy board", f"{project}/buddies/board/"),
            ("buddy file", f"{project}/buddies/{world.buddy.code}/"),
            ("buddy pool", f"{project}/buddies/pool/"),
            ("vacancies", f"{project}/vacancies/"),
            ("trajectories", f"{project}/trajectories/"),
            ("follow-up", f"{project}/follow-up/"),
            ("signals", f"{project}/signals/"),
            ("matching", f"{project}/matching/"),
            ("settings", f"{project}/settings/"),
            ("team", f"{project}/team/"),
            ("history", f"{project}/history/"),
        ]
    if role == "network_coordinator":
        return [("dashboard", "/"), ("network", f"/network/{world.network.code}/")]
    if role == "professional":
        return [("dashboard", "/"), ("referred participant", f"{participant}/")]
    if role == "buddy":
        return [
            ("dashboard", "/"),
            ("my buddy profile", f"{project}/me/buddy/"),
            ("edit my buddy profile", f"{project}/me/buddy/edit/"),
        ]
    return [("dashboard", "/")]


ROLES = ["project_coordinator", "network_coordinator", "professional", "buddy", "participant"]


@pytest.mark.parametrize("width", VIEWPORTS)
@pytest.mark.parametrize("role", ROLES)
def test_each_roles_pages_have_no_axe_violations(transactional_db, page, login, role, width):
    world = build_world()
    with scopes_disabled():  # a waiting list long enough to be a real table
        for i in range(3):
            ParticipantFactory(project=world.project, first_name=f"Wachtende{i}")
    page.set_viewport_size(VIEWPORTS[width])
    login(world.user(role))
    audit = Audit(page)
    for lang in LANGUAGES:
        set_language(page, lang)
        for label, path in role_pages(world, role):
            audit.visit(path, label)
        if role in ("project_coordinator", "professional"):
            # A form sent empty: the error summary, the fields marked invalid.
            audit.visit(f"/p/{world.project.code}/participants/refer/", "referral form")
            submit_empty(page)
            audit.scan("referral form with errors")
    audit.assert_clean()


@pytest.mark.parametrize("width", VIEWPORTS)
def test_public_pages_have_no_axe_violations(transactional_db, page, width):
    world = build_world()
    with scopes_disabled():
        vacancy = VacancyFactory(project=world.project, title="Buddy voor een eenzame oudere")
    page.set_viewport_size(VIEWPORTS[width])
    audit = Audit(page)
    page.goto("/accounts/login/")
    for lang in LANGUAGES:
        set_language(page, lang)
        audit.visit("/accounts/login/", "log-in")
        audit.visit(f"/public/projects/{world.project.code}/sign-up/", "public sign-up")
        submit_empty(page)
        audit.scan("public sign-up with errors")
        audit.visit(f"/public/vacancies/{vacancy.code}/", "public vacancy")
        submit_empty(page)
        audit.scan("public vacancy with errors")
    audit.assert_clean()


def test_api_documentation_has_no_axe_violations(transactional_db, page, login):
    """Swagger UI, served locally: page language, darker colours (buddynet/swagger.css),
    and no link nested inside an operation's button (deep links are off)."""
    world = build_world()
    login(world.coord)
    audit = Audit(page)
    for lang in LANGUAGES:
        set_language(page, lang)
        page.goto("/api/v1/docs")
        expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)  # a big bundle
        expect(page.locator("html")).to_have_attribute("lang", lang)
        audit.scan("API documentation")
        page.locator(".opblock-summary-control").first.click()  # one operation opened
        expect(page.locator(".opblock-body").first).to_be_visible()
        audit.scan("API documentation, one operation open")
    audit.assert_clean()


@pytest.mark.parametrize("width", VIEWPORTS)
def test_trajectory_pages_have_no_axe_violations(transactional_db, page, login, width):
    """A running trajectory: its file, goals, journal and follow-up for the coordinator;
    the buddy's dashboard and the boundary-signal form, empty and with its errors."""
    world = build_world()
    with scopes_disabled():
        trajectory = ff.trajectory(world)
    project = f"/p/{world.project.code}"
    base = f"{project}/trajectories/{trajectory.code}"
    page.set_viewport_size(VIEWPORTS[width])
    login(world.coord)
    audit = Audit(page)
    for lang in LANGUAGES:
        set_language(page, lang)
        for label, path in [
            ("trajectory list", f"{project}/trajectories/"),
            ("trajectory", f"{base}/"),
            ("goals", f"{base}/goals/"),
            ("new journal entry", f"{base}/journal/new/"),
            ("follow-up with a conversation due", f"{project}/follow-up/"),
            ("dashboard with a trajectory", "/"),
        ]:
            audit.visit(path, label)
    page.context.clear_cookies()
    login(world.buddy_user)
    for lang in LANGUAGES:
        set_language(page, lang)
        audit.visit("/", "buddy dashboard with a trajectory")
        audit.visit(f"{base}/signal/", "boundary-signal form")
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").last.click()
        audit.scan("boundary-signal form with errors")
    audit.assert_clean()


# --- Keyboard ---------------------------------------------------------------------


def test_tab_reaches_a_table_that_scrolls_sideways_on_a_phone(
    transactional_db, page, login, events
):
    world = build_world()
    with scopes_disabled():
        for i in range(3):
            ParticipantFactory(project=world.project, first_name=f"Wachtende{i}")
    page.set_viewport_size(PHONE)
    login(world.coord)
    page.goto(f"/p/{world.project.code}/waiting-list/")
    region = page.locator(".table-responsive").first
    assert region.evaluate("e => e.scrollWidth > e.clientWidth"), "the table fits: no test"
    expect(region).to_have_attribute("role", "region")
    expect(region).to_have_attribute("tabindex", "0")
    name = region.get_attribute("aria-label")
    assert name and name.strip()
    # The hint that the table scrolls sideways is shown above it.
    hint = page.locator(".table-scroll-hint").first
    expect(hint).to_be_visible()
    expect(hint).not_to_be_empty()

    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('table-responsive')"):
            break
    else:
        pytest.fail("Tab never reached the scrolling table")
    assert_focus_outline_visible(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.activeElement.scrollLeft > 0", timeout=2000
    )  # the arrow keys scroll it

    # At desktop width the table fits: no region, no hint, nothing extra to tab through.
    page.set_viewport_size(DESKTOP)
    page.wait_for_function(
        "() => !document.querySelector('.table-responsive').hasAttribute('tabindex')"
    )
    expect(page.locator(".table-scroll-hint")).to_have_count(0)
    events.assert_clean()


CONTRAST = """(el) => {
  function rgba(text) {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  }
  function luminance(c) {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function background(node) {
    // The colour the outline sits on: the first opaque background around the element.
    for (let n = node.parentElement; n; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c && c.a > 0.9) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  }
  const target = el.matches(".btn-check") ? el.nextElementSibling : el;
  const style = getComputedStyle(target);
  const outline = rgba(style.outlineColor);
  const width = parseFloat(style.outlineWidth);
  const bg = background(target);
  const [hi, lo] = [luminance(outline), luminance(bg)].sort((a, b) => b - a);
  return {
    style: style.outlineStyle, width: width, color: style.outlineColor,
    background: `rgb(${bg.r}, ${bg.g}, ${bg.b})`, ratio: (hi + 0.05) / (lo + 0.05),
    tag: target.tagName + "." + target.className,
  };
}"""


def assert_focus_outline_visible(page) -> dict:
    focus = page.evaluate_handle("() => document.activeElement")
    result = focus.evaluate(CONTRAST)
    assert result["style"] != "none" and result["width"] >= 2, result
    assert result["ratio"] >= 3, result
    return result


@pytest.mark.parametrize(
    "selector",
    [
        "header .navbar-brand",  # a link
        "header .language-switch button[aria-pressed=false]",  # an outline button
        "header .language-switch button[aria-pressed=true]",  # a filled button
        "main input[name=first_name]",  # a form control
        "main input[type=checkbox]",  # a check box
        "main button[type=submit]",  # the primary button
    ],
)
def test_keyboard_focus_outline_has_contrast(transactional_db, page, login, selector):
    """Focused by keyboard, every kind of control shows an outline of at least 3:1."""
    world = build_world()
    page.goto(f"/public/projects/{world.project.code}/sign-up/")
    page.keyboard.press("Tab")  # keyboard modality: :focus-visible applies from now on
    page.locator(selector).first.focus()
    assert_focus_outline_visible(page)


def test_focus_outline_on_nav_links_and_button_labels(transactional_db, page, login):
    """A nav link in the project menu, one in the main menu, and a radio drawn as a
    button (.btn-check: the label shows the focus of its hidden input)."""
    world = build_world()
    with scopes_disabled():
        trajectory = ff.trajectory(world)
    login(world.coord)
    page.goto(f"/p/{world.project.code}/participants/")
    page.keyboard.press("Tab")
    page.locator("main .nav-link").first.focus()
    assert_focus_outline_visible(page)
    page.locator("header .nav-link").first.focus()
    assert_focus_outline_visible(page)

    page.context.clear_cookies()
    login(world.buddy_user)
    page.goto(f"/p/{world.project.code}/trajectories/{trajectory.code}/signal/")
    page.keyboard.press("Tab")
    page.locator("input.btn-check").first.focus()
    result = assert_focus_outline_visible(page)
    assert result["tag"].startswith("LABEL"), result
