"""Reads of the audit log: a record's history, a project's history."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from .models import AuditEntry


def history_for_object(*, obj: Model, limit: int = 100) -> list[AuditEntry]:
    """The history of one record. The caller has already checked access to ``obj``."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return list(
        AuditEntry.unscoped.filter(content_type=content_type, object_id=obj.pk)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


def history_for_project(*, project, limit: int = 200) -> QuerySet[AuditEntry]:
    return (
        AuditEntry.objects.filter(project=project)
        .select_related("actor", "content_type")
        .order_by("-created_at", "-id")[:limit]
    )


def search_people(qs: QuerySet, query: str | None) -> QuerySet:
    """Every word must match a first or last name, a town or the start of a postcode.

    Control characters are dropped (PostgreSQL refuses NUL bytes in text)."""
    cleaned = "".join(ch for ch in (query or "") if ch.isprintable())
    for word in cleaned.split()[:5]:
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(town__icontains=word)
            | Q(postcode__startswith=word)
        )
    return qs
