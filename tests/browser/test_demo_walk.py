"""Issue 11, "Done when": the seeded demo walked in a real Chromium as each of its roles,
on a phone (390 px) and on a desktop (1280 px), in Dutch, then each role's first pages
again in English (chosen with the page's language switch).

One seeded database for the whole walk (``seed-demo``'s own code, at the size
``make demo`` loads): each demo login signs in once and opens the pages that role uses
most, at desktop width and again at phone width. Every page is photographed
(``test-artifacts/screenshots/demo-<role>-<page>-<width>.png``) and checked for what
issue 11 found: a page wider than the phone, raw audit codes ("buddy.viewed") in a
history, document hashes shown to a volunteer, a buddy reading a participant's surname,
"(niet verplicht)" twice, the server's address in the text, dashboard figures that
disagree with the lists they link to (or with the network's figures), a matched file that
does not lead to its trajectory or still offers waiting-list actions. axe-core (WCAG 2.1
A/AA) runs on every page and width through the browser conftest. The walk collects every
problem and reports them together, so one run shows all that is wrong.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db.models import Case, When
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.core.audit_labels import LABELS
from buddynet.matching.models import Proposal
from buddynet.participants import consent
from buddynet.participants import services as participant_services
from buddynet.participants.models import Participant
from buddynet.site import demo
from buddynet.tenancy.models import Network, Project
from buddynet.trajectories.models import Trajectory
from buddynet.trajectories.services import OPEN_STATUSES
from buddynet.volunteers.models import Buddy

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = (DESKTOP, PHONE)
SCALE = 250  # what `make demo` loads (seed-demo's default)
HEX_HASH = re.compile(r"\b[0-9a-f]{64}\b")


@dataclass
class Walk:
    """What the walk found, page by page; reported together at the end."""

    page: object
    screenshot_dir: object
    problems: list[str] = field(default_factory=list)
    shots: list[str] = field(default_factory=list)
    language: str = "nl"  # the walk's language; English screenshots end in "-en"

    def visit(self, role: str, name: str, url: str, check=None) -> None:
        """Open ``url`` at each width, photograph it, run the common checks (and
        ``check(page, where)`` if given)."""
        started, cpu = time.monotonic(), time.process_time()
        for size in WIDTHS:
            self.page.set_viewport_size(size)
            response = self.page.goto(url)
            where = f"{role} {name} {size['width']}px {self.language} ({url})"
            if response is None or response.status != 200:
                self.problems.append(f"{where}: status {response and response.status}")
                continue
            suffix = "" if self.language == "nl" else f"-{self.language}"
            path = self.screenshot_dir / f"demo-{role}-{name}-{size['width']}{suffix}.png"
            self.page.screenshot(path=str(path), full_page=True)
            self.shots.append(path.name)
            self.common(where, size)
            if check is not None:
                check(self.page, where)
        print(
            f"{role} {name}: {time.monotonic() - started:.1f} s "
            f"({time.process_time() - cpu:.1f} s CPU in the server and the test)"
        )

    def common(self, where: str, size: dict) -> None:
        page = self.page
        if size is PHONE:
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > size["width"]:
                self.problems.append(f"{where}: the page is {width}px wide")
        lang = page.locator("html").get_attribute("lang")
        if lang != self.language:
            self.problems.append(f"{where}: the page says it is in {lang!r}")
        text = page.locator("body").inner_text()
        for wrong in ("(niet verplicht) (niet verplicht)", "(optional) (optional)", "127.0.0.1"):
            if wrong in text:
                self.problems.append(f"{where}: shows {wrong!r}")
        # An audit action as stored ("buddy.viewed"): the histories say it in words.
        raw = [action for action in LABELS if action in text]
        if raw:
            self.problems.append(f"{where}: raw codes {raw[:3]}")

    def expect(self, condition: bool, message: str) -> None:
        if not condition:
            self.problems.append(message)


def logout(page) -> None:
    page.goto("/accounts/logout/")
    with page.expect_navigation():
        page.locator('main form[action="/accounts/logout/"] button[type=submit]').click()


def login(page, email: str) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").first.click()
    assert re.fullmatch(r"http://[^/]+/", page.url), page.url


BOARD_COLUMN = re.compile(r'id="col-(\w+)">[^<]*<span class="badge[^"]*">(\d+)</span>')
TABLE_BODY = re.compile(r"<tbody>(.*?)</tbody>", re.S)


def list_count(page, url: str) -> int:
    """How many people the list page at ``url`` lists: the rows of its table (one page),
    or on the pipeline board the candidates in the columns before "ready"."""
    html = page.request.get(url).text()
    columns = BOARD_COLUMN.findall(html)
    if columns:
        pipeline = Buddy.Status.values[: Buddy.Status.values.index("ready")]
        return sum(int(n) for status, n in columns if status in pipeline)
    assert "page=2" not in html, f"{url} has more than one page"
    rows = re.findall(r"<tr\b[^>]*>(.*?)</tr>", TABLE_BODY.search(html).group(1), re.S)
    return sum(1 for row in rows if "colspan" not in row)  # not the "nobody" row


def test_the_demo_walked_as_each_role_on_a_phone_and_a_desktop(
    transactional_db, page, events, screenshot_dir
):
    cache.clear()  # five log-ins from one address: start under the login rate limit
    started, cpu = time.monotonic(), time.process_time()
    demo.seed_demo(scale=SCALE, today=timezone.localdate())
    print(f"seed: {time.monotonic() - started:.1f} s ({time.process_time() - cpu:.1f} s CPU)")
    with scopes_disabled():
        network = Network.objects.get(name=demo.NETWORK_NAME)
        project = Project.objects.get(name="Buddywerking Gent")
        demo_buddy = Buddy.objects.get(user__email=f"buddy@{demo.DEMO_DOMAIN}")
        trajectory = Trajectory.objects.select_related("participant").get(
            buddy=demo_buddy, status__in=OPEN_STATUSES
        )
        matched = trajectory.participant
        introduced = Participant.objects.get(user__email=f"deelnemer@{demo.DEMO_DOMAIN}")
        # The person longest on the waiting list with no proposal yet: matching for them.
        waiting = (
            Participant.objects.filter(project=project, status=Participant.Status.WAITING)
            .exclude(pk__in=Proposal.objects.values("participant"))
            .order_by("waiting_since", "pk")
            .first()
        )
        # A person the demo referrer referred who lets the referrer follow their progress,
        # walking with a buddy now if there is one.
        referral = next(
            p
            for p in Participant.objects.filter(
                project=project, referred_by__email=f"doorverwijzer@{demo.DEMO_DOMAIN}"
            ).order_by(Case(When(status=Participant.Status.MATCHED, then=0), default=1), "pk")
            if participant_services.consent_given(p, consent.SHARE_WITH_REFERRER)
        )
        referral_trajectory = Trajectory.objects.filter(
            participant=referral, status__in=OPEN_STATUSES
        ).first()
    p = project.code
    walk = Walk(page, screenshot_dir)

    # -- Project coordinator ------------------------------------------------------------
    login(page, f"coordinator@{demo.DEMO_DOMAIN}")

    figures: dict[str, int] = {}

    def dashboard_figures(page, where):
        if page.viewport_size["width"] != DESKTOP["width"]:
            return
        # Each tile's number is the count of the list it links to.
        for tile in page.locator("main a.figure-tile").all():
            number = int(tile.locator(".figure-number").inner_text())
            label = tile.locator(".figure-label").inner_text()
            href = tile.get_attribute("href")
            listed = list_count(page, href)
            figures[href] = number
            walk.expect(
                number == listed, f"{where}: {number} {label!r}, the list {href} has {listed}"
            )
        # "N participants matched" is the number of running trajectories.
        text = page.locator("main").inner_text()
        matched = int(re.search(r"(\d+) deelnemers? gematcht", text).group(1))
        panel = page.locator("main article[aria-labelledby=panel-trajectories]")
        cells = panel.locator("tbody td").all_inner_texts()
        running = sum(
            int(n)
            for n, status in zip(cells, Trajectory.Status.values, strict=True)
            if status in OPEN_STATUSES
        )
        figures["matched"] = matched
        walk.expect(matched == running, f"{where}: {matched} matched, {running} trajectories")
        # "N people wait without any contact for too long": the flagged rows of the list.
        flagged = re.search(r"(\d+) (?:persoon wacht|mensen wachten) al te lang", text)
        waiting_html = page.request.get(reverse("waiting_list", kwargs={"project": p})).text()
        flagged_rows = waiting_html.count("te lang geen contact")
        walk.expect(
            (int(flagged.group(1)) if flagged else 0) == flagged_rows,
            f"{where}: {flagged and flagged.group(0)!r}, the waiting list flags {flagged_rows}",
        )

    walk.visit("coordinator", "dashboard", "/", dashboard_figures)
    walk.visit("coordinator", "waiting-list", reverse("waiting_list", kwargs={"project": p}))
    walk.visit(
        "coordinator",
        "participant-waiting",
        reverse("participant_detail", kwargs={"project": p, "code": waiting.code}),
    )

    def leads_to_trajectory(page, where):
        link = page.locator(f"main a[href$='/trajectories/{trajectory.code}/']")
        walk.expect(link.count() > 0, f"{where}: the matched file does not link its trajectory")

    def matched_file(page, where):
        leads_to_trajectory(page, where)
        # No waiting-list actions for someone who walks with a buddy.
        for action in (
            reverse("matching_rank_buddies", kwargs={"project": p, "code": matched.code}),
            reverse("participant_contact_create", kwargs={"project": p, "code": matched.code}),
            reverse("participant_offer_create", kwargs={"project": p, "code": matched.code}),
        ):
            offered = page.locator(f"main a[href='{action}']").count()
            walk.expect(not offered, f"{where}: offers {action} to a matched person")

    walk.visit(
        "coordinator",
        "participant-matched",
        reverse("participant_detail", kwargs={"project": p, "code": matched.code}),
        matched_file,
    )
    walk.visit(
        "coordinator",
        "buddy",
        reverse("buddy_detail", kwargs={"project": p, "code": demo_buddy.code}),
        leads_to_trajectory,
    )
    walk.visit(
        "coordinator",
        "matching",
        reverse("matching_rank_buddies", kwargs={"project": p, "code": waiting.code}),
    )
    walk.visit(
        "coordinator",
        "trajectory",
        reverse("trajectory_detail", kwargs={"project": p, "code": trajectory.code}),
    )
    walk.visit("coordinator", "follow-up", reverse("followup_list", kwargs={"project": p}))
    logout(page)

    # -- Network coordinator ----------------------------------------------------------
    login(page, f"netwerk@{demo.DEMO_DOMAIN}")

    def same_figures_as_the_coordinator(page, where):
        row = page.locator("main tr", has=page.locator(f"a[href='/p/{p}/']"))
        cells = [int(n) for n in row.locator("td").all_inner_texts() if n.strip().isdigit()]
        waiting_n, _median, matched_n, _active = cells
        waiting_url = reverse("waiting_list", kwargs={"project": p})
        walk.expect(
            (waiting_n, matched_n) == (figures[waiting_url], figures["matched"]),
            f"{where}: waiting {waiting_n}, matched {matched_n}; the coordinator read "
            f"{figures[waiting_url]} and {figures['matched']}",
        )

    def figures_only(page, where):
        text = page.locator("main").inner_text()
        for name in (matched.last_name, demo_buddy.last_name):
            walk.expect(name not in text, f"{where}: names a person ({name})")

    def network_dashboard(page, where):
        figures_only(page, where)
        same_figures_as_the_coordinator(page, where)

    walk.visit("network", "dashboard", "/", network_dashboard)
    walk.visit(
        "network",
        "overview",
        reverse("network_detail", kwargs={"network": network.code}),
        figures_only,
    )
    logout(page)

    # -- Buddy ----------------------------------------------------------------------------
    login(page, f"buddy@{demo.DEMO_DOMAIN}")

    def first_name_only(page, where):
        text = page.locator("main").inner_text()
        # The people the buddy walks with or was introduced to: first names only.
        for person in (matched, introduced):
            walk.expect(person.last_name not in text, f"{where}: the buddy reads a surname")
        walk.expect(
            not HEX_HASH.search(text) and "SHA-256" not in text,
            f"{where}: a document hash shown to the buddy",
        )

    walk.visit("buddy", "dashboard", "/", first_name_only)
    base = reverse("trajectory_detail", kwargs={"project": p, "code": trajectory.code})
    walk.visit("buddy", "trajectory", base, first_name_only)
    walk.visit("buddy", "journal", base + "journal/new/", first_name_only)
    walk.visit("buddy", "agreement", base + "agreement/", first_name_only)
    walk.visit("buddy", "profile", reverse("buddy_me", kwargs={"project": p}), first_name_only)
    logout(page)

    # -- Professional (referrer) ----------------------------------------------------------
    login(page, f"doorverwijzer@{demo.DEMO_DOMAIN}")

    def referrals(page, where):
        link = page.locator(
            "main a[href='{}']".format(
                reverse("participant_detail", kwargs={"project": p, "code": referral.code})
            )
        )
        walk.expect(link.count() == 1, f"{where}: {referral.full_name} is not listed")

    walk.visit("referrer", "dashboard", "/", referrals)

    def referral_leads_to_trajectory(page, where):
        # The referrer follows the person they referred into their trajectory.
        if referral_trajectory is not None:
            link = page.locator(f"main a[href$='/trajectories/{referral_trajectory.code}/']")
            walk.expect(link.count() > 0, f"{where}: the referral does not link its trajectory")

    walk.visit(
        "referrer",
        "referral",
        reverse("participant_detail", kwargs={"project": p, "code": referral.code}),
        referral_leads_to_trajectory,
    )
    walk.visit("referrer", "refer", reverse("referral_create", kwargs={"project": p}))
    logout(page)

    # -- Participant ------------------------------------------------------------------------
    login(page, f"deelnemer@{demo.DEMO_DOMAIN}")
    walk.visit("participant", "dashboard", "/")
    logout(page)

    # -- In English: each role's first pages, after choosing English on the page ----------
    walk.language = "en"
    trajectory_url = reverse("trajectory_detail", kwargs={"project": p, "code": trajectory.code})
    in_english = (
        (
            "coordinator",
            (
                ("dashboard", "/"),
                ("waiting-list", reverse("waiting_list", kwargs={"project": p})),
                ("trajectory", trajectory_url),
                ("follow-up", reverse("followup_list", kwargs={"project": p})),
            ),
        ),
        ("network", (("dashboard", "/"),)),
        ("buddy", (("dashboard", "/"), ("trajectory", trajectory_url))),
        (
            "referrer",
            (
                ("dashboard", "/"),
                (
                    "referral",
                    reverse("participant_detail", kwargs={"project": p, "code": referral.code}),
                ),
            ),
        ),
        ("participant", (("dashboard", "/"),)),
    )
    logins = {"network": "netwerk", "referrer": "doorverwijzer", "participant": "deelnemer"}
    for role, pages in in_english:
        login(page, f"{logins.get(role, role)}@{demo.DEMO_DOMAIN}")
        if page.locator("html").get_attribute("lang") != "en":
            with page.expect_navigation():
                page.locator("form.language-switch button[value=en]").first.click()
        for name, url in pages:
            walk.visit(role, name, url)
        logout(page)

    assert not walk.problems, "\n".join(walk.problems)
    events.assert_clean()
