"""SearchDocument and Synonym now belong to the `search` app (search 0001 took their state)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("knowledgebase", "0002_search_fulltext"),
        ("search", "0001_index_from_knowledgebase"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="SearchDocument"),
                migrations.DeleteModel(name="Synonym"),
            ],
            database_operations=[],
        ),
    ]
