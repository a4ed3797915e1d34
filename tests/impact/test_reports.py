"""The funder report prepared in the queue (``impact.reports``): a run is recorded,
made by the queue's job with its progress on the run, its files kept in the storage and
read back (the outcome page's figures), every download audited; a double request makes
one run; a failure is shown; a large project is sent to the queue. And the outcome page
and the network comparison stay at a constant number of queries."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from buddynet.core.models import AuditEntry
from buddynet.impact import exports, reports
from buddynet.impact.models import ReportRun
from tests.impact import factories as imf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


_committed = None


@pytest.fixture(autouse=True)
def _queue_after_commit(django_capture_on_commit_callbacks):
    """The job is queued when the run's transaction commits; the test queue (immediate
    Huey) then makes it at once."""
    global _committed
    _committed = django_capture_on_commit_callbacks
    yield
    _committed = None


def _start(client, project, **period):
    data = period or {"date_from": "", "date_to": ""}
    url = reverse("impact_report_run_start", kwargs={"project": project.code})
    with _committed(execute=True):
        return client.post(url, data)


def test_a_queued_report_is_made_kept_and_read_back(world, client_for):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    imf.measured_people(world.project, world.coord, 5, before=2, after=3)
    client = client_for(world.coord)
    outcomes = client.get(reverse("impact_outcomes", kwargs={"project": world.project.code}))
    assert 'data-figure="mean_change">20.0' in outcomes.content.decode()
    assert reverse("impact_report_run_start", kwargs={"project": world.project.code}) in (
        outcomes.content.decode()
    )

    response = _start(client, world.project)
    assert response.status_code == 302
    with scopes_disabled():
        run = ReportRun.objects.get(project=world.project)
    assert response["Location"] == reverse(
        "impact_report_run", kwargs={"project": world.project.code, "code": run.code}
    )
    # The test queue runs the job at once (immediate Huey): the run is done.
    assert run.status == "done" and run.progress == 100 and run.requested_by == world.coord
    assert run.pdf.name.endswith(".pdf") and run.xlsx.name.endswith(".xlsx")
    assert str(world.project.code) in run.pdf.name  # kept per project, under opaque codes

    page = client.get(response["Location"]).content.decode()
    pdf_url = reverse(
        "impact_report_run_pdf", kwargs={"project": world.project.code, "code": run.code}
    )
    assert pdf_url in page and "hx-get" not in page

    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    pdf_bytes = b"".join(pdf.streaming_content)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert "20.0" in text and "100%" in text

    xlsx = client.get(
        reverse("impact_report_run_xlsx", kwargs={"project": world.project.code, "code": run.code})
    )
    assert xlsx["Content-Type"] == exports.XLSX
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    who5 = next(r for r in rows[1:] if r[0].startswith("WHO-5"))
    assert who5[1] == 5 and who5[4] == "20.0" and who5[6] == "100%"

    with scopes_disabled():
        actions = list(
            AuditEntry.objects.filter(action__startswith="impact.report_").values_list(
                "action", "data"
            )
        )
    assert ("impact.report_requested", {"from": str(run.date_from), "to": str(run.date_to)}) in (
        actions
    )
    downloads = [d for a, d in actions if a == "impact.report_downloaded"]
    assert {d["kind"] for d in downloads} == {"pdf", "xlsx"}
    assert all(d["run"] == str(run.code) for d in downloads)


def test_the_same_report_asked_twice_is_one_run(world, client_for):
    client = client_for(world.coord)
    first = _start(client, world.project, date_from="2026-01-01", date_to="2026-06-30")
    again = _start(client, world.project, date_from="2026-01-01", date_to="2026-06-30")
    other = _start(client, world.project, date_from="2026-02-01", date_to="2026-06-30")
    assert first["Location"] == again["Location"] != other["Location"]
    with scopes_disabled():
        assert ReportRun.objects.filter(project=world.project).count() == 2


def test_a_run_that_got_lost_in_the_queue_does_not_block_a_new_one(world):
    from datetime import timedelta

    from django.utils import timezone

    period = {"date_from": date(2026, 1, 1), "date_to": date(2026, 6, 30)}
    lost = imf.report_run(world.project, world.coord, status="running", **period)

    def ask():
        return reports.report_run_start(
            project=world.project, by=world.coord, language="nl", **period
        )

    assert ask() == lost  # still under way: the same run
    with scopes_disabled():
        ReportRun.objects.filter(pk=lost.pk).update(
            created_at=timezone.now() - timedelta(seconds=reports.STALE_SECONDS + 1)
        )
    with _committed(execute=True):
        fresh = ask()
    assert fresh != lost
    with scopes_disabled():
        fresh.refresh_from_db()
    assert fresh.status == "done"


def test_progress_is_polled_until_the_run_is_ready(world, client_for):
    run = imf.report_run(world.project, world.coord, status="queued")
    client = client_for(world.coord)
    kwargs = {"project": world.project.code, "code": run.code}
    page = client.get(reverse("impact_report_run", kwargs=kwargs)).content.decode()
    assert reverse("impact_report_run_progress", kwargs=kwargs) in page
    assert "impact_report_run_pdf" not in page
    # Not ready: no download, a 404.
    assert client.get(reverse("impact_report_run_pdf", kwargs=kwargs)).status_code == 404

    fragment = client.get(reverse("impact_report_run_progress", kwargs=kwargs))
    assert fragment.status_code == 200 and "HX-Redirect" not in fragment
    assert 'hx-trigger="every 1s"' in fragment.content.decode()

    with scopes_disabled():
        ReportRun.objects.filter(pk=run.pk).update(status="running", phase="pdf", progress=40)
    body = client.get(reverse("impact_report_run_progress", kwargs=kwargs)).content.decode()
    assert 'value="40"' in body and "pdf" in body.lower()

    with scopes_disabled():
        ReportRun.objects.filter(pk=run.pk).update(status="queued", phase="", progress=0)
    reports.report_run_execute(run.pk)  # the worker picks it up
    done = client.get(reverse("impact_report_run_progress", kwargs=kwargs))
    assert done["HX-Redirect"] == reverse("impact_report_run", kwargs=kwargs)
    assert "hx-get" not in done.content.decode()
    with scopes_disabled():
        run.refresh_from_db()
    assert run.status == "done" and run.started_at and run.finished_at
    # A run is made once: the job run again changes nothing.
    assert reports.report_run_execute(run.pk).finished_at == run.finished_at


def test_a_failed_report_says_so(world, client_for, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("font missing")

    monkeypatch.setattr(exports, "report_pdf", broken)
    client = client_for(world.coord)
    response = _start(client, world.project)
    with scopes_disabled():
        run = ReportRun.objects.get(project=world.project)
    assert run.status == "failed" and "font missing" in run.error and not run.pdf
    page = client.get(response["Location"]).content.decode()
    assert "alert-danger" in page and "font missing" not in page  # no internals shown
    assert reverse("impact_report_run_start", kwargs={"project": world.project.code}) in page


def test_a_large_project_prepares_its_report_in_the_queue(world, client_for, monkeypatch):
    imf.measured_people(world.project, world.coord, 2)
    client = client_for(world.coord)
    url = reverse("impact_report_pdf", kwargs={"project": world.project.code})
    assert client.get(url)["Content-Type"] == "application/pdf"  # small: directly
    monkeypatch.setattr(reports, "DIRECT_LIMIT", 3)  # four measurements filled in
    page = client.get(url)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert reverse("impact_report_run_start", kwargs={"project": world.project.code}) in (
        page.content.decode()
    )


def test_another_projects_run_is_not_found(world, client_for):
    theirs = imf.report_run(world.other, world.other_coord)
    client = client_for(world.coord)
    for name in ("impact_report_run", "impact_report_run_pdf", "impact_report_run_progress"):
        url = reverse(name, kwargs={"project": world.project.code, "code": theirs.code})
        assert client.get(url).status_code == 404


def test_bad_period_keeps_what_was_typed(world, client_for):
    client = client_for(world.coord)
    response = _start(client, world.project, date_from="1-2-3", date_to="2026-06-30")
    assert response.status_code == 400
    assert 'value="1-2-3"' in response.content.decode()
    with scopes_disabled():
        assert not ReportRun.objects.exists()


# --- Speed: a constant number of queries ----------------------------------------------


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_outcome_page_and_network_comparison_take_a_constant_number_of_queries(world, client_for):
    imf.measured_people(world.project, world.coord, 3)
    imf.measured_people(world.sibling, world.coord, 2)
    outcomes = reverse("impact_outcomes", kwargs={"project": world.project.code})
    network = reverse("impact_network", kwargs={"network": world.network.code})
    coord, netco = client_for(world.coord), None
    few = _queries(coord, outcomes)
    from django.test import Client

    netco = Client()
    netco.force_login(world.netco)
    few_network = _queries(netco, network)

    imf.measured_people(world.project, world.coord, 9)
    imf.measured_people(world.sibling, world.coord, 7)
    assert _queries(coord, outcomes) == few
    assert _queries(netco, network) == few_network
