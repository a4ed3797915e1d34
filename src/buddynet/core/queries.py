"""Query pieces more than one app needs."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import Aggregate, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django_scopes import scopes_disabled

M = TypeVar("M", bound=models.Model)


def project_record(model: type[M], project) -> M:
    """A project's one record of ``model`` (its settings, its plan), or ``model``'s
    defaults (unsaved) when it has none: a read never writes, so two pages opened at
    once cannot both create it."""
    with scopes_disabled():
        found = model._default_manager.filter(project_id=project.pk).first()
    return found if found is not None else model(project=project)


def per_row(rows: QuerySet, by: str, aggregate: Aggregate) -> Coalesce:
    """``aggregate`` over ``rows`` for each row of the outer query, 0 where it has none.
    ``rows`` is already filtered on an ``OuterRef`` to the outer row through ``by``
    (e.g. a buddy's open trajectories: ``Trajectory.objects.filter(buddy=OuterRef("pk"))``
    with ``by="buddy"``): one correlated subquery, no join that multiplies the rows."""
    totals = rows.order_by().values(by).annotate(value=aggregate).values("value")
    return Coalesce(Subquery(totals, output_field=IntegerField()), Value(0))


class IdsFirst:
    """A queryset paged ids first, for ``Paginator`` and ``core.api.LazyPage``: a page
    reads its ids alone (``values_list("pk")`` with the same filters, order and slice),
    then its rows by id. When an index covers the filters, the order and the key, the
    first read is an index-only scan, so a page far down the list skips index entries,
    not table rows (an ``OFFSET`` over whole rows reads every row it skips)."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        ids = list(self.queryset.values_list("pk", flat=True)[item])
        if not ids:
            return []
        by_id = {row.pk: row for row in self.queryset.filter(pk__in=ids).order_by()}
        return [by_id[pk] for pk in ids if pk in by_id]
