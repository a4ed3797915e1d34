"""Reads of the privacy app: an export of this project (404 for another project's)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404

from .models import Export


def export_get(*, project, code, viewed_by=None) -> Export:
    """An export of ``project`` (the same 404 for "not there" and "another project's").
    With ``viewed_by`` the look is written on the person's audit log."""
    try:
        found = Export.objects.select_related(
            "requested_by", "downloaded_by", "participant", "buddy"
        ).get(project=project, code=uuid.UUID(str(code)))
    except (Export.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such export.") from exc
    if viewed_by is not None:
        found.person.log_action(
            "privacy.export_viewed", user=viewed_by, data={"export": str(found.code)}
        )
    return found


def exports_of(*, kind: str, person, limit: int = 3) -> list[Export]:
    """The person's latest exports (newest first), for the panel on their file."""
    return list(Export.objects.filter(**{kind: person}).select_related("requested_by")[:limit])
