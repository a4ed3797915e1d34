"""Writes for projects: validated, atomic, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from buddynet.core.errors import ServiceError

from .models import Organisation, Project

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


class TenancyError(ServiceError):
    """A domain rule was broken; the message is safe to show."""


def _check_fields(data: dict[str, Any], allowed) -> None:
    TenancyError.refuse_unknown(data, allowed, _("These fields cannot be changed: %(fields)s"))


def project_update(*, project: Project, user, data: dict[str, Any]) -> Project:
    _check_fields(data, EDITABLE_FIELDS)
    with transaction.atomic():
        # Lock and re-read: two saves at once apply one after the other, and a repeated
        # save finds nothing left to change.
        locked = Project.objects.select_for_update().get(pk=project.pk)
        changes = {
            name: [getattr(locked, name), value]
            for name, value in data.items()
            if getattr(locked, name) != value
        }
        if not changes:
            return locked
        for name, (_old, new) in changes.items():
            setattr(locked, name, new)
        TenancyError.clean(locked)
        locked.save(update_fields=[*changes, "updated_at"])
        locked.log_action(
            "project.changed",
            user=user,
            data={name: {"old": str(old), "new": str(new)} for name, (old, new) in changes.items()},
        )
    return locked


CREATE_FIELDS = ("name", "target_group", "description", "town", "contact_email", "contact_phone")


def project_create(*, organisation: Organisation, user, data: dict[str, Any]) -> Project:
    """A new project of an organisation, with the good-practice defaults for the rest."""
    _check_fields(data, CREATE_FIELDS)
    with transaction.atomic():
        project = Project(organisation=organisation, **data)
        TenancyError.clean(project)
        project.save()
        project.log_action("project.created", user=user, data={"name": project.name})
    return project
