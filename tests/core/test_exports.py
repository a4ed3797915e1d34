"""Exports of the list pages (``core.exports``): CSV and XLSX hold exactly the filtered
rows with the page's Dutch headings, formulas stay text, the number of queries does not
grow with the rows, every export is audited, and only who may see a list exports it."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from buddynet.core.exports import Column, csv_bytes, file_name, neutralise, xlsx_bytes
from buddynet.core.models import AuditEntry
from tests import factories as f
from tests.followup import factories as ff

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[list[str]]:
    body = response.content
    assert body.startswith("\ufeff".encode())  # the BOM Excel needs for UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response) -> list[list]:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def buddies_url(world, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/p/{world.project.code}/buddies/?{query}"


# --- The helper ------------------------------------------------------------------------


def test_formulas_are_neutralised_in_both_formats():
    columns = [Column("Naam", lambda r: r)]
    rows = ['=HYPERLINK("http://x")', "+32 9 123", "-1+1", "@SUM(A1)", "gewoon", 7]
    text = csv_bytes(columns, rows).decode("utf-8-sig")
    cells = [r[0] for r in csv.reader(io.StringIO(text), delimiter=";")]
    assert cells == [
        "Naam",
        '\'=HYPERLINK("http://x")',
        "'+32 9 123",
        "'-1+1",
        "'@SUM(A1)",
        "gewoon",
        "7",
    ]
    book = load_workbook(io.BytesIO(xlsx_bytes(columns, rows, title="Test")))
    sheet = book.active
    values = [c.value for c in sheet["A"]]
    assert values[1] == '\'=HYPERLINK("http://x")'
    assert all(c.data_type != "f" for c in sheet["A"])  # nothing became a formula
    assert values[-1] == 7  # numbers stay numbers
    assert sheet["A1"].font.bold
    assert neutralise("=1") == "'=1" and neutralise("a=1") == "a=1"


def test_file_name_is_safe():
    name = file_name(
        project_name='Buddy "Gent"/../x', list_name="Wachtlijst", fmt="csv", on=date(2026, 3, 1)
    )
    assert name == "buddy-gentx-wachtlijst-2026-03-01.csv"


# --- Buddies: filters, formats, audit, queries ---------------------------------------


def test_buddies_csv_holds_the_filtered_rows_with_dutch_headings(world, client_for):
    with scopes_disabled():
        f.BuddyFactory(project=world.project, first_name="Anna", last_name="Actief")
        f.BuddyFactory(
            project=world.project, first_name="=cmd", last_name="Kwaad", status="stopped"
        )
        f.BuddyFactory(project=world.sibling, first_name="Sofie", last_name="Elders")
    client = client_for(world.coord)
    response = client.get(buddies_url(world, status="stopped", export="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "project-a-buddys-" in disposition
    rows = read_csv(response)
    assert rows[0] == ["Naam", "Postcode", "Gemeente", "Talen", "Status"]
    assert [r[0] for r in rows[1:]] == ["'=cmd Kwaad"]

    everyone = read_csv(client.get(buddies_url(world, export="csv")))
    names = {r[0] for r in everyone[1:]}
    assert {"Anna Actief", "Bram Buddyman", "'=cmd Kwaad"} <= names
    assert "Sofie Elders" not in names  # another project's buddy


def test_buddies_xlsx_reads_back(world, client_for):
    with scopes_disabled():
        f.BuddyFactory(project=world.project, first_name="Anna", last_name="Actief")
    response = client_for(world.coord).get(buddies_url(world, q="Anna", export="xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = read_xlsx(response)
    assert rows[0] == ["Naam", "Postcode", "Gemeente", "Talen", "Status"]
    assert rows[1:] == [["Anna Actief", "9000", "Gent", "nl", "klaar om te matchen"]]


def test_an_export_is_audited_with_list_rows_and_filters(world, client_for):
    client_for(world.coord).get(buddies_url(world, q="Bram", export="xlsx"))
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="list.exported")
    assert entry.actor == world.coord
    assert entry.project == world.project
    assert entry.data == {
        "list": "buddies",
        "format": "xlsx",
        "rows": 1,
        "filters": {"q": "Bram"},
    }


def test_the_page_links_to_both_exports_keeping_the_filters(world, client_for):
    page = client_for(world.coord).get(buddies_url(world, q="Bram", status="active", page="1"))
    html = page.content.decode()
    assert "?q=Bram&amp;status=active&amp;export=csv" in html
    assert "?q=Bram&amp;status=active&amp;export=xlsx" in html
    assert "page=1&amp;export" not in html


def test_an_unknown_format_shows_the_page(world, client_for):
    response = client_for(world.coord).get(buddies_url(world, export="pdf"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def _export_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_do_a_constant_number_of_queries(world, client_for, fmt):
    """5 and 25 rows of every list: the same number of queries."""
    client = client_for(world.coord)
    code = world.project.code
    urls = [
        f"/p/{code}/buddies/?export={fmt}",
        f"/p/{code}/participants/?export={fmt}",
        f"/p/{code}/waiting-list/?export={fmt}",
        f"/p/{code}/trajectories/?export={fmt}",
        f"/p/{code}/follow-up/?export={fmt}",
        f"/p/{code}/signals/?export={fmt}",
    ]

    def add(n):
        with scopes_disabled():
            for _ in range(n):
                buddy = f.BuddyFactory(project=world.project)
                participant = f.ParticipantFactory(project=world.project, referred_by=world.prof)
                f.ParticipantFactory(project=world.project, status="waiting")
                t = ff._start(buddy, participant, world.coord)
                ff.make_signal(t, world.coord, raised_as="coordinator")

    add(5)
    for url in urls:
        client.get(url)  # the first export writes the first audit entries
    before = {url: _export_queries(client, url) for url in urls}
    add(20)
    after = {url: _export_queries(client, url) for url in urls}
    assert after == before


# --- Every list ----------------------------------------------------------------------


def test_every_list_exports_its_page_columns(world, client_for):
    trajectory = ff.trajectory(world)
    ff.make_signal(trajectory, world.buddy_user)
    client = client_for(world.coord)
    code = world.project.code
    expected = {
        "participants": ["Naam", "Postcode", "Gemeente", "Gezin", "Dringendheid"],
        "waiting-list": ["Plaats", "Naam", "Dringendheid", "Dagen gewacht"],
        "trajectories": ["Buddy", "Deelnemer", "Gestart op", "Laatste contact"],
        "follow-up": ["Wanneer", "Buddy", "Deelnemer", "Gesprek"],
        "signals": ["Datum", "Soort", "Ernst", "Fase", "Buddy", "Deelnemer"],
    }
    for path, headings in expected.items():
        for fmt, read in (("csv", read_csv), ("xlsx", read_xlsx)):
            response = client.get(f"/p/{code}/{path}/?export={fmt}")
            assert response.status_code == 200, path
            rows = read(response)
            assert rows[0][: len(headings)] == headings, (path, rows[0])
            assert len(rows) > 1, path
    signals = read_csv(client.get(f"/p/{code}/signals/?export=csv"))
    assert signals[1][4:6] == [world.buddy.full_name, world.own_participant.full_name]


def test_the_signals_filter_applies_to_the_export(world, client_for):
    trajectory = ff.trajectory(world)
    ff.make_signal(trajectory, world.buddy_user)
    ff.make_signal(trajectory, world.buddy_user, stage="closed")
    client = client_for(world.coord)
    url = f"/p/{world.project.code}/signals/"
    assert len(read_csv(client.get(url + "?export=csv"))) == 3
    assert len(read_csv(client.get(url + "?open=1&export=csv"))) == 2


def test_a_referrer_exports_only_what_the_page_shows_them(world, client_for):
    """The professional sees the people they referred; the waiting date and status only
    of those who share them."""
    response = client_for(world.prof).get(f"/p/{world.project.code}/participants/?export=csv")
    assert response.status_code == 200
    rows = read_csv(response)
    assert [r[0] for r in rows[1:]] == [world.participant.full_name]
    assert rows[1][-2:] == ["niet gedeeld", "niet gedeeld"]


# --- Who may export --------------------------------------------------------------------


LISTS = ["buddies", "participants", "waiting-list", "trajectories", "follow-up", "signals"]


@pytest.mark.parametrize("path", LISTS)
def test_another_projects_coordinator_cannot_export(world, client_for, path):
    response = client_for(world.other_coord).get(f"/p/{world.project.code}/{path}/?export=csv")
    assert response.status_code == 404
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action="list.exported").exists()


@pytest.mark.parametrize("path", LISTS)
def test_a_buddy_cannot_export(world, client_for, path):
    ff.signal(world)  # the buddy raised one and sees it on the signal page
    client = client_for(world.buddy_user)
    response = client.get(f"/p/{world.project.code}/{path}/?export=csv")
    assert response.status_code == 403
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action="list.exported").exists()


def test_a_buddy_sees_no_export_links(world, client_for):
    ff.trajectory(world)
    client = client_for(world.buddy_user)
    for path in ("trajectories", "signals"):
        page = client.get(f"/p/{world.project.code}/{path}/")
        assert page.status_code == 200
        assert "export=csv" not in page.content.decode()
