"""E-mails to coordinators, each in their own language, through the queue (the e-mail
backend hands every message to a Huey task, with retries):

- daily: one digest listing the keep-warm contacts that are due;
- at once: a note about every new referral or public sign-up, so it reaches someone.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from buddynet.core.mail import mail_user
from buddynet.tenancy.models import Membership, Role
from buddynet.tenancy.selectors import project_coordinators

from .models import Participant


def send_keep_warm_reminders(today=None) -> int:
    """Send the digests; returns how many e-mails were sent."""
    today = today or timezone.localdate()
    with scopes_disabled():  # a system job over all projects, on purpose
        due = list(
            Participant.objects.filter(
                status=Participant.Status.WAITING,
                next_contact_due__lte=today,
                project__is_active=True,
            )
            .select_related("project")
            .order_by("next_contact_due", "pk")
        )
        by_project: dict[int, list[Participant]] = defaultdict(list)
        for participant in due:
            by_project[participant.project_id].append(participant)
        coordinators = Membership.objects.filter(
            role=Role.PROJECT_COORDINATOR,
            is_active=True,
            project_id__in=by_project,
            user__is_active=True,
        ).select_related("user", "project")
        per_user: dict[int, tuple] = {}
        for membership in coordinators:
            user, items = per_user.get(membership.user_id, (membership.user, []))
            items.append((membership.project, by_project[membership.project_id]))
            per_user[membership.user_id] = (user, items)
    sent = 0
    for user, items in per_user.values():
        mail_user(user, "participants/email/keep_warm", {"items": items, "today": today})
        sent += 1
    return sent


@db_periodic_task(crontab(hour="7", minute="30"))
def keep_warm_reminders() -> None:
    send_keep_warm_reminders()


def send_new_file_notice(participant_pk: int) -> int:
    """Tell the project's coordinators a new referral or sign-up came in; returns how
    many e-mails were sent. Names only the person and a link: the file holds the rest."""
    with scopes_disabled():  # a system job, about one known record
        participant = (
            Participant.objects.select_related("project", "referred_by")
            .filter(pk=participant_pk)
            .first()
        )
        if participant is None:
            return 0
        coordinators = project_coordinators(participant.project_id)
    sent = 0
    for user in coordinators:
        mail_user(user, "participants/email/new_file", {"participant": participant})
        sent += 1
    return sent


def announce_new_file(participant: Participant) -> None:
    """After the new file is saved for good, e-mail the coordinators (the mail itself
    leaves through the queue)."""
    pk = participant.pk
    transaction.on_commit(lambda: send_new_file_notice(pk))
