"""How long a closed file is kept (GDPR art. 5.1.e), per project and per kind of file.

``PrivacySettings`` holds the project's terms; without a row the defaults follow the
consent registry (the participant's file: the months its purpose promises,
``Purpose.kept_months_after_close``) and the buddy's file (``models.BUDDY_MONTHS``).
``expiring`` lists the files whose term ends in the next days, so a coordinator can act;
``retention_run`` (the daily job in ``tasks.py``) anonymises the expired ones through
``privacy.erasure.erase_person`` in batches of ``BATCH`` people with a constant number of
queries per batch, writes what it did on the project's audit log and tells the
project's coordinators.
"""

from __future__ import annotations

import calendar
import datetime
import importlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from buddynet.core import clock
from buddynet.core.mail import mail_user
from buddynet.core.models import AuditEntry
from buddynet.participants.models import Participant
from buddynet.tenancy.models import Project
from buddynet.tenancy.selectors import project_privacy_contacts
from buddynet.volunteers.models import Buddy

from .models import PrivacySettings

log = logging.getLogger(__name__)

FORECAST_DAYS = 30
BATCH = 200  # people per batch of the daily job


@dataclass(frozen=True)
class Kind:
    """A kind of file the terms apply to: the person model, the setting's field, the
    status that closes the file and the date it closed on."""

    key: str
    title: object
    model: type[models.Model]
    setting: str
    closed: dict
    closed_on: str


