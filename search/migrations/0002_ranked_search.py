"""Ranked search: word segmentation, ranking signals, and an FTS5 table that knows its filters.

- SearchDocument gains the raw tags (`tags_text`, so the analysis can be redone from the
  stored text) and the ranking signals `changed_at`, `solved`, `popularity`, `erp_systems`.
- SQLite: `search_fts` replaces knowledgebase 0002's `kb_search_fts`. Its tokenizer keeps
  the . and _ inside versions and identifiers (3.2.1, bapi_acc_document_post), a `meta`
  column holds visibility and kind as tokens so FTS5 filters without a join, and the
  fts5vocab table `search_fts_vocab` gives each token's document frequency for idf.
- PostgreSQL keeps its `search_vector` column and GIN index.
- Both: every stored document is analysed again (jieba words instead of bigrams). Old rows
  kept only a 5,000-character body and bigrams of their tags; re-indexing from the feeding
  apps (`seed_kb`, `index_tickets`, saving an article) restores them in full.
"""

from django.db import migrations, models

SQLITE_UP = [
    "DROP TABLE IF EXISTS kb_search_fts",
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, tags, body, meta, tokenize = \"unicode61 remove_diacritics 0 tokenchars '._'\")",
    "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')",
]
SQLITE_DOWN = [
    "DROP TABLE IF EXISTS search_fts_vocab",
    "DROP TABLE IF EXISTS search_fts",
    "CREATE VIRTUAL TABLE kb_search_fts USING fts5("
    "title, tags, body, tokenize = 'unicode61 remove_diacritics 2')",
]


def _unbigram(tokens: str) -> str:
    """Old tag tokens were overlapping bigrams (凭证 证规 规则): chain them back into words."""
    words: list[str] = []
    for token in tokens.split():
        if words and len(token) == 2 and len(words[-1]) >= 2 and words[-1][-1] == token[0] and not token.isascii():
            words[-1] += token[1]
        else:
            words.append(token)
    return "\n".join(words)


def forwards(apps, schema_editor):
    from search import backends
    from search.tokenize import normalise_for_index

    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)
    SearchDocument = apps.get_model("search", "SearchDocument")
    backend = backends.SqliteBackend() if vendor == "sqlite" else backends.PostgresBackend()
    batch = []
    for doc in SearchDocument.objects.order_by("pk").iterator(chunk_size=500):
        doc.tags_text = _unbigram(doc.tags_norm)
        doc.title_norm = normalise_for_index(doc.title)
        doc.tags_norm = normalise_for_index(doc.tags_text)
        doc.body_norm = normalise_for_index(doc.text)
        batch.append(doc)
        if len(batch) >= 500:
            SearchDocument.objects.bulk_update(batch, ["tags_text", "title_norm", "tags_norm", "body_norm"])
            backend.write(batch)
            batch = []
    if batch:
        SearchDocument.objects.bulk_update(batch, ["tags_text", "title_norm", "tags_norm", "body_norm"])
        backend.write(batch)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index_from_knowledgebase")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="tags_text",
            field=models.TextField(blank=True, verbose_name="tags"),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="changed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="content changed at"),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="solved",
            field=models.BooleanField(default=False, verbose_name="solved"),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="popularity",
            field=models.PositiveIntegerField(default=0, verbose_name="helpful votes"),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="erp_systems",
            field=models.CharField(blank=True, max_length=100, verbose_name="ERP systems"),
        ),
        migrations.AlterField(
            model_name="synonym",
            name="terms",
            field=models.CharField(
                help_text="Comma-separated, e.g. 红冲, 红字冲销, 冲销. Everyday words work too: 卡住, 一直转圈, 超时.",
                max_length=300,
                verbose_name="terms",
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
