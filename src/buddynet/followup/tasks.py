"""Daily reminders: each coordinator gets one e-mail listing the follow-up conversations
due today or overdue in their projects, in their own language, through the queue."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django_scopes import scopes_disabled
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from buddynet.core import notices
from buddynet.core.mail import mail_user
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
        count = sum(len(rows) for _project, rows in items)
        mail_user(user, "followup/email/due", {"items": items, "count": count})
        notices.emit("followup_due", users=[user], link=reverse("dashboard"))
        sent += 1
    return sent


@db_periodic_task(crontab(hour="7", minute="45"))
def followup_reminders() -> None:
    send_due_reminders()
