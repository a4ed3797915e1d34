"""How long a closed file, and each kind of record in it, is kept (GDPR art. 5.1.e),
per project.

``PrivacySettings`` holds the project's terms; without a row the defaults follow the
consent registry (the participant's file: the months its purpose promises,
``Purpose.kept_months_after_close``; messages: those of the purpose "Messages with your
buddy"), the buddy's file (``models.BUDDY_MONTHS``), proof (``models.PROOF_YEARS``) and
the law (the expenses' named list, ``models.NAMED_LIST_YEARS``, never shorter).

Two kinds of term:

- whole files (``KINDS``: a participant's, a buddy's): past the term the person is
  erased (``privacy.erasure.erase_person``, which keeps the proof and the named list);
- records (``RECORD_KINDS``): messages of a closed file or trajectory (sooner than the
  file), the proof records kept whole by the erasure (signed agreement versions and
  their signatures, volunteers' signed information notes: longer than the file) and
  the named list's lines (seven years after their year). Past their term their
  identifying fields are anonymised in place (``RecordKind.erase``): the rows, counts,
  dates and amounts stay, so the reports' totals do not change.

``expiring`` lists the files and ``expiring_records`` the records (counted per kind and
date) whose term ends in the next days, so a coordinator can act; ``retention_run``
(the daily job in ``tasks.py``) anonymises the expired ones in batches of ``BATCH``
with a constant number of queries of its own per batch, writes per project what it did
(counts per kind) on the project's audit log and tells the project's coordinators.
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

from buddynet.contact.models import Message
from buddynet.core import clock, personal
from buddynet.core.mail import mail_user
from buddynet.core.models import AuditEntry
from buddynet.core.queries import project_record
from buddynet.expenses.models import NamedListEntry
from buddynet.participants.models import Participant
from buddynet.tenancy.models import Project
from buddynet.tenancy.selectors import project_privacy_contacts
from buddynet.trajectories.models import AgreementSignature, AgreementVersion, Trajectory
from buddynet.volunteers.models import Buddy, InformationNote

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


@dataclass(frozen=True)
class Clock:
    """One way a record's term starts: the record's path to what closes (a trajectory,
    a participant's or a buddy's file), the filter that says it is closed and the date
    it closed on."""

    path: str
    closed: dict
    closed_on: str

    @property
    def on(self) -> str:
        return f"{self.path}__{self.closed_on}"

    def is_closed(self) -> models.Q:
        return models.Q(
            **{f"{self.path}__{name}": value for name, value in self.closed.items()},
            **{f"{self.on}__isnull": False},
        )


TRAJECTORY_CLOSED = {"status": Trajectory.Status.CLOSED}
PARTICIPANT_CLOSED = {"status": Participant.Status.CLOSED}
BUDDY_STOPPED = {"status": Buddy.Status.STOPPED}


@dataclass(frozen=True)
class RecordKind:
    """A kind of record with a term of its own: the setting that holds it (in months, or
    in years: ``unit`` 12), the path to its project, what anonymising does to its fields
    (``erase``: field → a rule of ``core.personal``; None: the rules its app declares
    for the erasure) and when its term starts (``clocks``; none: the end of the year
    in its ``year`` field, the named list)."""

    key: str  # the report's and the forecast's key
    title: object
    model: type[models.Model]
    setting: str
    unit: int
    project: str
    clocks: tuple[Clock, ...] = ()
    erase: dict[str, str] | None = None

    def rules(self) -> dict[str, str]:
        if self.erase is not None:
            return self.erase
        found = {}
        for model_field in personal.text_fields(self.model):
            decided = personal.erase_rule(self.model, model_field.name)
            if decided is not None and decided[0] != personal.KEEP:
                found[model_field.name] = decided[0]
        return found

    def targets(self) -> dict[str, str]:
        """The value each anonymised field gets."""
        return {
            name: personal.ERASED if rule == personal.MARK else ""
            for name, rule in self.rules().items()
        }

    def files(self) -> list[str]:
        return [name for name, rule in self.rules().items() if rule == personal.FILE]

    def pending(self) -> models.Q:
        """The records not anonymised yet (a field still holds something)."""
        query = models.Q()
        for name in self.rules():
            query |= ~models.Q(**{f"{name}__in": ["", personal.ERASED]})
        return query


MESSAGE_CLOCKS = (
    # A pair's conversation: from the day their trajectory closed.
    Clock("conversation__trajectory", TRAJECTORY_CLOSED, "closed_on"),
    # A person's own conversation with the coordinators: from the day their file closed.
    Clock("conversation__participant", PARTICIPANT_CLOSED, "closed_on"),
    Clock("conversation__buddy", BUDDY_STOPPED, "status_changed_on"),
)

RECORD_KINDS = (
    RecordKind(
        "messages",
        _("messages"),
        Message,
        "message_months",
        1,
        "conversation__project_id",
        clocks=MESSAGE_CLOCKS,
    ),
    RecordKind(
        "proof",
        _("signed agreements"),
        AgreementVersion,
        "proof_years",
        12,
        "project_id",
        clocks=(Clock("agreement__trajectory", TRAJECTORY_CLOSED, "closed_on"),),
        erase={"text": personal.MARK},
    ),
    RecordKind(
        "proof",
        _("signatures of agreements"),
        AgreementSignature,
        "proof_years",
        12,
        "project_id",
        clocks=(Clock("version__agreement__trajectory", TRAJECTORY_CLOSED, "closed_on"),),
        erase={"signed_name": personal.MARK},
    ),
    RecordKind(
        "proof",
        _("signed information notes"),
        InformationNote,
        "proof_years",
        12,
        "project_id",
        clocks=(Clock("buddy", BUDDY_STOPPED, "status_changed_on"),),
        erase={"text": personal.MARK, "signed_name": personal.MARK},
    ),
    RecordKind(
        "named_list",
        _("named list of expense allowances"),
        NamedListEntry,
        "named_list_years",
        12,
        "project_id",
        erase={"volunteer_name": personal.MARK},
    ),
)
REPORTED = ("participant", "buddy", "messages", "proof", "named_list")


# --- The project's terms ------------------------------------------------------------


def settings_for(project) -> PrivacySettings:
    """The project's terms (the registry's defaults when it has not set them)."""
    return project_record(PrivacySettings, project)


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


@dataclass(frozen=True)
class Term:
    """One of the project's terms as the pages show it: ``how`` is "months", "years"
    (after the file or trajectory closes) or "law" (years after the year it concerns,
    not changeable)."""

    title: object
    amount: int
    how: str


def terms_for(project) -> list[Term]:
    """The project's terms, whole files first, then the records with their own."""
    terms = settings_for(project)
    return [
        *(Term(kind.title, getattr(terms, kind.setting), "months") for kind in KINDS),
        Term(_("messages"), terms.message_months, "months"),
        Term(_("signed agreements and information notes"), terms.proof_years, "years"),
        Term(_("named list of expense allowances"), terms.named_list_years, "law"),
    ]


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


