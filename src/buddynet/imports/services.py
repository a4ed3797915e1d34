"""Writes of the imports app: the upload (type, size, readable), the column mapping
(remembered per project), and the commit in the queue: all-or-nothing, through the
owning app's own services (``WRITES``: participants, volunteers, trajectories, the
community's social map; each record its own audit entry), with the run's progress
(``tenancy.runs``)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled
from huey.contrib.djhuey import db_task

from buddynet.community import services as community_services
from buddynet.community.models import Service
from buddynet.core.errors import Conflict, ServiceError
from buddynet.participants import services as participant_services
from buddynet.participants.models import Participant
from buddynet.tenancy import runs
from buddynet.tenancy.models import Project
from buddynet.trajectories import services as trajectory_services
from buddynet.trajectories.models import Trajectory
from buddynet.volunteers import services as buddy_services
from buddynet.volunteers.models import Buddy

from . import reading
from .models import ImportMapping, ImportRun, Kind
from .plan import COLUMNS, CREATE, REFUSED, UNCHANGED, UPDATE, Plan, guess, make_plan

log = logging.getLogger(__name__)


class ImportsError(ServiceError):
    """A rule about imports was broken; the message is safe to show."""


def import_upload(*, project: Project, kind: str, upload, by) -> ImportRun:
    """Keep an uploaded spreadsheet (checked: size, type by name and first bytes, a
    header row) as a new import, not imported yet."""
    if kind not in Kind.values:
        raise ImportsError(_("Choose what the file holds."), field="kind")
    if upload.size > reading.MAX_BYTES:
        raise ImportsError(
            _("The file is larger than %(mb)s MB.") % {"mb": reading.MAX_BYTES // 2**20},
            field="file",
        )
    body = upload.read()
    try:
        file_kind = reading.kind_of(upload.name, body[:8])
        headers, rows = reading.read(body, file_kind)
    except reading.SheetError as exc:
        raise ImportsError(str(exc), field="file") from exc
    if not rows:
        raise ImportsError(_("The file has no rows under its header."), field="file")
    with transaction.atomic():
        run = ImportRun(
            project=project,
            kind=kind,
            file_name=upload.name[-200:],
            file_kind=file_kind,
            sha256=hashlib.sha256(body).hexdigest(),
            headers=headers,
            rows=len(rows),
            requested_by=by,
        )
        remembered = ImportMapping.objects.filter(project=project, kind=kind).first()
        run.mapping = guess(kind, headers, remembered.columns if remembered else None)
        run.file.save(f"source.{file_kind}", ContentFile(body), save=False)
        run.save()
        run.log_action(
            "imports.uploaded", user=by, data={"kind": kind, "rows": len(rows), "file": file_kind}
        )
    return run


def import_map(*, run: ImportRun, columns: dict[str, str], by) -> ImportRun:
    """Keep the chosen columns on the import and as the project's mapping for next time."""
    wanted = {c.name for c in COLUMNS[run.kind]}
    columns = {k: v for k, v in columns.items() if k in wanted and v in run.headers}
    missing = [str(c.label) for c in COLUMNS[run.kind] if c.required and c.name not in columns]
    if missing:
        raise ImportsError(_("Choose the column of: %(fields)s.") % {"fields": ", ".join(missing)})
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != ImportRun.Status.DRAFT:
            raise Conflict(_("This file has been imported already; upload it again."))
        if locked.mapping != columns:
            locked.mapping = columns
            locked.save(update_fields=["mapping", "updated_at"])
            locked.log_action("imports.mapped", user=by, data={"columns": sorted(columns)})
        ImportMapping.objects.update_or_create(
            project=run.project, kind=run.kind, defaults={"columns": columns, "changed_by": by}
        )
    return locked


def _sheet(run: ImportRun) -> tuple[list[str], list[tuple[int, list]]]:
    with run.file.open("rb") as handle:
        body = handle.read()
    return reading.read(body, run.file_kind)


