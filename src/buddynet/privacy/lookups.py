"""Who looked at what: the read audit of a project reviewed.

Every selector that hands out a person's file writes a "viewed" entry on the audit log
(``core.models.AuditEntry``). ``lookups`` lists a project's entries of reading (every
action whose plain words are registered and whose name says it read or opened
something), filtered by whose file (a participant or a buddy: their own record and
their trajectories), by who read and by period. ``lookups_watch`` (every few minutes,
``tasks.py``) raises a ``LookupAlert`` when someone opened more distinct files than the
project allows within its window, once per burst, and mails the project's coordinators
and privacy officers (``tenancy.selectors.project_privacy_contacts``) "user X opened N
files" (nothing about the files).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from buddynet.core.audit_labels import LABELS, label_for
from buddynet.core.mail import mail_user
from buddynet.core.models import AuditEntry
from buddynet.participants.models import Participant
from buddynet.tenancy.models import Membership, Role
from buddynet.tenancy.selectors import project_privacy_contacts
from buddynet.trajectories.models import Trajectory
from buddynet.volunteers.models import Buddy

from .models import ALERT_MINUTES, LookupAlert, PrivacySettings

PAGE_SIZE = 50


def reading_actions() -> list[str]:
    """The audit actions that record a reading: "<x>.viewed", "<x>_viewed", "<x>.opened"."""
    return sorted(action for action in LABELS if action.endswith((".viewed", "_viewed", ".opened")))


def _file_types() -> dict[int, type[models.Model]]:
    found = ContentType.objects.get_for_models(Participant, Buddy, Trajectory)
    return {ct.pk: model for model, ct in found.items()}


def lookups(
    *,
    project,
    person: models.Model | None = None,
    reader=None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> models.QuerySet[AuditEntry]:
    """The project's readings, newest first, with who read (one query per page)."""
    query = AuditEntry.unscoped.filter(project_id=project.pk, action__in=reading_actions())
    if person is not None:
        types = ContentType.objects.get_for_models(type(person), Trajectory)
        key = "participant" if isinstance(person, Participant) else "buddy"
        query = query.filter(
            models.Q(content_type=types[type(person)], object_id=person.pk)
            | models.Q(
                content_type=types[Trajectory],
                object_id__in=Trajectory.objects.filter(**{key: person}).values("pk"),
            )
        )
    if reader is not None:
        query = query.filter(actor=reader)
    if since is not None:
        query = query.filter(created_at__date__gte=since)
    if until is not None:
        query = query.filter(created_at__date__lte=until)
    return query.select_related("actor").order_by("-created_at", "-id")


@dataclass
class Row:
    entry: AuditEntry
    what: str
    file: str  # whose file, in words ("" when the entry is not about a person's file)
    url: str


def rows(entries: list[AuditEntry], *, project) -> list[Row]:
    """The page's entries with whose file each one is: one query per kind of file
    (participants, buddies, trajectories), whatever the page holds."""

    types = _file_types()
    wanted: dict[type[models.Model], set[int]] = {}
    for entry in entries:
        model = types.get(entry.content_type_id or 0)
        if model is not None and entry.object_id is not None:
            wanted.setdefault(model, set()).add(entry.object_id)
    names: dict[tuple[type, int], tuple[str, str]] = {}
    with scopes_disabled():
        for model, ids in wanted.items():
            found = model._default_manager.filter(pk__in=ids)
            if model is Trajectory:
                found = found.select_related("participant", "buddy")
            for record in found:
                names[(model, record.pk)] = _named(record, project)
    result = []
    for entry in entries:
        model = types.get(entry.content_type_id or 0)
        name, url = names.get((model, entry.object_id or 0), ("", "")) if model else ("", "")
        result.append(Row(entry, label_for(entry.action), name, url))
    return result


def _named(record, project) -> tuple[str, str]:
    from django.urls import reverse

    kwargs = {"project": project.code, "code": record.code}
    if isinstance(record, Participant):
        return record.full_name, reverse("participant_detail", kwargs=kwargs)
    if isinstance(record, Buddy):
        return record.full_name, reverse("buddy_detail", kwargs=kwargs)
    return (
        f"{record.participant.full_name} · {record.buddy.full_name}",
        reverse("trajectory_detail", kwargs=kwargs),
    )


