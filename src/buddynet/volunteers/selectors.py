"""Reads of buddies, through the acting user's access. Contact details are for the
project's coordinators only.

A selector that hands out (part of) a buddy's file writes the "viewed" entry in the
history when it is given the ``viewed_by`` user: the file page, the pages that show the
profile, intake, screening or decision, the API, the downloads. Views and endpoints never
write these entries themselves."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.core.selectors import search_people
from buddynet.participants.models import Participant
from buddynet.tenancy import policy
from buddynet.tenancy.access import Access
from buddynet.tenancy.models import Project

from .models import (
    Attachment,
    Buddy,
    InformationNote,
    PipelineStep,
    TrainingModule,
    TrainingRecord,
    TrainingSession,
    Vacancy,
    VolunteerTerms,
)
from .services import record_check_expires_on

PIPELINE = (
    Buddy.Status.APPLIED,
    Buddy.Status.INTAKE,
    Buddy.Status.SCREENING,
    Buddy.Status.TRAINING,
    Buddy.Status.DECISION,
)
# The columns of the board, in order.
BOARD = (*PIPELINE, Buddy.Status.READY, Buddy.Status.ACTIVE, Buddy.Status.PAUSED)
WARN_DAYS = 60  # warn this long before a record check or a training expires


def buddy_list_for_user(
    *, access: Access, project, status: str | None = None, query: str | None = None
) -> QuerySet[Buddy]:
    if not access.has(policy.BUDDIES_VIEW, project):
        raise PermissionDenied
    qs = Buddy.objects.filter(project=project)
    if status:
        qs = qs.filter(status=status)
    qs = search_people(qs, query)
    return qs.order_by("last_name", "first_name", "pk")


def buddy_get_for_user(
    *, access: Access, project, code, viewed_by=None, part: str = "", via: str = "web"
) -> Buddy:
    """One buddy of the project (404 when not there or not visible). With ``viewed_by``
    the view is recorded (``buddy.viewed``, with the ``part`` of the file shown)."""
    try:
        code = uuid.UUID(str(code))
        buddy = buddy_list_for_user(access=access, project=project).get(code=code)
    except (Buddy.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such buddy.") from exc
    if viewed_by is not None:
        buddy.log_action(
            "buddy.viewed", user=viewed_by, via=via, data={"part": part} if part else None
        )
    return buddy


def buddies_own(*, user) -> list[Buddy]:
    return list(Buddy.objects.filter(user=user).select_related("project"))


def buddy_figures(*, project_ids) -> dict[int, dict]:
    """Counts per status per project, in one query; no identities."""
    figures: dict[int, dict] = defaultdict(
        lambda: {"by_status": {s: 0 for s in Buddy.Status.values}, "total": 0, "pipeline": 0}
    )
    rows = (
        Buddy.objects.filter(project_id__in=project_ids)
        .values("project_id", "status")
        .annotate(n=Count("*"))
        .order_by()
    )
    for row in rows:
        fig = figures[row["project_id"]]
        fig["by_status"][row["status"]] = row["n"]
        fig["total"] += row["n"]
        if row["status"] in PIPELINE:
            fig["pipeline"] += row["n"]
    for pid in project_ids:
        figures[pid]
    return dict(figures)


def _uuid(code):
    try:
        return uuid.UUID(str(code))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Http404 from exc


# --- Vacancies ------------------------------------------------------------------------


def vacancy_list_for_user(*, access: Access, project) -> QuerySet[Vacancy]:
    if not access.has(policy.VACANCIES_MANAGE, project):
        raise PermissionDenied
    return Vacancy.objects.filter(project=project).annotate(n_applications=Count("applications"))


def vacancy_get_for_user(*, access: Access, project, code) -> Vacancy:
    try:
        return vacancy_list_for_user(access=access, project=project).get(code=_uuid(code))
    except Vacancy.DoesNotExist as exc:
        raise Http404("No such vacancy.") from exc


def vacancy_public_get(*, code) -> Vacancy:
    """A published vacancy, for anyone (no login, no scope): unpublished ones are 404."""
    with scopes_disabled():
        try:
            return Vacancy.objects.select_related("project__organisation").get(
                code=_uuid(code), is_published=True, project__is_active=True
            )
        except Vacancy.DoesNotExist as exc:
            raise Http404("No such vacancy.") from exc


def project_public_get(*, code) -> Project:
    """An active project, for its public front door (no login, no scope)."""
    try:
        return Project.objects.select_related("organisation").get(code=_uuid(code), is_active=True)
    except Project.DoesNotExist as exc:
        raise Http404("No such project.") from exc


def vacancies_open_public(*, project, today: date | None = None) -> list[Vacancy]:
    """The project's published vacancies that still take applications, newest first."""
    today = today or timezone.localdate()
    with scopes_disabled():
        return list(
            Vacancy.objects.filter(project=project, is_published=True)
            .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
            .order_by("-created_at", "-pk")
        )