# --- Records with a term of their own ------------------------------------------------


def _record_term(kind: RecordKind, units: int, day: datetime.date) -> models.Q:
    """The records of ``kind`` whose term of ``units`` has ended by ``day``."""
    if not kind.clocks:  # by year: the term runs from the end of the record's year
        return models.Q(year__lte=day.year - units - 1, keep_until__lt=day)
    cutoff = months_before(day, units * kind.unit)
    query = models.Q()
    for way in kind.clocks:
        query |= way.is_closed() & models.Q(**{f"{way.on}__lte": cutoff})
    return query


def _expired_q(kind: RecordKind, rows: dict[int, PrivacySettings], day: datetime.date):
    """Over every project: the records of ``kind`` past their project's term by ``day``
    (one condition per distinct term, not per project or record)."""
    by_units: dict[int, list[int]] = {}
    for project_id, row in rows.items():
        by_units.setdefault(getattr(row, kind.setting), []).append(project_id)
    query = models.Q()
    for units, project_ids in by_units.items():
        query |= models.Q(**{f"{kind.project}__in": project_ids}) & _record_term(kind, units, day)
    default = getattr(PrivacySettings(), kind.setting)
    query |= ~models.Q(**{f"{kind.project}__in": list(rows)}) & _record_term(kind, default, day)
    return query & kind.pending()


@dataclass
class RecordsExpiring:
    """Records of one kind whose term ends on one day (counted: no names)."""

    kind: RecordKind
    count: int
    closed_on: datetime.date | None
    expires_on: datetime.date