KINDS = (
    Kind(
        "participant",
        _("participant's file"),
        Participant,
        "participant_months",
        {"status": Participant.Status.CLOSED},
        "closed_on",
    ),
    Kind(
        "buddy",
        _("buddy's file"),
        Buddy,
        "buddy_months",
        {"status": Buddy.Status.STOPPED},
        "status_changed_on",
    ),
)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved back ``months`` calendar months (31 March minus 1 = 28/29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_after(day: datetime.date, months: int) -> datetime.date:
    return months_before(day, -months)


# --- The project's terms ------------------------------------------------------------


def settings_for(project) -> PrivacySettings:
    """The project's terms (the registry's defaults when it has not set them)."""
    with scopes_disabled():
        found = PrivacySettings.objects.filter(project_id=project.pk).first()
    return found if found is not None else PrivacySettings(project=project)


def settings_update(*, project, by, via: str = "web", **values) -> PrivacySettings:
    """Save the project's terms and alert (locked; the same values again change
    nothing and write nothing)."""
    unknown = set(values) - set(PrivacySettings.FIELDS)
    if unknown:
        raise ValueError(f"Unknown privacy settings: {sorted(unknown)}")
    with transaction.atomic(), scopes_disabled():
        row, created = PrivacySettings.objects.select_for_update().get_or_create(project=project)
        changed = {name: value for name, value in values.items() if getattr(row, name) != value}
        if not changed and not created:
            return row
        for name, value in changed.items():
            setattr(row, name, value)
        row.full_clean(exclude=["project"])
        row.save()
        AuditEntry.record(
            "privacy.settings_changed", obj=row, user=by, via=via, project=project, data=changed
        )
    return row


# --- What expires -------------------------------------------------------------------


def _still_kept(query: models.QuerySet) -> models.QuerySet:
    """Leave out the people already erased (``erasure`` marks them)."""
    if any(f.name == "erased_at" for f in query.model._meta.concrete_fields):
        return query.filter(erased_at__isnull=True)
    return query


def closed_before(kind: Kind, project_ids, cutoff: datetime.date) -> models.QuerySet:
    """The people of ``kind`` in those projects whose file closed on or before
    ``cutoff``."""
    query = kind.model._default_manager.filter(
        project_id__in=list(project_ids),
        **kind.closed,
        **{f"{kind.closed_on}__isnull": False, f"{kind.closed_on}__lte": cutoff},
    )
    return _still_kept(query)


@dataclass
class Expiring:
    kind: Kind
    person: models.Model
    closed_on: datetime.date
    expires_on: datetime.date


def expiring(*, project, today: datetime.date | None = None, days: int = FORECAST_DAYS):
    """The files of ``project`` whose term ends within ``days`` (already expired ones
    first: the daily job takes them tonight), soonest first: two queries."""
    today = today or clock.today()
    terms = settings_for(project)
    found: list[Expiring] = []
    for kind in KINDS:
        months = getattr(terms, kind.setting)
        cutoff = months_before(today + datetime.timedelta(days=days), months)
        for person in closed_before(kind, [project.pk], cutoff).order_by(kind.closed_on, "pk"):
            closed_on = getattr(person, kind.closed_on)
            found.append(Expiring(kind, person, closed_on, months_after(closed_on, months)))
    found.sort(key=lambda item: (item.expires_on, item.kind.key))
    return found


def expiring_count(*, project_ids, today: datetime.date | None = None) -> int:
    """How many files of those projects expire within ``FORECAST_DAYS``."""
    return sum(expiring_counts(project_ids=project_ids, today=today).values())


def expiring_counts(*, project_ids, today: datetime.date | None = None) -> dict[int, int]:
    """Per project id, how many of its files expire within ``FORECAST_DAYS`` (the
    dashboard; projects with none left out): the terms, then one query per kind of file,
    however many projects."""
    today = today or clock.today()
    horizon = today + datetime.timedelta(days=FORECAST_DAYS)
    wanted = list(project_ids)
    counts: dict[int, int] = {}
    with scopes_disabled():
        rows = {
            row.project_id: row for row in PrivacySettings.objects.filter(project_id__in=wanted)
        }
        default = PrivacySettings()
        for kind in KINDS:
            # The projects under the same term share one cutoff.
            by_months: dict[int, list[int]] = {}
            for project_id in wanted:
                months = getattr(rows.get(project_id, default), kind.setting)
                by_months.setdefault(months, []).append(project_id)
            query = models.Q(pk__in=[])
            for months, ids in by_months.items():
                query |= models.Q(
                    project_id__in=ids,
                    **{f"{kind.closed_on}__lte": months_before(horizon, months)},
                )
            found = (
                _still_kept(
                    kind.model._default_manager.filter(query, **kind.closed).filter(
                        **{f"{kind.closed_on}__isnull": False}
                    )
                )
                .order_by()
                .values_list("project_id")
                .annotate(files=models.Count("pk"))
            )
            for project_id, files in found:
                counts[project_id] = counts.get(project_id, 0) + files
    return counts


# --- The daily job -------------------------------------------------------------------


@dataclass
class RetentionReport:
    """What one run did, per project id: how many people of each kind were erased."""

    erased: dict[int, dict[str, int]] = field(default_factory=dict)
    batches: int = 0

    def add(self, project_id: int, kind: str) -> None:
        per = self.erased.setdefault(project_id, {})
        per[kind] = per.get(kind, 0) + 1

    @property
    def total(self) -> int:
        return sum(sum(per.values()) for per in self.erased.values())


def expired_batches(kind: Kind, *, today: datetime.date, size: int = BATCH) -> Iterator[list]:
    """The expired people of ``kind`` over every project, ``size`` at a time, by key
    (a batch is one query, however many projects and people there are; the terms are
    one query before the first batch)."""
    terms = {row.project_id: row for row in PrivacySettings.objects.all()}
    default = getattr(PrivacySettings(), kind.setting)
    # The people under a project's own term, and those under the default.
    by_months: dict[int, list[int]] = {}
    for project_id, row in terms.items():
        by_months.setdefault(getattr(row, kind.setting), []).append(project_id)
    query = models.Q()
    for months, project_ids in by_months.items():
        query |= models.Q(
            project_id__in=project_ids,
            **{f"{kind.closed_on}__lte": months_before(today, months)},
        )
    query |= models.Q(**{f"{kind.closed_on}__lte": months_before(today, default)}) & ~models.Q(
        project_id__in=list(terms)
    )
    base = _still_kept(
        kind.model._default_manager.filter(query, **kind.closed).filter(
            **{f"{kind.closed_on}__isnull": False}
        )
    ).select_related("project")
    last = 0
    while True:
        batch = list(base.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def retention_run(*, today: datetime.date | None = None, size: int = BATCH) -> RetentionReport:
    """Anonymise every file past its project's term (``erasure.erase_person``, reason
    "retention"), then write per project what was done on its audit log and mail its
    coordinators the counts (no names)."""
    # The erasure lives beside this job (``privacy.erasure``), read when the job runs.
    erase_person = importlib.import_module("buddynet.privacy.erasure").erase_person

    today = today or clock.today()
    report = RetentionReport()
    with scopes_disabled():  # a system job over every project, on purpose
        for kind in KINDS:
            for batch in expired_batches(kind, today=today, size=size):
                report.batches += 1
                for person in batch:
                    erase_person(person, by=None, reason="retention")
                    report.add(person.project_id, kind.key)
        _tell(report, today=today)
    return report


def _tell(report: RetentionReport, *, today: datetime.date) -> None:
    if not report.erased:
        return
    projects = Project.objects.in_bulk(list(report.erased))
    for project_id, counts in report.erased.items():
        project = projects[project_id]
        AuditEntry.record(
            "privacy.retention_applied",
            obj=project,
            via="system",
            project=project,
            data={"on": today.isoformat(), **counts},
        )
        for user in project_privacy_contacts(project_id):
            mail_user(
                user,
                "privacy/email/retention_done",
                {
                    "project": project,
                    "participants": counts.get("participant", 0),
                    "buddies": counts.get("buddy", 0),
                },
            )
