"""Real-browser fixtures: one Chromium per session, a fresh context per test.

Debian's Chromium at /usr/bin/chromium, never a downloaded one. Every request is routed:
anything not aimed at the live server is aborted and recorded, so a test can assert the
app makes no third-party calls. Console errors, uncaught page errors and CSP violations
are collected too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_DIR = Path(__file__).resolve().parent
SCREENSHOT_DIR = BROWSER_DIR.parents[1] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000

# Reports every CSP violation to Python; exposed functions survive navigations.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__reportCspViolation({
    directive: e.effectiveDirective || e.violatedDirective,
    blocked: e.blockedURI,
    source: e.sourceFile,
    line: e.lineNumber,
    sample: e.sample,
    page: document.location.href,
  });
});
"""


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser/ carries the ``browser`` marker."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@dataclass
class BrowserEvents:
    """What happened in the page during one test."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[dict] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.blocked_requests == [], f"third-party requests: {self.blocked_requests}"
        assert self.csp_violations == [], f"CSP violations: {self.csp_violations}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.page_errors == [], f"uncaught page errors: {self.page_errors}"


@pytest.fixture(scope="session")
def _playwright():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def insecure_cookies(settings):
    """The live server speaks plain http: Secure cookies would never be sent back."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False


@pytest.fixture
def events() -> BrowserEvents:
    return BrowserEvents()


@pytest.fixture
def context(browser, live_server, insecure_cookies, events):
    origin = urlsplit(live_server.url)
    context = browser.new_context(
        base_url=live_server.url,
        locale="nl-BE",  # a Flemish browser: Accept-Language asks for Dutch
        timezone_id="Europe/Brussels",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)

    def route(route, request):
        url = urlsplit(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != origin.netloc:
            events.blocked_requests.append(request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", route)

    def report_csp_violation(violation):
        events.csp_violations.append(violation)

    context.expose_function("__reportCspViolation", report_csp_violation)
    context.add_init_script(CSP_LISTENER)
    yield context
    context.close()


@pytest.fixture
def page(context, events):
    page = context.new_page()

    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            events.console_errors.append(f"{message.text} ({location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: events.page_errors.append(str(error)))
    yield page
    page.close()


@pytest.fixture
def login(page):
    """Log in through the real allauth form and wait for the dashboard."""
    from tests.factories import PASSWORD

    def do_login(user, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.locator("form:has(input[name=password]) button[type=submit]").first.click()
        return page

    return do_login


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
