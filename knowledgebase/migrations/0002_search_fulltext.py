"""The full-text half of the search index, per database vendor.

SQLite: an FTS5 table whose rowid is SearchDocument.id; the columns hold the normalised
token text (CJK as overlapping bigrams), tokenised by unicode61 on spaces.
PostgreSQL: a tsvector column on the document table plus a GIN index; vectors are built from
the same tokens (never through a text-search parser, whose idea of a word depends on locale).
"""

from django.db import migrations

SQLITE_UP = (
    "CREATE VIRTUAL TABLE kb_search_fts USING fts5("
    "title, tags, body, tokenize = 'unicode61 remove_diacritics 2')"
)
SQLITE_DOWN = "DROP TABLE IF EXISTS kb_search_fts"
PG_UP = [
    "ALTER TABLE knowledgebase_searchdocument ADD COLUMN search_vector tsvector",
    "CREATE INDEX kb_searchdoc_vector_gin ON knowledgebase_searchdocument USING GIN (search_vector)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS kb_searchdoc_vector_gin",
    "ALTER TABLE knowledgebase_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        for sql in PG_UP:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        for sql in PG_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("knowledgebase", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
