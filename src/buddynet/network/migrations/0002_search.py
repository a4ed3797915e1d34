"""The search index: a GIN index on the search vectors (PostgreSQL), or the FTS5 table
``network_search`` (SQLite). See ``network/search.py``."""

from django.db import migrations

FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS network_search USING fts5("
    "kind UNINDEXED, ref_id UNINDEXED, network_id UNINDEXED, audience UNINDEXED, "
    "title, summary, body, tokenize='porter unicode61 remove_diacritics 2')"
)
PG = [
    "CREATE INDEX IF NOT EXISTS network_item_search_gin ON network_libraryitem "
    "USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS network_question_search_gin ON network_question "
    "USING gin (search_vector)",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(FTS)
    elif vendor == "postgresql":
        for sql in PG:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS network_search")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS network_item_search_gin")
        schema_editor.execute("DROP INDEX IF EXISTS network_question_search_gin")


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
