"""Issue 18 (import) in a real Chromium: a coordinator imports an XLSX made here with
good and bad rows. The dry run lists the bad rows with their reasons and writes nothing;
the commit (in the queue) creates exactly the good rows, waiting-list places kept by the
original date; a second import of the same file changes nothing."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.core.cache import cache
from django_scopes import scopes_disabled
from openpyxl import Workbook
from playwright.sync_api import expect

from buddynet.core.models import AuditEntry
from buddynet.participants.models import Participant
from tests.conftest import build_world

pytestmark = pytest.mark.browser

HEADER = ["Voornaam", "Achternaam", "E-mail", "Telefoon", "Postcode", "Talen", "Wachtlijst sinds"]
GOOD = [
    ["An", "Peeters", "an.peeters@example.be", "", 9000, "Nederlands", "03/02/2025"],
    [
        "Bart",
        "Claes",
        "bart.claes@example.be",
        "0470 12 34 56",
        "2000",
        "Frans, Engels",
        datetime(2024, 11, 5),
    ],
    ["Chris", "Maes", "", "0471 22 33 44", "8500", "nl", "5.1.2025"],
]
BAD = [
    ["Dina", "Wouters", "dina@example.be", "", "0000", "nl", ""],
    ["Eva", "Jacobs", "eva@example.be", "", "9000", "Klingon", ""],
    ["Fien", "Smet", "AN.PEETERS@example.be", "", "9000", "nl", ""],
    ["Guy", "Dirks", "guy@example.be", "", "9000", "nl", "31/02/2025"],
]


def workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in [*GOOD, *BAD]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def shot(page, screenshot_dir, name: str) -> None:
    path = screenshot_dir / f"import-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path


def participants(project) -> int:
    with scopes_disabled():
        return Participant.objects.filter(project=project).count()


def upload(page, base: str, body: bytes) -> None:
    page.goto(base)
    page.check("input[name=kind][value=participants]")
    page.set_input_files(
        "#id_file",
        {
            "name": "wachtlijst.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": body,
        },
    )
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_url("**/columns/")


def test_a_coordinator_imports_a_waiting_list_from_excel(
    transactional_db, page, login, screenshot_dir
):
    world = build_world()
    before = participants(world.project)
    body = workbook()
    base = f"/p/{world.project.code}/imports/"
    login(world.coord)
    page.goto(base)
    shot(page, screenshot_dir, "start")
    upload(page, base, body)

    # The columns are proposed from the Dutch header names.
    expect(page.locator("#id_first_name")).to_have_value("Voornaam")
    expect(page.locator("#id_waiting_since")).to_have_value("Wachtlijst sinds")
    expect(page.locator("#id_languages")).to_have_value("Talen")
    shot(page, screenshot_dir, "columns")
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()

    # The dry run: the bad rows with their reasons; nothing written.
    refused = page.locator("#refused-rows tbody tr")
    expect(refused).to_have_count(4)
    expect(refused.nth(0)).to_contain_text("0000")
    expect(refused.nth(1)).to_contain_text("Klingon")
    expect(refused.nth(2)).to_contain_text("rij 2")
    expect(refused.nth(3)).to_contain_text("31/02/2025")
    expect(page.locator("#import-rows tbody tr")).to_have_count(3)
    expect(page.locator("#import-counts")).to_contain_text("3")
    shot(page, screenshot_dir, "dry-run")
    assert participants(world.project) == before

    # The commit, in the queue (immediate in tests): exactly the good rows.
    with page.expect_navigation():
        page.get_by_role("button", name="3 rijen importeren").click()
    expect(page.locator("#import-result")).to_contain_text("3 aangemaakt")
    shot(page, screenshot_dir, "done")
    assert participants(world.project) == before + 3
    with scopes_disabled():
        made = {
            p.email or p.first_name: p
            for p in Participant.objects.filter(project=world.project, source="coordinator")
        }
        assert set(made) == {"an.peeters@example.be", "bart.claes@example.be", "Chris"}
        an, bart, chris = (
            made["an.peeters@example.be"],
            made["bart.claes@example.be"],
            made["Chris"],
        )
        assert an.status == "waiting" and an.waiting_since == date(2025, 2, 3)
        assert bart.waiting_since == date(2024, 11, 5) and bart.languages == ["fr", "en"]
        assert chris.waiting_since == date(2025, 1, 5) and an.town == "Gent"
        assert AuditEntry.objects.filter(action="participant.imported").count() == 3
        assert AuditEntry.objects.filter(action="imports.committed").count() == 1

    # The same file again, later: every good row unchanged, nothing to import. (Sent
    # again within seconds, the upload would be taken for a double click and answered
    # with the first upload's page: the repeat memory is cleared to stand for "later".)
    cache.clear()
    upload(page, base, body)
    expect(page.locator("#id_waiting_since")).to_have_value("Wachtlijst sinds")
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()
    expect(page.locator("#import-rows tbody tr")).to_have_count(3)
    expect(page.locator("#import-rows")).not_to_contain_text("aangemaakt")
    expect(page.locator("#refused-rows tbody tr")).to_have_count(4)
    expect(page.get_by_role("button", name="importeren")).to_have_count(0)
    shot(page, screenshot_dir, "again")
    assert participants(world.project) == before + 3
