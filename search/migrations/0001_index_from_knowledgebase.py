"""The search index moves from the knowledge base to its own app: state only, the tables
(and the full-text table beside them) stay as knowledgebase 0001/0002 created them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("knowledgebase", "0002_search_fulltext")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Synonym",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "terms",
                            models.CharField(
                                help_text="Comma-separated, e.g. 红冲, 红字冲销, 冲销.",
                                max_length=300,
                                verbose_name="terms",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "synonym group",
                        "verbose_name_plural": "synonym groups",
                        "ordering": ["terms"],
                        "db_table": "knowledgebase_synonym",
                    },
                ),
                migrations.CreateModel(
                    name="SearchDocument",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("doc_type", models.CharField(max_length=30, verbose_name="type")),
                        ("object_id", models.CharField(max_length=64, verbose_name="object id")),
                        ("title", models.CharField(max_length=300, verbose_name="title")),
                        ("url", models.CharField(max_length=300, verbose_name="URL")),
                        ("kind", models.CharField(max_length=30, verbose_name="kind")),
                        ("kind_label", models.CharField(max_length=60, verbose_name="kind label")),
                        (
                            "visibility",
                            models.CharField(
                                choices=[
                                    ("public", "Everyone"),
                                    ("customers", "Signed-in customers"),
                                    ("agents", "Agents only"),
                                ],
                                max_length=10,
                                verbose_name="visibility",
                            ),
                        ),
                        ("text", models.TextField(blank=True, verbose_name="text")),
                        ("title_norm", models.TextField(blank=True)),
                        ("tags_norm", models.TextField(blank=True)),
                        ("body_norm", models.TextField(blank=True)),
                        ("published_at", models.DateTimeField(blank=True, null=True, verbose_name="visible from")),
                        ("updated_at", models.DateTimeField(verbose_name="indexed at")),
                    ],
                    options={
                        "verbose_name": "search document",
                        "verbose_name_plural": "search documents",
                        "db_table": "knowledgebase_searchdocument",
                        "indexes": [models.Index(fields=["kind", "visibility"], name="kb_searchdoc_kind_vis")],
                        "constraints": [
                            models.UniqueConstraint(fields=("doc_type", "object_id"), name="kb_searchdoc_unique_key")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
