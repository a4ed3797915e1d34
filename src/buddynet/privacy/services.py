"""The right of access and portability (GDPR art. 15 and 20), in one action.

A coordinator asks for a person's export (``export_start``); the queue makes it
(``export_build`` → ``export_execute``): every app's declared parts
(``core.personal.collect``) become ``data.json`` (machine-readable, UTF-8, ISO dates)
and ``summary.pdf`` / ``overzicht.pdf`` (what is kept, why, since when and who saw the
file, from the audit log), with the person's files, in one ZIP kept through Django's
storage. The ZIP is downloaded once (``export_download``): the file is then removed; a
ZIP not downloaded in ``KEEP_DAYS`` is removed by ``exports_expire``. Every step is on
the person's audit log.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled
from huey.contrib.djhuey import db_task

from buddynet.core import personal
from buddynet.core.audit_labels import label_for
from buddynet.core.errors import Conflict, ServiceError
from buddynet.core.models import AuditEntry
from buddynet.core.pdf import render_pdf
from buddynet.participants import consent
from buddynet.participants.models import Participant
from buddynet.tenancy import runs
from buddynet.tenancy.models import Project
from buddynet.volunteers.models import Buddy

from .models import Export

log = logging.getLogger(__name__)

KEEP_DAYS = 7  # a ready ZIP waits this long for its one download
REPEAT_SECONDS = 15  # asking again this soon gives the same export


class PrivacyError(ServiceError):
    """A rule of the person's export was broken; the message is safe to show."""


class ExportGone(PrivacyError, Conflict):
    """The export was already downloaded, or expired (409)."""


def person_language(person, fallback: str | None = None) -> str:
    """The person's own language where buddynet speaks it, else ``fallback``."""
    known = {code for code, _name in settings.LANGUAGES}
    for code in getattr(person, "languages", None) or ():
        if code in known:
            return code
    return fallback if fallback in known else "nl"


def _person_kind(person) -> str:
    if isinstance(person, Participant):
        return "participant"
    if isinstance(person, Buddy):
        return "buddy"
    raise PrivacyError(_("Only a participant or a buddy has an export."))


# --- Asking for it ------------------------------------------------------------------


def export_start(*, project: Project, person, by, language: str | None = None) -> Export:
    """Queue the export of ``person`` (a participant or a buddy of ``project``). An
    export of that person still being made, or asked for a moment ago, is the one
    given (a double click, two coordinators at once)."""
    kind = _person_kind(person)
    if person.project_id != project.pk:
        raise PrivacyError(_("This person is not in this project."))
    language = person_language(person, language or translation.get_language())

    def under_way() -> Export | None:
        recent = timezone.now() - timedelta(seconds=REPEAT_SECONDS)
        for existing in Export.objects.filter(project_id=project.pk, **{kind: person}).exclude(
            status=Export.Status.FAILED
        )[:3]:
            if not existing.finished or existing.created_at >= recent:
                return existing
        return None

    def create() -> Export:
        run = Export.objects.create(
            project=project, language=language, requested_by=by, **{kind: person}
        )
        person.log_action("privacy.export_requested", user=by, data={"export": str(run.code)})
        return run

    return runs.run_queue(
        project_ids=[project.pk], under_way=under_way, create=create, task=export_build
    )


# --- Making it (the queue) ----------------------------------------------------------


@db_task()
def export_build(run_id: int) -> None:
    """The queue's job: make a queued export (``export_execute``)."""
    export_execute(run_id)


def export_execute(run_id: int) -> Export:
    return runs.run_execute(
        Export,
        run_id,
        phase="collecting",
        work=_make_export,
        log=log,
        what="Personal data export",
        related=("project", "participant", "buddy"),
    )


def _make_export(run: Export) -> None:
    def progress(phase: str, percent: int) -> None:
        runs.run_progress(Export, run.pk, phase, percent)

    person = run.person
    with translation.override(run.language):
        body = build_zip(person, progress=progress)
    progress("saving", 95)
    run.file.save(f"export-{run.code}.zip", ContentFile(body), save=False)
    now = timezone.now()
    Export.objects.filter(pk=run.pk).update(
        file=run.file.name,
        status=Export.Status.DONE,
        phase="done",
        progress=100,
        finished_at=now,
        expires_at=now + timedelta(days=KEEP_DAYS),
    )
    person.log_action("privacy.export_made", via="system", data={"export": str(run.code)})