def readers(*, project) -> list:
    """The people who may read the project's files (the reader filter's choices): its
    active members but buddies and participants, who only read their own, and privacy
    officers, who read none."""
    return [
        membership.user
        for membership in Membership.objects.filter(project_id=project.pk, is_active=True)
        .exclude(role__in=(Role.BUDDY, Role.PARTICIPANT, Role.PRIVACY_OFFICER))
        .select_related("user")
        .order_by("user__first_name", "user__email")
    ]


# --- The alert -----------------------------------------------------------------------


def alerts(*, project_ids, days: int = 7) -> list[LookupAlert]:
    """The alerts of those projects of the last ``days`` days, newest first."""
    since = timezone.now() - datetime.timedelta(days=days)
    with scopes_disabled():
        return list(
            LookupAlert.objects.filter(project_id__in=list(project_ids), last_at__gte=since)
            .select_related("user", "project")
            .order_by("-last_at", "-pk")[:20]
        )


def lookups_watch(*, now: datetime.datetime | None = None) -> list[LookupAlert]:
    """Raise the alerts: per project, whoever opened more distinct files (a
    participant's or a buddy's) than ``alert_files`` within the last ``alert_minutes``.
    A burst already alerted (an alert of that person ending within the window) is
    updated, not raised again: one e-mail per burst. Gives the new alerts."""
    now = now or timezone.now()
    raised: list[LookupAlert] = []
    with scopes_disabled():  # a system job over every project, on purpose
        terms = list(PrivacySettings.objects.all())
        windows: dict[int, list[int]] = {}
        for row in terms:
            windows.setdefault(row.alert_minutes, []).append(row.project_id)
        types = ContentType.objects.get_for_models(Participant, Buddy)
        base = AuditEntry.unscoped.filter(
            action__in=reading_actions(),
            content_type__in=list(types.values()),
            actor__isnull=False,
            project__isnull=False,
        )
        limits = {row.project_id: row.alert_files for row in terms}
        own = [project_id for ids in windows.values() for project_id in ids]
        scans = [(minutes, models.Q(project_id__in=ids)) for minutes, ids in windows.items()]
        scans.append((ALERT_MINUTES, ~models.Q(project_id__in=own)))
        for minutes, which in scans:
            start = now - datetime.timedelta(minutes=minutes)
            counted = (
                base.filter(which, created_at__gte=start, created_at__lte=now)
                .order_by()
                .values("project_id", "actor_id")
                .annotate(
                    files=models.Count("object_code", distinct=True),
                    first=models.Min("created_at"),
                    last=models.Max("created_at"),
                )
            )
            for found in counted:
                limit = limits.get(found["project_id"], PrivacySettings().alert_files)
                if found["files"] <= limit:
                    continue
                alert = _alert(found, start=start)
                if alert is not None:
                    raised.append(alert)
    for alert in raised:
        _mail(alert)
    return raised


def _alert(found: dict, *, start: datetime.datetime) -> LookupAlert | None:
    with transaction.atomic():
        ongoing = (
            LookupAlert.objects.select_for_update()
            .filter(project_id=found["project_id"], user_id=found["actor_id"], last_at__gte=start)
            .first()
        )
        if ongoing is not None:
            LookupAlert.objects.filter(pk=ongoing.pk).update(
                files=max(ongoing.files, found["files"]), last_at=found["last"]
            )
            return None
        alert = LookupAlert.objects.create(
            project_id=found["project_id"],
            user_id=found["actor_id"],
            files=found["files"],
            first_at=found["first"],
            last_at=found["last"],
        )
        AuditEntry.record(
            "privacy.lookup_alert",
            obj=alert,
            via="system",
            project=alert.project,
            data={"files": alert.files},
        )
    return alert


def _mail(alert: LookupAlert) -> None:
    project = alert.project
    for user in project_privacy_contacts(alert.project_id):
        mail_user(
            user,
            "privacy/email/lookup_alert",
            {"alert": alert, "project": project, "who": alert.user},
        )


def file_of(*, project, code) -> models.Model | None:
    """The participant or buddy of ``project`` with that code (None when neither)."""
    import uuid

    try:
        code = uuid.UUID(str(code))
    except ValueError:
        return None
    for model in (Participant, Buddy):
        found = model._default_manager.filter(project_id=project.pk, code=code).first()
        if found is not None:
            return found
    return None
