"""Issue 13 (impact) in a real Chromium: a participant fills in the start measurement on
a 390 px phone through their personal link; the coordinator enters the closure
measurement from an interview; the outcome page shows the pair with its change; the
funder report (PDF and XLSX, directly and prepared in the queue) is downloaded and read
back with the page's figures; a network coordinator sees the comparison, with the
project of fewer than 5 people measured twice shown as "< 5".

Every impact page is photographed at 1280 and 390 px (``test-artifacts/screenshots/
impact-*.png``) and may not scroll sideways on the phone.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from buddynet.core import clock
from buddynet.impact.models import Measurement, ReportRun
from tests.conftest import build_world
from tests.impact import factories as imf

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# The pair of the test: 40% → 80% on WHO-5 (+40), 3 → 0 lonely answers (-3).
START_WHO5, CLOSURE_WHO5 = "2", "4"
# Four more people in the project, each +20 on WHO-5 and -3 on the loneliness scale;
# three in the sibling project (fewer than 5: "< 5" across the network).
OTHERS, SIBLING = 4, 3


def shot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"impact-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path


def both_sizes(page, screenshot_dir, name: str) -> None:
    """A screenshot at 1280 and at 390 px; nothing may scroll sideways on the phone.
    The page is left at the size it was in."""
    size = page.viewport_size
    page.set_viewport_size(DESKTOP)
    shot(page, screenshot_dir, f"{name}-1280")
    page.set_viewport_size(PHONE)
    shot(page, screenshot_dir, f"{name}-390")
    assert no_sideways_scroll(page) <= 0, f"{name} is wider than a 390px phone"
    page.set_viewport_size(size)


def no_sideways_scroll(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def logout(page) -> None:
    page.goto("/accounts/logout/")
    with page.expect_navigation():
        page.locator('main form[action="/accounts/logout/"] button[type=submit]').click()


def submit(page, form_selector: str = "main form[method=post]") -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()


def tap(page, name: str, value: str) -> None:
    """Choose an answer as a person does on the phone: the big button (its label)."""
    choice = page.locator(f"input[name='{name}'][value='{value}']")
    page.locator(f"label[for='{choice.get_attribute('id')}']").click()
    expect(choice).to_be_checked()


def figure(page, code: str, name: str) -> str:
    return page.locator(f"section[data-instrument='{code}'] [data-figure='{name}']").inner_text()


def download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def read_pdf(body: bytes) -> str:
    from pypdf import PdfReader

    assert body.startswith(b"%PDF")
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)


def read_xlsx(body: bytes) -> dict[str, tuple]:
    """The outcomes sheet: its row per questionnaire code's name start."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body))
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    return {
        "who5": next(r for r in rows[1:] if r[0].startswith("WHO-5")),
        "djg6": next(r for r in rows[1:] if "Gierveld" in r[0]),
    }


def assert_report_equals_page(pdf: bytes, xlsx: bytes, shown: dict) -> None:
    text = read_pdf(pdf)
    for code in ("who5", "djg6"):
        assert shown[code]["mean_change"] in text, (code, shown[code], text[:2000])
    assert shown["who5"]["share_improved"] in text
    rows = read_xlsx(xlsx)
    for code in ("who5", "djg6"):
        n, _before, _after, change, _ci, share = rows[code][1:7]
        assert str(n) == shown[code]["n"]
        assert change == shown[code]["mean_change"]
        assert share == shown[code]["share_improved"]