def file_history(person) -> list[dict[str, Any]]:
    """Who did what with the person's file, oldest first (the audit log's entries whose
    target is the person): who saw it, who changed it."""
    content_type = ContentType.objects.get_for_model(person, for_concrete_model=True)
    entries = (
        AuditEntry.unscoped.filter(content_type=content_type, object_id=person.pk)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    return [
        {
            "when": entry.created_at.isoformat(),
            "who": (personal.user_name(entry.actor) if entry.actor else entry.actor_email)
            or _("buddynet"),
            "what": label_for(entry.action),
            "action": entry.action,
            "part": str(entry.data.get("part", "")) if isinstance(entry.data, dict) else "",
            "via": entry.via,
        }
        for entry in entries
    ]


def _purpose(key: str) -> dict[str, str] | None:
    found = next((p for p in consent.PURPOSES if p.key == key), None)
    if found is None:
        return None
    return {
        "key": found.key,
        "title": str(found.title),
        "why": str(found.why),
        "legal_basis": str(found.legal_basis),
        "retention": str(found.retention),
        "shared_with": str(found.shared_with),
    }


def export_data(person) -> tuple[dict[str, Any], list[personal.Section]]:
    """The person's data as one JSON-ready dict, and the sections it came from."""
    kind = _person_kind(person)
    sections = personal.collect(person)
    data = {
        "format": "buddynet-personal-export/1",
        "made_at": timezone.now().isoformat(),
        "person": {
            "kind": kind,
            "code": str(person.code),
            "name": person.full_name,
            "project": str(person.project),
        },
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "why": s.why,
                "purpose": _purpose(s.purpose) if s.purpose else None,
                "since": s.since.isoformat() if s.since else None,
                "fields": dict(s.fields),
                "records": s.records,
            }
            for s in sections
        ],
        "file_history": file_history(person),
    }
    return data, sections


def build_zip(person, *, progress=None) -> bytes:
    """The ZIP of ``person``'s export, in the active language."""
    progress = progress or (lambda phase, percent: None)
    with scopes_disabled():
        data, sections = export_data(person)
    progress("pdf", 40)
    pdf = render_pdf(
        "privacy/pdf/summary.html",
        {
            "data": data,
            "sections": [s for s in sections if s.records],
            "empty": [s for s in sections if not s.records],
            "made_at": _when(data["made_at"]),
            "history": [{**h, "when": _when(h["when"])} for h in data["file_history"]],
            "project": person.project,
            "purposes": {s.purpose: _purpose(s.purpose) for s in sections if s.purpose},
        },
        language=translation.get_language() or "nl",
    )
    progress("zip", 80)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
        )
        archive.writestr(pdf_name(), pdf)
        for section in sections:
            for path, content in section.files:
                archive.writestr(path, content)
    return buffer.getvalue()


def _when(iso: str) -> str:
    """An ISO time of the JSON as a person reads it in the PDF, in the active language."""
    moment = timezone.localtime(datetime.fromisoformat(iso))
    return formats.date_format(moment, "j F Y, H:i")


def pdf_name() -> str:
    return "overzicht.pdf" if translation.get_language() == "nl" else "summary.pdf"


# --- Downloading it once ------------------------------------------------------------


def export_download(*, run: Export, by, via: str = "web") -> tuple[bytes, str]:
    """The ZIP's bytes and its download name, once: the row is locked, the file read and
    removed from the storage, the download written on the person's audit log. A second
    download, or one after expiry, is refused with a clear message."""
    with transaction.atomic():
        locked = Export.objects.select_for_update().get(pk=run.pk)
        if locked.downloaded_at is not None:
            raise ExportGone(
                _(
                    "This export was already downloaded on %(when)s. It can be downloaded "
                    "only once: ask for a new export."
                )
                % {"when": timezone.localtime(locked.downloaded_at).strftime("%d/%m/%Y %H:%M")}
            )
        if locked.removed_at is not None or (
            locked.expires_at is not None and locked.expires_at <= timezone.now()
        ):
            raise ExportGone(
                _("This export has expired and its file was removed: ask for a new export.")
            )
        if locked.status != Export.Status.DONE or not locked.file:
            raise PrivacyError(_("This export is not ready yet."))
        with locked.file.open("rb") as handle:
            body = handle.read()
        name = locked.file.name
        now = timezone.now()
        Export.objects.filter(pk=locked.pk).update(
            downloaded_at=now, downloaded_by=by, removed_at=now, file=""
        )
        person = run.person
        person.log_action(
            "privacy.export_downloaded", user=by, via=via, data={"export": str(run.code)}
        )
        transaction.on_commit(partial(locked.file.storage.delete, name))
    kind = "deelnemer" if run.participant_id else "buddy"
    return body, f"export-{kind}-{run.code}.zip"


def exports_expire(*, now=None) -> int:
    """Remove the files of exports not downloaded in time (the daily job); each on the
    person's audit log. Gives how many were removed."""
    now = now or timezone.now()
    removed = 0
    with scopes_disabled():
        due = Export.objects.filter(
            status=Export.Status.DONE, removed_at__isnull=True, expires_at__lte=now
        ).select_related("participant", "buddy")
        for run in due:
            with transaction.atomic():
                updated = Export.objects.filter(pk=run.pk, removed_at__isnull=True).update(
                    removed_at=now, file=""
                )
                if not updated:
                    continue
                if run.file:
                    transaction.on_commit(partial(run.file.storage.delete, run.file.name))
                run.person.log_action(
                    "privacy.export_expired", via="system", data={"export": str(run.code)}
                )
                removed += 1
    return removed


def person_exports(person) -> models.QuerySet[Export]:
    kind = _person_kind(person)
    return Export.objects.filter(**{kind: person}).select_related("requested_by", "downloaded_by")
