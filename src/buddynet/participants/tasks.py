"""Daily reminders: each coordinator gets one e-mail listing the keep-warm contacts that
are due, in their own language, through the queue (with retries)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_scopes import scopes_disabled
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from buddynet.tenancy.models import Membership, Role

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
        with translation.override(user.preferred_language):
            context = {
                "user": user,
                "items": items,
                "today": today,
                "site_url": settings.SITE_URL,
            }
            subject = render_to_string("participants/email/keep_warm_subject.txt", context)
            body = render_to_string("participants/email/keep_warm_body.txt", context)
        send_mail(
            " ".join(subject.split()),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        sent += 1
    return sent


@db_periodic_task(crontab(hour="7", minute="30"))
def keep_warm_reminders() -> None:
    send_keep_warm_reminders()
