"""Real-browser fixtures: one Chromium per session, a fresh context per test.

Debian's Chromium at /usr/bin/chromium, never a downloaded one. Every request is routed:
anything not aimed at the live server is aborted and recorded, so a test can assert the
app makes no third-party calls. Console errors, uncaught page errors and CSP violations
are collected too.

Accessibility: every page a browser test opens is checked with axe-core (WCAG 2.1 A and
AA) — after each ``page.goto``/``reload``/``go_back``, after each ``expect_navigation``
block and once more at the end of the test. Each distinct page state (URL pattern,
viewport class, language, and a small fingerprint of what is on it) is scanned once per
session; violations fail the test that first reached that state, at teardown.
``assert_no_axe_violations(page)`` checks the current page on demand.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

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
TIMEOUT_MS = int(os.environ.get("BROWSER_TIMEOUT_MS", "10000"))  # raise on a loaded machine

# axe-core, vendored (pinned and sha-checked) by scripts/vendor_static.sh; test-only.
AXE_PATH = BROWSER_DIR / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Rules switched off on one page only, each with its reason. Keep this list short.
# (page path pattern, axe rule id, reason). None today: the API docs page (Swagger UI)
# had nested links inside its operation buttons; deep links are off now (buddynet.api).
AXE_PAGE_EXCEPTIONS: list[tuple[re.Pattern, str, str]] = []
_UUID_OR_NUMBER = re.compile(
    r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+)$", re.I
)

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


# --- axe-core ----------------------------------------------------------------------


@functools.cache
def _axe_source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


# Run through the DevTools protocol (page.evaluate), which our CSP (script-src 'self')
# does not apply to; a <script> tag with the source inline would be blocked.
_AXE_RUN = """async ([context, tags, disabled]) => {
  const results = await window.axe.run(context || document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
    rules: Object.fromEntries(disabled.map((id) => [id, {enabled: false}])),
  });
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(String).join(" "),
      summary: (n.failureSummary || "").split("\\n").slice(1).join(" ").trim(),
    })),
  }));
}"""


def _page_path(page) -> str:
    return urlsplit(page.url).path


def run_axe(page, context: str | None = None) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations on the current page (minus the written exceptions)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    path = _page_path(page)
    disabled = [rule for pattern, rule, _ in AXE_PAGE_EXCEPTIONS if pattern.search(path)]
    return page.evaluate(_AXE_RUN, [context, AXE_TAGS, disabled])


def format_violations(violations: list[dict], where: str) -> str:
    lines = [f"{len(violations)} WCAG 2.1 A/AA violation(s) (axe-core) on {where}:"]
    for v in violations:
        lines.append(f"  {v['id']} [{v['impact']}] {v['help']}")
        for node in v["nodes"][:8]:
            lines.append(f"    - {node['target']}: {node['summary'][:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def _where(page) -> str:
    size = page.viewport_size or {}
    lang = page.evaluate("() => document.documentElement.lang")
    return f"{page.url} ({size.get('width')}px, lang={lang or '?'})"


def assert_no_axe_violations(page, context: str | None = None) -> None:
    """Fail with a readable list (rule, impact, selectors) if axe finds a violation."""
    violations = run_axe(page, context)
    assert not violations, format_violations(violations, _where(page))


_NAVIGATED = re.compile(r"context was destroyed|navigat|Target (page, context or browser )?closed")

# Each page state once per session: the suite opens the same pages many times.
_AXE_SEEN: set[tuple] = set()

_STATE = """() => {
  const main = document.querySelector("main") || document.body;
  return {
    html: document.contentType === "text/html",
    lang: document.documentElement.lang,
    shape: [
      main.querySelectorAll("table").length,
      main.querySelectorAll("form").length,
      main.querySelectorAll("h2").length,
      document.querySelectorAll(".is-invalid, .error-summary, .alert-danger").length > 0,
      document.querySelectorAll("[aria-expanded=true]").length > 0,
    ].join(","),
  };
}"""


@dataclass
class AxeAudit:
    """Scans each new page state a test reaches; reports the violations at teardown."""

    page: object
    failures: list[str] = field(default_factory=list)
    enabled: bool = True

    def key(self) -> tuple | None:
        url = urlsplit(self.page.url)
        if url.scheme not in ("http", "https"):
            return None
        state = self.page.evaluate(_STATE)
        if not state["html"]:
            return None
        pattern = "/".join(
            "*" if _UUID_OR_NUMBER.match(part) else part for part in url.path.split("/")
        )
        width = (self.page.viewport_size or {}).get("width", 0)
        size = "phone" if width < 576 else "tablet" if width < 992 else "desktop"
        query = tuple(sorted({k for k, _ in parse_qsl(url.query)}))
        return (pattern, query, size, state["lang"], state["shape"])

    def scan(self) -> None:
        if not self.enabled or self.page.is_closed():
            return
        try:
            self.page.wait_for_load_state("load")
            key = self.key()
        except Exception:  # the page is navigating away right now: the next scan sees it
            return
        if key is None or key in _AXE_SEEN:
            return
        try:
            violations = run_axe(self.page)
        except Exception as error:  # only a navigation during the scan is let pass
            if not _NAVIGATED.search(str(error)):
                raise
            return
        _AXE_SEEN.add(key)
        if violations:
            self.failures.append(format_violations(violations, _where(self.page)))


def _watch(page, audit: AxeAudit) -> None:
    """Scan after every navigation the test makes through the page."""

    def after(method):
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            result = method(*args, **kwargs)
            audit.scan()
            return result

        return wrapper

    for name in ("goto", "reload", "go_back", "go_forward", "wait_for_url"):
        setattr(page, name, after(getattr(page, name)))

    original_expect_navigation = page.expect_navigation

    @contextlib.contextmanager
    def expect_navigation(*args, **kwargs):
        with original_expect_navigation(*args, **kwargs) as info:
            yield info
        audit.scan()

    page.expect_navigation = expect_navigation


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
    audit = AxeAudit(page)
    page.axe_audit = audit  # a test may set page.axe_audit.enabled = False, with a reason
    _watch(page, audit)
    yield page
    audit.scan()  # the state the test ended in (htmx swaps, opened menus, ...)
    page.close()
    if audit.failures:
        pytest.fail("\n\n".join(audit.failures), pytrace=False)


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
