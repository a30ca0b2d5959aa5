"""One full-text index per collection: public content apart from tickets.

- SearchDocument gains `collection` (content / tickets) and an index on it.
- SQLite: a second FTS5 table `search_fts_tickets` (with its fts5vocab table) beside
  `search_fts`; the ticket documents the helpdesk fed (kind "ticket") move there.
- PostgreSQL: the one GIN index over every vector becomes one partial GIN index per
  collection, so a knowledge-base query never reads ticket postings.
"""

from django.db import migrations, models

SQLITE_TABLES = [
    "CREATE VIRTUAL TABLE search_fts_tickets USING fts5("
    "title, tags, body, meta, tokenize = \"unicode61 remove_diacritics 0 tokenchars '._'\")",
    "CREATE VIRTUAL TABLE search_fts_tickets_vocab USING fts5vocab(search_fts_tickets, 'row')",
]
SQLITE_MOVE = [
    "INSERT INTO search_fts_tickets (rowid, title, tags, body, meta) "
    "SELECT rowid, title, tags, body, meta FROM search_fts WHERE rowid IN "
    "(SELECT id FROM knowledgebase_searchdocument WHERE collection = 'tickets')",
    "DELETE FROM search_fts WHERE rowid IN "
    "(SELECT id FROM knowledgebase_searchdocument WHERE collection = 'tickets')",
]
SQLITE_DOWN = [
    "INSERT INTO search_fts (rowid, title, tags, body, meta) "
    "SELECT rowid, title, tags, body, meta FROM search_fts_tickets",
    "DROP TABLE IF EXISTS search_fts_tickets_vocab",
    "DROP TABLE IF EXISTS search_fts_tickets",
]
PG_UP = [
    "CREATE INDEX search_vector_content_gin ON knowledgebase_searchdocument "
    "USING GIN (search_vector) WHERE collection = 'content'",
    "CREATE INDEX search_vector_tickets_gin ON knowledgebase_searchdocument "
    "USING GIN (search_vector) WHERE collection = 'tickets'",
    "DROP INDEX IF EXISTS kb_searchdoc_vector_gin",
]
PG_DOWN = [
    "CREATE INDEX IF NOT EXISTS kb_searchdoc_vector_gin ON knowledgebase_searchdocument USING GIN (search_vector)",
    "DROP INDEX IF EXISTS search_vector_content_gin",
    "DROP INDEX IF EXISTS search_vector_tickets_gin",
]


def forwards(apps, schema_editor):
    SearchDocument = apps.get_model("search", "SearchDocument")
    SearchDocument.objects.filter(kind="ticket").update(collection="tickets")
    statements = SQLITE_TABLES + SQLITE_MOVE if schema_editor.connection.vendor == "sqlite" else PG_UP
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in SQLITE_DOWN if schema_editor.connection.vendor == "sqlite" else PG_DOWN:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_bilingual_synonyms")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="collection",
            field=models.CharField(
                choices=[("content", "Knowledge base and forum"), ("tickets", "Tickets")],
                default="content",
                max_length=10,
                verbose_name="index",
            ),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["collection"], name="search_doc_collection"),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