def expiring_records(
    *, project, today: datetime.date | None = None, days: int = FORECAST_DAYS
) -> list[RecordsExpiring]:
    """The records of ``project`` whose own term ends within ``days`` (already expired
    ones too), counted per kind and day, soonest first: one query per way a term
    starts."""
    today = today or clock.today()
    terms = settings_for(project)
    until = today + datetime.timedelta(days=days)
    found: list[RecordsExpiring] = []
    with scopes_disabled():
        for kind in RECORD_KINDS:
            units = getattr(terms, kind.setting)
            records = kind.model._default_manager.filter(
                kind.pending(), **{kind.project: project.pk}
            )
            if not kind.clocks:
                rows = (
                    records.filter(_record_term(kind, units, until))
                    .values("year")
                    .annotate(n=models.Count("pk"))
                    .order_by("year")
                )
                found += [
                    RecordsExpiring(
                        kind,
                        row["n"],
                        datetime.date(row["year"], 12, 31),
                        datetime.date(row["year"] + units + 1, 1, 1),
                    )
                    for row in rows
                ]
                continue
            cutoff = months_before(until, units * kind.unit)
            for way in kind.clocks:
                rows = (
                    records.filter(way.is_closed(), **{f"{way.on}__lte": cutoff})
                    .values(way.on)
                    .annotate(n=models.Count("pk"))
                    .order_by(way.on)
                )
                found += [
                    RecordsExpiring(
                        kind,
                        row["n"],
                        row[way.on],
                        months_after(row[way.on], units * kind.unit),
                    )
                    for row in rows
                ]
    merged: dict[tuple, RecordsExpiring] = {}
    for item in found:
        key = (item.kind.title, item.expires_on)
        if key in merged:
            merged[key].count += item.count
        else:
            merged[key] = item
    return sorted(merged.values(), key=lambda i: (i.expires_on, REPORTED.index(i.kind.key)))


def expired_records(
    kind: RecordKind, *, today: datetime.date, size: int = BATCH
) -> Iterator[list[tuple]]:
    """The expired records of ``kind`` over every project, ``size`` at a time, by key:
    ``(pk, project id, file names...)``. The terms are one query before the first
    batch, each batch one query, however many projects and records."""
    rows = {row.project_id: row for row in PrivacySettings.objects.all()}
    base = kind.model._default_manager.filter(_expired_q(kind, rows, today))
    fields = ("pk", kind.project, *kind.files())
    last = 0
    while True:
        batch = list(base.filter(pk__gt=last).order_by("pk").values_list(*fields)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def anonymise_records(kind: RecordKind, batch: list[tuple]) -> None:
    """Anonymise one batch (``expired_records``): its files removed through the
    storage, its identifying fields replaced in one update."""
    files = kind.files()
    for row in batch:
        for name, stored in zip(files, row[2:], strict=True):
            model_field = kind.model._meta.get_field(name)
            if stored and isinstance(model_field, models.FileField):
                model_field.storage.delete(stored)
    kind.model._default_manager.filter(pk__in=[row[0] for row in batch]).update(**kind.targets())


# --- The daily job -------------------------------------------------------------------


@dataclass
class RetentionReport:
    """What one run did, per project id: how many people of each kind were erased and
    how many records of each kind anonymised (keys of ``REPORTED``)."""

    erased: dict[int, dict[str, int]] = field(default_factory=dict)
    batches: int = 0

    def add(self, project_id: int, kind: str, count: int = 1) -> None:
        per = self.erased.setdefault(project_id, {})
        per[kind] = per.get(kind, 0) + count

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
    "retention"; the audit log read once per batch, ``erasure.candidates_for``), then
    every record past its own term (``anonymise_records``), then write per project what
    was done on its audit log and mail its coordinators the counts (no names)."""
    # The erasure lives beside this job (``privacy.erasure``), read when the job runs.
    erasure = importlib.import_module("buddynet.privacy.erasure")

    today = today or clock.today()
    report = RetentionReport()
    with scopes_disabled():  # a system job over every project, on purpose
        for kind in KINDS:
            for batch in expired_batches(kind, today=today, size=size):
                report.batches += 1
                candidates = erasure.candidates_for(batch)
                for person in batch:
                    erasure.erase_person(person, by=None, reason="retention", candidates=candidates)
                    report.add(person.project_id, kind.key)
        for record_kind in RECORD_KINDS:
            for rows in expired_records(record_kind, today=today, size=size):
                report.batches += 1
                with transaction.atomic():
                    anonymise_records(record_kind, rows)
                for row in rows:
                    report.add(row[1], record_kind.key)
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
                    "messages": counts.get("messages", 0),
                    "proof": counts.get("proof", 0),
                    "named_list": counts.get("named_list", 0),
                },
            )