def terms_for_project(*, project) -> VolunteerTerms | None:
    with scopes_disabled():
        return VolunteerTerms.objects.filter(project=project).first()


# --- The pipeline ---------------------------------------------------------------------


def buddy_board(*, access: Access, project, query: str | None = None) -> list[dict]:
    qs = buddy_list_for_user(access=access, project=project, query=query).filter(status__in=BOARD)
    columns = {status: [] for status in BOARD}
    for buddy in qs.order_by("status_changed_on", "pk"):
        columns[buddy.status].append(buddy)
    return [
        {"status": status, "label": Buddy.Status(status).label, "buddies": buddies}
        for status, buddies in columns.items()
    ]


def applications_for_user(*, access: Access, project) -> QuerySet[Buddy]:
    return (
        buddy_list_for_user(access=access, project=project)
        .filter(status__in=PIPELINE)
        .select_related("vacancy")
        .order_by("-applied_on", "-pk")
    )


def pipeline_history(*, buddy: Buddy) -> list[PipelineStep]:
    return list(PipelineStep.objects.filter(buddy=buddy).select_related("by"))


def buddy_own_get(
    *, access: Access, project, user, permission: str = policy.SELF_VIEW_BUDDY
) -> Buddy:
    """The buddy's own record in this project: never anyone else's (403 without
    ``permission``: the buddy's own pages, or another app's, such as claiming expenses;
    404 when they have none)."""
    if not access.has(permission, project):
        raise PermissionDenied
    buddy = Buddy.objects.filter(project=project, user=user).first()
    if buddy is None:
        raise Http404("You have no buddy profile in this project.")
    return buddy


# --- Training -------------------------------------------------------------------------


def training_modules(*, access: Access, project) -> QuerySet[TrainingModule]:
    if not access.has(policy.TRAINING_MANAGE, project):
        raise PermissionDenied
    return TrainingModule.objects.filter(project=project)


def training_sessions(*, access: Access, project) -> QuerySet[TrainingSession]:
    if not access.has(policy.TRAINING_MANAGE, project):
        raise PermissionDenied
    return (
        TrainingSession.objects.filter(project=project)
        .select_related("module")
        .annotate(n_attended=Count("records"))
    )


def training_session_get(*, access: Access, project, code) -> TrainingSession:
    try:
        return training_sessions(access=access, project=project).get(code=_uuid(code))
    except TrainingSession.DoesNotExist as exc:
        raise Http404("No such session.") from exc


