"""Writes for projects: validated, atomic, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Project

EDITABLE_FIELDS = (
    "name",
    "target_group",
    "description",
    "town",
    "contact_email",
    "contact_phone",
    "require_coordinator_2fa",
    "keep_warm_interval_days",
    "contact_alert_days",
)


class TenancyError(Exception):
    """A domain rule was broken; the message is safe to show."""


def project_update(*, project: Project, user, data: dict[str, Any]) -> Project:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise TenancyError(
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    changes = {
        name: [getattr(project, name), value]
        for name, value in data.items()
        if getattr(project, name) != value
    }
    if not changes:
        return project
    with transaction.atomic():
        for name, (_old, new) in changes.items():
            setattr(project, name, new)
        project.full_clean()
        project.save(update_fields=[*changes, "updated_at"])
        project.log_action(
            "project.changed",
            user=user,
            data={name: {"old": str(old), "new": str(new)} for name, (old, new) in changes.items()},
        )
    return project
