"""Queued runs: the one way a slow job a person waits for is started, run and followed.

A run is a ``core.models.QueuedRun``: ``phase``, ``progress`` (%), ``error``,
``started_at``, ``finished_at`` and a ``finished`` property, with its own ``status``
(its ``Status`` has ``QUEUED``, ``RUNNING``, ``DONE``, ``FAILED``): matching's
``ProposalRun``, impact's ``ReportRun``, imports' ``ImportRun``, privacy's ``Export``.
The steps they share:

- ``run_queue``: start it once. Under a lock on the projects' rows the runs already
  asked for are read again: the same request (a double click, two coordinators at once)
  gives the run under way; otherwise a new run is made and its task queued on commit.
- ``run_execute``: the queue's job. It claims the run (an ``update`` from queued, so a
  run is made once), does the work, and records a failure on the run.
- ``run_progress``: writes the phase and percentage the run's page shows.
- ``RunProgressMixin``: the progress fragment the run's page polls (htmx); once the
  run is finished, htmx is told to load the run's page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.core.routes import project_url

from .models import Project

Run = TypeVar("Run", bound=models.Model)


def run_queue(
    *,
    project_ids: Iterable[int],
    under_way: Callable[[], Run | None],
    create: Callable[[], Run],
    task: Callable[[int], Any],
) -> Run:
    """Start a run once. The projects' rows are locked (in order); then ``under_way()``
    reads the runs again and gives the one already asked for (returned as it is), or
    None, or raises a ``Conflict``; otherwise ``create()`` makes the run (with its audit
    entry) and ``task(run.pk)`` is queued when the transaction commits."""
    with transaction.atomic(), scopes_disabled():
        list(Project.objects.select_for_update().filter(pk__in=list(project_ids)).order_by("pk"))
        existing = under_way()
        if existing is not None:
            return existing
        run = create()
        transaction.on_commit(lambda: task(run.pk))
    return run


def run_progress(model: type[models.Model], run_id: int, phase: str, percent: int) -> None:
    """Write the run's phase and percentage (read by its progress fragment)."""
    model._default_manager.filter(pk=run_id).update(phase=phase, progress=percent)


def run_execute(
    model: type[Run],
    run_id: int,
    *,
    phase: str,
    work: Callable[[Run], Any],
    log: logging.Logger,
    what: str,
    related: tuple[str, ...] = (),
) -> Run:
    """The queue's job: claim the queued run (at ``phase``, 1 %), ``work(run)``, and give
    the run as it is then. A run already claimed is given as it is, untouched. ``work``
    writes the run's result and marks it done; an exception it raises is logged (``what``
    names the run: "Funder report 12 failed") and recorded on the run, which fails."""
    status: Any = model.Status  # type: ignore[attr-defined]
    runs = model._default_manager
    with scopes_disabled():
        claimed = runs.filter(pk=run_id, status=status.QUEUED).update(
            status=status.RUNNING, started_at=timezone.now(), phase=phase, progress=1
        )
        run = (runs.select_related(*related) if related else runs.all()).get(pk=run_id)
        if not claimed:
            return run
        try:
            work(run)
        except Exception as exc:  # recorded on the run, shown on its page
            log.exception("%s %s failed", what, run_id)
            runs.filter(pk=run_id).update(
                status=status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
            )
        run.refresh_from_db()
    return run


class RunProgressMixin:
    """The progress fragment a run's page polls (htmx, ``every 1s``): the view has
    ``run`` (the run its URL names, the same ``cached_property`` as the run's own pages)
    and names the run's page in ``run_route``; once the run is finished, htmx is told to
    load that page (``HX-Redirect``). Mixed into a project's ``TemplateView``."""

    run: Any
    project: Any
    run_route: str

    def get(self, request, *args, **kwargs):
        run = self.run
        response = self.render_to_response(self.get_context_data(run=run))  # type: ignore[attr-defined]
        if run.finished:
            response["HX-Redirect"] = project_url(self.run_route, self.project, code=run.code)
        return response