def buddy_training(*, buddy: Buddy, today: date | None = None) -> list[dict]:
    """Per module of the project: done (and until when), expiring soon, expired, or to do."""
    today = today or timezone.localdate()
    latest: dict[int, TrainingRecord] = {}
    for record in TrainingRecord.objects.filter(
        buddy=buddy, completed_on__isnull=False
    ).select_related("module"):
        best = latest.get(record.module_id)
        if best is None or record.completed_on > best.completed_on:
            latest[record.module_id] = record
    rows = []
    for module in TrainingModule.objects.filter(project=buddy.project):
        record = latest.get(module.pk)
        expires = record.expires_on if record else None
        if record is None:
            state = "todo"
        elif expires and expires < today:
            state = "expired"
        elif expires and expires <= today + timedelta(days=WARN_DAYS):
            state = "expiring"
        else:
            state = "done"
        rows.append({"module": module, "record": record, "expires_on": expires, "state": state})
    return rows


def attachments(*, buddy: Buddy) -> list:
    return list(Attachment.objects.filter(buddy=buddy).defer("data"))


def attachment_get(*, buddy: Buddy, code, user, via: str = "web") -> Attachment:
    """An applicant's file, for downloading: the download is recorded."""
    try:
        attachment = Attachment.objects.get(buddy=buddy, code=_uuid(code))
    except Attachment.DoesNotExist as exc:
        raise Http404("No such file.") from exc
    buddy.log_action(
        "buddy.attachment_downloaded", user=user, via=via, data={"name": attachment.name}
    )
    return attachment


def signed_notes(*, buddy: Buddy) -> list[InformationNote]:
    return list(InformationNote.objects.filter(buddy=buddy).select_related("on_device_of"))


def signed_note_get(*, buddy: Buddy, code, downloaded_by=None) -> InformationNote:
    """A signed note; with ``downloaded_by`` (someone other than the buddy) the download
    is recorded."""
    try:
        note = InformationNote.objects.get(buddy=buddy, code=_uuid(code))
    except InformationNote.DoesNotExist as exc:
        raise Http404("No such document.") from exc
    if downloaded_by is not None:
        buddy.log_action("buddy.information_note_downloaded", user=downloaded_by)
    return note


# --- Warnings and figures -------------------------------------------------------------