def import_plan(*, run: ImportRun) -> Plan:
    """The dry run: what each row would do now (nothing written)."""
    headers, rows = _sheet(run)
    return make_plan(
        kind=run.kind, project=run.project, headers=headers, rows=rows, mapping=run.mapping
    )


def import_commit_start(*, run: ImportRun, by) -> ImportRun:
    """Queue the commit of a mapped import; pressing it again gives the run under way."""

    def under_way() -> ImportRun | None:
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        return None if locked.status == ImportRun.Status.DRAFT else locked

    def create() -> ImportRun:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.QUEUED, phase="queued", progress=0
        )
        run.refresh_from_db()
        run.log_action("imports.commit_asked", user=by)
        return run

    return runs.run_queue(
        project_ids=[run.project_id], under_way=under_way, create=create, task=import_commit
    )


@db_task()
def import_commit(run_id: int) -> None:
    """The queue's job: commit a queued import (``import_run_execute``)."""
    import_run_execute(run_id)


def import_run_execute(run_id: int) -> ImportRun:
    return runs.run_execute(
        ImportRun,
        run_id,
        phase="reading",
        work=_commit,
        log=log,
        what="Import",
        related=("project", "requested_by"),
    )


class RowRefused(Exception):
    """A row the dry run passed broke a rule at the commit: nothing is written."""


def _commit(run: ImportRun) -> None:
    """All or nothing: under the project's lock the plan is made again and every row it
    creates or updates goes through the app's own service in one transaction."""
    project, by = run.project, run.requested_by

    def progress(phase: str, percent: int) -> None:
        runs.run_progress(ImportRun, run.pk, phase, percent)

    headers, rows = _sheet(run)
    progress("checking", 5)
    try:
        with transaction.atomic():
            Project.objects.select_for_update().filter(pk=project.pk).first()
            plan = make_plan(
                kind=run.kind, project=project, headers=headers, rows=rows, mapping=run.mapping
            )
            todo = [row for row in plan.rows if row.action in (CREATE, UPDATE)]
            writes = WRITES[run.kind]
            existing = writes.model.objects.in_bulk([r.existing_id for r in todo if r.existing_id])
            # New people go in batches (a few statements each, whatever the batch's
            # size), in the file's order; changes to people already there one by one.
            batches = [todo[i : i + BATCH] for i in range(0, len(todo), BATCH)]
            for done, batch in enumerate(batches, start=1):
                new = [row for row in batch if row.action == CREATE]
                try:
                    _write_new(writes, project, by, new)
                except _BatchRefused as exc:
                    raise RowRefused(
                        _("Row %(row)s: %(reason)s") % {"row": exc.row, "reason": exc.message}
                    ) from exc
                for row in batch:
                    if row.action != UPDATE:
                        continue
                    try:
                        writes.change(project, by, row, existing.get(row.existing_id))
                    except ServiceError as exc:
                        raise RowRefused(
                            _("Row %(row)s: %(reason)s")
                            % {"row": row.number, "reason": exc.message}
                        ) from exc
                progress("writing", 10 + 85 * done // len(batches))
            counts = plan.counts
            run.log_action(
                "imports.committed",
                user=by,
                data={k: counts[k] for k in (CREATE, UPDATE, UNCHANGED, REFUSED)},
            )
    except RowRefused as exc:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED, error=str(exc), finished_at=timezone.now()
        )
        return
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.DONE,
        phase="done",
        progress=100,
        created=counts[CREATE],
        updated=counts[UPDATE],
        unchanged=counts[UNCHANGED],
        refused=counts[REFUSED],
        finished_at=timezone.now(),
    )


# Rows written per batch (and per progress step) of a commit.
BATCH = 500


class _BatchRefused(Exception):
    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row, self.message = row, message


