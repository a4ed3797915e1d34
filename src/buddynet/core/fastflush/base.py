"""PostgreSQL for the test suite only (``settings_test``): Django's own backend, except
that emptying the database between transactional tests deletes the rows instead of
truncating the tables.

Django empties every table after each test that commits (browser tests, the race
harness, the backup round trip) with one ``TRUNCATE`` of all ~150 tables. On PostgreSQL a
truncate gives every table, index and TOAST table a new file, which cost 3 to 6 seconds
per test here, more than most tests themselves. The tables hold a few rows at that
point, and ``DELETE`` of a few rows costs microseconds. Django creates every foreign key
``DEFERRABLE INITIALLY DEFERRED``, so the order of the deletes does not matter: the keys
are checked when the flush's transaction commits, with every table empty. A flush that
asks to reset the sequences keeps Django's ``TRUNCATE … RESTART IDENTITY``.

Production never uses this backend: ``settings.py`` uses Django's PostgreSQL backend.
"""

from __future__ import annotations

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        delete = f"{style.SQL_KEYWORD('DELETE')} {style.SQL_KEYWORD('FROM')}"
        return [f"{delete} {self.quote_name(table)};" for table in tables]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