def expiring_items(*, project_ids, today: date | None = None) -> dict[str, int]:
    """How many record checks and trainings expire within WARN_DAYS (or have expired) among
    the buddies who are ready or active. A fixed number of queries."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=WARN_DAYS)
    current = (Buddy.Status.READY, Buddy.Status.ACTIVE, Buddy.Status.PAUSED)
    checks = 0
    terms = {
        t.project_id: t
        for t in VolunteerTerms.objects.filter(
            project_id__in=project_ids, requires_record_check=True
        )
    }
    if terms:
        for buddy in Buddy.objects.filter(
            project_id__in=list(terms), status__in=current, record_check_on__isnull=False
        ).only("project_id", "record_check_on"):
            expires = record_check_expires_on(buddy=buddy, terms=terms[buddy.project_id])
            if expires <= horizon:
                checks += 1
    # The latest completion per buddy and module, grouped in the database: one row per
    # (buddy, module), not one per training record.
    refresh = dict(
        TrainingModule.objects.filter(
            project_id__in=project_ids, refresh_months__isnull=False
        ).values_list("pk", "refresh_months")
    )
    latest = (
        TrainingRecord.objects.filter(
            project_id__in=project_ids,
            buddy__status__in=current,
            completed_on__isnull=False,
            module_id__in=list(refresh),
        )
        .values("buddy_id", "module_id")
        .annotate(last=Max("completed_on"))
        .order_by()
    )
    trainings = sum(
        1
        for row in latest
        if refresh[row["module_id"]]
        and row["last"] + timedelta(days=round(refresh[row["module_id"]] * 30.44)) <= horizon
    )
    return {"record_checks": checks, "trainings": trainings}


AGE_BANDS = (
    (0, 25, "< 25"),
    (25, 35, "25-34"),
    (35, 50, "35-49"),
    (50, 65, "50-64"),
    (65, 200, "65+"),
)


def _gaps(key: str, waiting: dict[str, int], buddies: dict[str, int]) -> list[dict]:
    """The values of ``key`` (a language, a town) with fewer buddies than people waiting,
    the largest shortfall first."""
    return sorted(
        (
            {key: value, "waiting": need, "buddies": buddies.get(value, 0)}
            for value, need in waiting.items()
            if buddies.get(value, 0) < need
        ),
        key=lambda row: (row["buddies"] - row["waiting"], row[key]),
    )


def pool_figures(*, access: Access, project, today: date | None = None) -> dict:
    """The diversity of the pool (ready, active and paused buddies), in aggregates only,
    beside the needs of the waiting list."""
    if not access.has(policy.BUDDIES_VIEW_POOL, project):
        raise PermissionDenied
    today = today or timezone.localdate()
    pool = Buddy.objects.filter(
        project=project, status__in=(Buddy.Status.READY, Buddy.Status.ACTIVE, Buddy.Status.PAUSED)
    ).values_list("birth_year", "languages", "gender", "town", "availability", "capacity")
    ages = {label: 0 for _lo, _hi, label in AGE_BANDS}
    ages_unknown = 0
    languages: dict[str, int] = defaultdict(int)
    genders: dict[str, int] = defaultdict(int)
    towns: dict[str, int] = defaultdict(int)
    slots: dict[str, int] = defaultdict(int)
    total = 0
    places = 0
    for birth_year, langs, gender, town, availability, capacity in pool:
        total += 1
        places += capacity or 0
        if birth_year:
            age = today.year - birth_year
            for lo, hi, label in AGE_BANDS:
                if lo <= age < hi:
                    ages[label] += 1
        else:
            ages_unknown += 1
        for lang in langs or []:
            languages[lang] += 1
        genders[gender or ""] += 1
        if town:
            towns[town] += 1
        for slot in availability or []:
            slots[slot] += 1
    waiting = Participant.objects.filter(
        project=project, status=Participant.Status.WAITING
    ).values_list("languages", "town")
    need_lang: dict[str, int] = defaultdict(int)
    need_town: dict[str, int] = defaultdict(int)
    n_waiting = 0
    for langs, town in waiting:
        n_waiting += 1
        for lang in langs or []:
            need_lang[lang] += 1
        if town:
            need_town[town] += 1
    language_gaps = _gaps("language", need_lang, languages)
    town_gaps = _gaps("town", need_town, towns)[:10]
    return {
        "total": total,
        "places": places,
        "waiting": n_waiting,
        "ages": ages,
        "ages_unknown": ages_unknown,
        "languages": dict(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
        "genders": dict(genders),
        "towns": dict(sorted(towns.items(), key=lambda kv: (-kv[1], kv[0]))[:12]),
        "slots": dict(slots),
        "language_gaps": language_gaps,
        "town_gaps": town_gaps,
    }


def new_applications(*, access: Access, project_ids, limit: int = 8) -> dict:
    """The applications still waiting for a first step, in the projects where this user
    may see buddies: the newest ``limit`` of them and how many there are. Two queries."""
    visible = [pid for pid in project_ids if access.has(policy.BUDDIES_VIEW, pid)]
    qs = Buddy.objects.filter(project_id__in=visible, status=Buddy.Status.APPLIED)
    rows = list(qs.select_related("project", "vacancy").order_by("-applied_on", "-pk")[:limit])
    return {"items": rows, "count": qs.count() if len(rows) == limit else len(rows)}


def pipeline_figures(*, project_ids, today: date | None = None) -> dict:
    """For the dashboard: candidates per step over all projects, new applications in the
    last 30 days. Two queries."""
    today = today or timezone.localdate()
    by_status = {s: 0 for s in BOARD}
    for row in (
        Buddy.objects.filter(project_id__in=project_ids, status__in=BOARD)
        .values("status")
        .annotate(n=Count("*"))
        .order_by()
    ):
        by_status[row["status"]] = row["n"]
    recent = Buddy.objects.filter(
        Q(applied_on__gte=today - timedelta(days=30)), project_id__in=project_ids
    ).count()
    return {"by_status": by_status, "recent_applications": recent}
