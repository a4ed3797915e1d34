"""Query pieces more than one app needs."""

from __future__ import annotations

from django.db.models import Aggregate, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def per_row(rows: QuerySet, by: str, aggregate: Aggregate) -> Coalesce:
    """``aggregate`` over ``rows`` for each row of the outer query, 0 where it has none.
    ``rows`` is already filtered on an ``OuterRef`` to the outer row through ``by``
    (e.g. a buddy's open trajectories: ``Trajectory.objects.filter(buddy=OuterRef("pk"))``
    with ``by="buddy"``): one correlated subquery, no join that multiplies the rows."""
    totals = rows.order_by().values(by).annotate(value=aggregate).values("value")
    return Coalesce(Subquery(totals, output_field=IntegerField()), Value(0))