def _write_new(writes: KindWrite, project, by, rows: list) -> None:
    """The new rows of a batch through the app's own service; a row it refuses is named
    by finding it (a bulk service checks the batch row by row before it writes, so the
    first refused row is the one it stopped at)."""
    if not rows:
        return
    try:
        writes.new(project, by, rows)
    except ServiceError as exc:
        row = getattr(exc, "row_index", None)
        number = rows[row].number if row is not None else rows[0].number
        raise _BatchRefused(number, exc.message) from exc


def _one_by_one(write: Callable[[Any, Any, Any], None]):
    """A kind without a bulk service: each new row on its own, named when refused."""

    def new(project, by, rows: list) -> None:
        for index, row in enumerate(rows):
            try:
                write(project, by, row)
            except ServiceError as exc:
                exc.row_index = index  # type: ignore[attr-defined]
                raise

    return new


def _participants_new(project, by, rows: list) -> None:
    participant_services.participants_import_new(
        project=project,
        by=by,
        rows=[
            (row.data, row.dates.get("referred_on"), row.dates.get("waiting_since")) for row in rows
        ],
    )


def _participant_change(project, by, row, existing) -> None:
    participant_services.participant_import(
        project=project,
        by=by,
        data=row.data,
        existing=existing,
        referred_on=row.dates.get("referred_on"),
        waiting_since=row.dates.get("waiting_since"),
    )


def _buddies_new(project, by, rows: list) -> None:
    buddy_services.buddies_import_new(
        project=project, by=by, rows=[(row.data, row.dates.get("applied_on")) for row in rows]
    )


def _buddy_change(project, by, row, existing) -> None:
    buddy_services.buddy_import(
        project=project,
        by=by,
        data=row.data,
        existing=existing,
        applied_on=row.dates.get("applied_on"),
    )


def _trajectory_new(project, by, row) -> None:
    trajectory_services.trajectory_import(
        buddy=Buddy.objects.get(pk=row.data["buddy_id"], project=project),
        participant=Participant.objects.get(pk=row.data["participant_id"], project=project),
        by=by,
        started_on=row.dates["started_on"],
        status=row.data["status"],
        agreed_on=row.dates.get("agreed_on"),
        professional_id=row.data["professional_id"],
    )


def _no_change(project, by, row, existing) -> None:
    """A kind whose rows are only created or left as they are."""
    raise ImportsError(_("This row cannot be changed by an import."))


def _service_write(project, by, row, existing=None) -> None:
    community_services.service_import(
        network=project.organisation.network,
        by=by,
        data=row.data,
        service=existing,
        checked_on=row.dates.get("checked_on"),
    )


@dataclass(frozen=True)
class KindWrite:
    """How a kind's rows are written, beside its plan (``plan.KINDS``): ``new`` takes a
    batch of rows to create, ``change`` one row and the record it changes (of
    ``model``); both through the owning app's services."""

    model: Any
    new: Callable[[Any, Any, list], None]
    change: Callable[[Any, Any, Any, Any], None]


WRITES: dict[str, KindWrite] = {
    Kind.PARTICIPANTS: KindWrite(Participant, _participants_new, _participant_change),
    Kind.BUDDIES: KindWrite(Buddy, _buddies_new, _buddy_change),
    Kind.TRAJECTORIES: KindWrite(Trajectory, _one_by_one(_trajectory_new), _no_change),
    Kind.SERVICES: KindWrite(Service, _one_by_one(_service_write), _service_write),
}


# --- Reads ----------------------------------------------------------------------------


def import_run_get(*, project: Project, code) -> ImportRun:
    """An import of this project (another project's gives 404)."""
    return get_object_or_404(
        ImportRun.objects.select_related("requested_by", "project"), project=project, code=code
    )


def import_runs_recent(*, project: Project, limit: int = 10) -> list[ImportRun]:
    with scopes_disabled():
        return list(
            ImportRun.objects.filter(project=project).select_related("requested_by")[:limit]
        )
