"""Bulk updates for large loads (the demo and benchmark seeds).

Django's ``bulk_update`` writes ``SET f = CASE WHEN id = 1 THEN … WHEN id = 2 THEN … END``
for every field: each row of a batch walks a CASE as long as the batch (quadratic in the
batch size: one 5,000-row batch of eleven fields ran for minutes on PostgreSQL), and
Python builds and compiles an expression per row and field (about a millisecond a row
for eleven fields). ``bulk_update_rows`` joins the new values instead:

    WITH v (id, f, …) AS (VALUES (…), (…)) UPDATE t SET f = v.f … FROM v WHERE t.id = v.id

one pass per batch, a few seconds for 100,000 rows. PostgreSQL and SQLite (3.33 and
later) both run it. Like ``bulk_update``: no ``save()``, no signals, no ``auto_now``.

Inside ``bulk_load()`` (the demo seed), on PostgreSQL, rows travel by ``COPY`` instead of
as statement parameters (which psycopg quotes one by one into the SQL text, and the
server parses back: a third of a large seed's time): ``bulk_update_rows`` copies the new
values into a temporary table and joins it, and the ``bulk_create`` of a project's
records (``core.versions.ProjectRecordQuerySet``) goes through ``copy_create``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection

# Rows per statement on PostgreSQL: large enough that the round trips do not count,
# small enough that one statement's parameters stay a few megabytes.
BATCH = 2000


_loading: ContextVar[bool] = ContextVar("buddynet_bulk_load", default=False)


@contextmanager
def bulk_load() -> Iterator[None]:
    """Large writes inside go by ``COPY`` on PostgreSQL (elsewhere: unchanged)."""
    token = _loading.set(True)
    try:
        yield
    finally:
        _loading.reset(token)


def copying() -> bool:
    """Inside ``bulk_load()``, on PostgreSQL."""
    return _loading.get() and connection.vendor == "postgresql"


def copy_create(model, objs: Sequence) -> list:
    """``bulk_create`` by ``COPY`` (PostgreSQL): the new rows' ids are drawn from the
    table's sequence first, so ``objs`` get their primary keys as with ``bulk_create``;
    ``auto_now`` and defaults as there (each field's ``pre_save``); no signals."""
    objs = list(objs)
    if not objs:
        return objs
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.generated]
    quote = connection.ops.quote_name
    for obj in objs:  # as bulk_create: related objects saved since they were assigned
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    new = [obj for obj in objs if obj.pk is None]
    with connection.cursor() as cursor:
        if new:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(new)],
            )
            for obj, (pk,) in zip(new, cursor.fetchall(), strict=True):
                setattr(obj, meta.pk.attname, pk)
        columns = ", ".join(quote(field.column) for field in fields)
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [
                        field.get_db_prep_save(field.pre_save(obj, True), connection)
                        for field in fields
                    ]
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def _copy_update(objs: Sequence, columns: list) -> None:
    """``bulk_update_rows`` by ``COPY`` into a temporary table of the same column types,
    then one ``UPDATE ... FROM`` it."""
    meta = type(objs[0])._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(field.column) for field in columns)
    assignments = ", ".join(
        f"{quote(field.column)} = v.{quote(field.column)}" for field in columns[1:]
    )
    pk = quote(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS buddynet_bulk_values")
        cursor.execute(
            f"CREATE TEMPORARY TABLE buddynet_bulk_values AS SELECT {names} FROM {table} "  # noqa: S608 — quoted names
            "WITH NO DATA"
        )
        with cursor.copy(f"COPY buddynet_bulk_values ({names}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [
                        field.get_db_prep_save(getattr(obj, field.attname), connection)
                        for field in columns
                    ]
                )
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM buddynet_bulk_values v "  # noqa: S608 — quoted names
            f"WHERE {table}.{pk} = v.{pk}"
        )
        cursor.execute("DROP TABLE buddynet_bulk_values")


def bulk_update_rows(objs: Sequence, fields: Sequence[str], *, batch_size: int = BATCH) -> None:
    """Write ``fields`` of ``objs`` (instances of one model, saved before) in batches."""
    if not objs:
        return
    meta = type(objs[0])._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    if copying():
        _copy_update(objs, columns)
        return
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # VALUES has no column types of its own: cast each to the column's type.
        cell = ", ".join(f"%s::{field.db_type(connection)}" for field in columns)
    else:
        cell = ", ".join("%s" for _field in columns)
    max_params = connection.features.max_query_params
    if max_params:
        batch_size = max(1, min(batch_size, max_params // len(columns)))
    names = ", ".join(quote(field.column) for field in columns)
    table = quote(meta.db_table)
    assignments = ", ".join(
        f"{quote(field.column)} = v.{quote(field.column)}" for field in columns[1:]
    )
    pk = quote(meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            values = ", ".join(f"({cell})" for _obj in batch)
            params = [
                field.get_db_prep_save(getattr(obj, field.attname), connection)
                for obj in batch
                for field in columns
            ]
            cursor.execute(
                f"WITH v ({names}) AS (VALUES {values}) "  # noqa: S608 — names are quoted
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{pk} = v.{pk}",
                params,
            )