def test_impact_from_the_phone_to_the_funder_and_the_network(
    transactional_db, page, login, events, screenshot_dir
):
    world = build_world()
    project = world.project
    imf.measured_people(project, world.coord, OTHERS, before=2, after=3)
    imf.measured_people(world.sibling, world.coord, SIBLING, before=2, after=3)
    trajectory = imf.start(
        world.buddy,
        world.participant,
        world.coord,
        started_on=clock.today() - timedelta(days=200),
    )
    closure = imf.measurement(trajectory, "closure")
    with scopes_disabled():
        baseline = Measurement.objects.get(trajectory=trajectory, moment="baseline")
    base = f"/p/{project.code}/impact/"
    person_url = f"{base}trajectories/{trajectory.code}/"

    # -- Coordinator: the impact page, the person's page, a personal link --------------
    login(world.coord)
    page.goto(base)
    expect(page.locator(f"main a[href='{person_url}']").first).to_be_visible()
    both_sizes(page, screenshot_dir, "1-home")
    page.goto(person_url)
    both_sizes(page, screenshot_dir, "2-person-planned")
    with page.expect_navigation():
        page.locator(f"main a[href='{base}measurements/{baseline.code}/link/']").click()
    both_sizes(page, screenshot_dir, "3-link-form")
    submit(page)
    link = page.locator("#impact-link").inner_text().strip()
    assert "/q/" in link
    both_sizes(page, screenshot_dir, "4-link-made")
    logout(page)

    # -- Participant, on a phone, without logging in: the start measurement ------------
    page.set_viewport_size(PHONE)
    page.goto(link)
    expect(page.locator("h1")).to_contain_text("Pieter")
    expect(page.locator("nav")).to_have_count(0)  # nothing else reachable
    assert no_sideways_scroll(page) <= 0
    for item in "12345":
        tap(page, f"who5_{item}", START_WHO5)
    for item, answer in imf.DJG6_SOME.items():
        tap(page, f"djg6_{item}", answer)
    send = page.locator("button.q-send")
    box = send.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 300  # a large button
    both_sizes(page, screenshot_dir, "5-questionnaire-filled")
    with page.expect_navigation():
        send.click()
    expect(page.locator("main")).to_contain_text("Bedankt")
    both_sizes(page, screenshot_dir, "6-questionnaire-thanks")
    with scopes_disabled():
        baseline.refresh_from_db()
    assert baseline.entered_by == "participant" and baseline.completed_on == clock.today()
    # Used once: the link opens nothing any more.
    assert page.goto(link).status == 404
    both_sizes(page, screenshot_dir, "7-questionnaire-closed")

    # -- Coordinator: the closure measurement from an interview -----------------------
    page.set_viewport_size(DESKTOP)
    login(world.coord)
    page.goto(person_url)
    with page.expect_navigation():
        page.locator(f"main a[href='{base}measurements/{closure.code}/enter/']").click()
    both_sizes(page, screenshot_dir, "8-enter")
    for item in "12345":
        page.check(f"input[name='who5_{item}'][value='{CLOSURE_WHO5}']")
    for item, answer in imf.DJG6_NONE.items():
        page.check(f"input[name='djg6_{item}'][value='{answer}']")
    submit(page)
    assert page.url.endswith(person_url), page.url
    expect(page.locator("[data-change='who5']")).to_contain_text("+40")
    expect(page.locator("[data-change='djg6']")).to_contain_text("-3")
    both_sizes(page, screenshot_dir, "9-person-change")
    with scopes_disabled():
        closure.refresh_from_db()
    assert closure.entered_by == "coordinator" and closure.entered_by_user == world.coord

    # -- The outcome page: the pair is counted with its change ------------------------
    page.goto(f"{base}outcomes/")
    shown = {
        code: {
            name: figure(page, code, name).split(" ")[0]
            for name in ("n", "mean_change", "share_improved")
        }
        for code in ("who5", "djg6")
    }
    n = str(OTHERS + 1)
    assert shown["who5"] == {"n": n, "mean_change": "24.0", "share_improved": "100%"}, shown
    assert shown["djg6"] == {"n": n, "mean_change": "-3.0", "share_improved": "100%"}, shown
    expect(page.locator("section[data-instrument='who5'] svg")).to_have_count(1)
    both_sizes(page, screenshot_dir, "10-outcomes")

    # -- The funder report, directly: read back, the page's figures -------------------
    pdf = download(page, page.locator(f"main a[href^='{base}outcomes/report.pdf']"))
    xlsx = download(page, page.locator(f"main a[href^='{base}outcomes/report.xlsx']"))
    assert_report_equals_page(pdf, xlsx, shown)

    # -- The funder report prepared in the queue --------------------------------------
    with page.expect_navigation():
        page.locator(f"main form[action='{base}reports/start/'] button").click()
    with scopes_disabled():
        run = ReportRun.objects.get(project=project)
    assert page.url.endswith(f"{base}reports/{run.code}/"), page.url
    # The live server's queue (immediate in tests) made it before the page was shown.
    expect(page.locator(f"main a[href='{base}reports/{run.code}/report.pdf']")).to_be_visible()
    both_sizes(page, screenshot_dir, "11-report-ready")
    queued_pdf = download(page, page.locator(f"main a[href='{base}reports/{run.code}/report.pdf']"))
    queued_xlsx = download(
        page, page.locator(f"main a[href='{base}reports/{run.code}/report.xlsx']")
    )
    assert_report_equals_page(queued_pdf, queued_xlsx, shown)
    logout(page)

    # -- The network coordinator: the comparison, "< 5" for the sibling project --------
    login(world.netco)
    page.goto(f"/network/{world.network.code}/impact/")
    for code in ("who5", "djg6"):
        table = page.locator(f"main table[data-instrument='{code}']")
        own = table.locator(f"tr[data-project='{project.code}'] [data-figure='n']")
        expect(own).to_have_text(n)
        sibling = table.locator(f"tr[data-project='{world.sibling.code}']")
        expect(sibling.locator("[data-figure='n']")).to_have_text("< 5")
        expect(sibling).not_to_contain_text(str(SIBLING))
        expect(table.locator(f"tr[data-project='{project.code}']")).to_contain_text(
            shown[code]["mean_change"]
        )
    both_sizes(page, screenshot_dir, "12-network")
    logout(page)
    # The used link answered 404 on purpose; the browser logs that, nothing else.
    events.console_errors = [e for e in events.console_errors if link not in e]
    events.assert_clean()


def test_a_queued_funder_report_shows_its_progress_until_it_is_ready(
    transactional_db, page, login, events, screenshot_dir
):
    """The run page polls its progress (htmx) while the queue works; when the job is
    done the page turns into the downloads by itself."""
    from buddynet.impact import reports

    world = build_world()
    imf.measured_people(world.project, world.coord, 5)
    run = imf.report_run(world.project, world.coord, status="queued")  # not made yet
    with scopes_disabled():
        ReportRun.objects.filter(pk=run.pk).update(status="running", phase="pdf", progress=40)
    run_url = f"/p/{world.project.code}/impact/reports/{run.code}/"
    login(world.coord)
    page.goto(run_url)
    progress = page.locator("#report-progress")
    expect(progress.locator("progress")).to_have_attribute("value", "40")
    expect(page.locator(f"main a[href='{run_url}report.pdf']")).to_have_count(0)
    both_sizes(page, screenshot_dir, "13-report-progress")

    # The worker picks it up: the page follows without a reload.
    with scopes_disabled():
        ReportRun.objects.filter(pk=run.pk).update(status="queued", phase="", progress=0)
    reports.report_run_execute(run.pk)
    expect(page.locator(f"main a[href='{run_url}report.pdf']")).to_be_visible()
    assert page.url.endswith(run_url)
    with scopes_disabled():
        run.refresh_from_db()
    assert run.status == "done" and run.pdf and run.xlsx
    body = download(page, page.locator(f"main a[href='{run_url}report.xlsx']"))
    assert read_xlsx(body)["who5"][1] == 5
    events.assert_clean()
