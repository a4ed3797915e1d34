"""The funder report: the one way it is built, and its preparation in the queue.

``build_files`` makes the PDF and/or the XLSX of a project and period from the figures
of the outcome page (``selectors.project_outcomes`` → ``exports``). A direct download
(``views.ReportView``) and a queued run both call it, so the two never differ.

A large project prepares its report in the queue: ``report_run_start`` records a
``ReportRun`` and queues ``report_build`` (the Huey task; ``tasks.py`` names it for the
worker), which writes its progress on the run while it works and keeps the files in
Django's storage; the run's page polls the progress (htmx) and offers the downloads
when ready. Every download is on the audit log (``report_run_file``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled
from huey.contrib.djhuey import db_task

from buddynet.tenancy import runs
from buddynet.tenancy.models import Project

from . import exports, selectors
from .models import Measurement, ReportRun
from .periods import period
from .services import ImpactError

log = logging.getLogger(__name__)

KINDS = ("pdf", "xlsx")
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": exports.XLSX}
# Above this many filled-in measurements a report is prepared in the queue, not made
# while the coordinator's browser waits.
DIRECT_LIMIT = 1000
# The same report asked again within this time (a double click, a reload) is the run
# already made or under way, not a new one.
REPEAT_SECONDS = 60
# A run still queued or running after this long is taken as lost (a worker that stopped):
# asking again makes a new one.
STALE_SECONDS = 30 * 60

Progress = Callable[[str, int], None]


def _no_progress(phase: str, percent: int) -> None:
    return None


def file_name(date_from: date, date_to: date, kind: str) -> str:
    return f"impact-{period(date_from, date_to).slug}.{kind}"


def build_files(
    *,
    project: Project,
    date_from: date,
    date_to: date,
    kinds: tuple[str, ...] = KINDS,
    progress: Progress = _no_progress,
) -> dict[str, bytes]:
    """The funder report of ``project`` for the period, as ``{kind: bytes}`` for each
    of ``kinds`` ("pdf", "xlsx"): exactly the figures of the outcome page."""
    progress("figures", 5)
    figures = selectors.project_outcomes(project=project, date_from=date_from, date_to=date_to)
    files: dict[str, bytes] = {}
    if "pdf" in kinds:
        progress("pdf", 35)
        files["pdf"] = exports.report_pdf(project=project, figures=figures)
    if "xlsx" in kinds:
        progress("xlsx", 80)
        files["xlsx"] = exports.report_xlsx(project=project, figures=figures)
    return files


def prepare_in_queue(project: Project) -> bool:
    """The project measured so many people that its report is made in the queue."""
    with scopes_disabled():
        done = Measurement.objects.filter(project_id=project.pk, completed_at__isnull=False)
        return done[DIRECT_LIMIT : DIRECT_LIMIT + 1].exists()


# --- Queued runs: writes ------------------------------------------------------------


def report_run_start(
    *, project: Project, date_from: date, date_to: date, by, language: str | None = None
) -> ReportRun:
    """Queue the funder report of a period; the worker makes it (``report_build``).

    The project's row is locked, then its recent runs are read again: the same report
    (period and language) asked within ``REPEAT_SECONDS``, or still under way (for at
    most ``STALE_SECONDS``), is the run already there — a double click or two
    coordinators at once make one run."""
    if date_from > date_to:
        raise ImpactError(_("The start of the period is after its end."), field="date_from")
    language = (language or translation.get_language() or "nl")[:10]

    def under_way() -> ReportRun | None:
        now = timezone.now()
        recent = now - timedelta(seconds=REPEAT_SECONDS)
        same = (
            ReportRun.objects.filter(
                project_id=project.pk,
                date_from=date_from,
                date_to=date_to,
                language=language,
                created_at__gte=now - timedelta(seconds=STALE_SECONDS),
            )
            .exclude(status=ReportRun.Status.FAILED)
            .order_by("-created_at", "-pk")
        )
        for existing in same[:5]:
            if not existing.finished or existing.created_at >= recent:
                return existing
        return None

    def create() -> ReportRun:
        run = ReportRun.objects.create(
            project=project,
            date_from=date_from,
            date_to=date_to,
            language=language,
            requested_by=by,
        )
        run.log_action(
            "impact.report_requested",
            user=by,
            data={"from": str(date_from), "to": str(date_to)},
        )
        return run

    return runs.run_queue(
        project_ids=[project.pk], under_way=under_way, create=create, task=report_build
    )


@db_task()
def report_build(run_id: int) -> None:
    """The queue's job: make a queued funder report (``report_run_execute``)."""
    report_run_execute(run_id)


def report_run_execute(run_id: int) -> ReportRun:
    """Make a queued report: claim it (a run is made once), build both files with
    ``build_files`` writing the progress on the run, keep them in the storage. A failure
    is recorded on the run and shown to the coordinator (``tenancy.runs``)."""
    return runs.run_execute(
        ReportRun,
        run_id,
        phase="figures",
        work=_make_report,
        log=log,
        what="Funder report",
        related=("project__organisation",),
    )


def _make_report(run: ReportRun) -> None:
    def progress(phase: str, percent: int) -> None:
        runs.run_progress(ReportRun, run.pk, phase, percent)

    with translation.override(run.language):
        files = build_files(
            project=run.project,
            date_from=run.date_from,
            date_to=run.date_to,
            progress=progress,
        )
    progress("saving", 95)
    for kind, body in files.items():
        getattr(run, kind).save(
            file_name(run.date_from, run.date_to, kind), ContentFile(body), save=False
        )
    ReportRun.objects.filter(pk=run.pk).update(
        pdf=run.pdf.name,
        xlsx=run.xlsx.name,
        status=ReportRun.Status.DONE,
        phase="done",
        progress=100,
        finished_at=timezone.now(),
    )


# --- Queued runs: reads -------------------------------------------------------------


def report_run_get(*, project: Project, code) -> ReportRun:
    """A report run of this project (another project's gives 404)."""
    return get_object_or_404(
        ReportRun.objects.select_related("requested_by"), project=project, code=code
    )


def report_runs_recent(*, project: Project, limit: int = 5) -> list[ReportRun]:
    return list(ReportRun.objects.filter(project=project).select_related("requested_by")[:limit])


def report_run_file(*, run: ReportRun, kind: str, by, via: str = "web") -> tuple[Any, str]:
    """The open file of a ready run and its download name; writes that it was
    downloaded. A run not ready, or a kind it does not have, gives 404."""
    field = getattr(run, kind, None) if kind in KINDS else None
    if run.status != ReportRun.Status.DONE or not field:
        raise Http404("This report is not ready.")
    run.project.log_action(
        "impact.report_downloaded",
        user=by,
        via=via,
        data={
            "kind": kind,
            "run": str(run.code),
            "from": str(run.date_from),
            "to": str(run.date_to),
        },
    )
    return field.open("rb"), file_name(run.date_from, run.date_to, kind)
