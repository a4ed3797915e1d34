"""Daily reminders: each coordinator gets one e-mail listing the follow-up conversations
due today or overdue in their projects, in their own language, through the queue."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_scopes import scopes_disabled
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from buddynet.tenancy.models import Membership, Role

from . import clock, selectors


def send_due_reminders(today=None) -> int:
    """Send the digests; returns how many e-mails were sent."""
    today = today or clock.today()
    with scopes_disabled():  # a system job over all projects, on purpose
        coordinators = list(
            Membership.objects.filter(
                role=Role.PROJECT_COORDINATOR,
                is_active=True,
                project__is_active=True,
                user__is_active=True,
            ).select_related("user", "project")
        )
        project_ids = {m.project_id for m in coordinators}
        rows = selectors.followups_due(project_ids=project_ids, today=today)
    by_project = defaultdict(list)
    for row in rows:
        # A follow-up someone took on goes to them only; the others to every coordinator.
        by_project[row.item.project_id].append(row)
    per_user: dict[int, tuple] = {}
    for membership in coordinators:
        mine = [
            row
            for row in by_project.get(membership.project_id, [])
            if row.item.responsible_id in (None, membership.user_id)
        ]
        if not mine:
            continue
        user, items = per_user.get(membership.user_id, (membership.user, []))
        items.append((membership.project, mine))
        per_user[membership.user_id] = (user, items)
    sent = 0
    for user, items in per_user.values():
        with translation.override(user.preferred_language):
            context = {
                "user": user,
                "items": items,
                "count": sum(len(rows) for _project, rows in items),
                "site_url": settings.SITE_URL,
            }
            subject = render_to_string("followup/email/due_subject.txt", context)
            body = render_to_string("followup/email/due_body.txt", context)
        send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])
        sent += 1
    return sent


@db_periodic_task(crontab(hour="7", minute="45"))
def followup_reminders() -> None:
    send_due_reminders()
