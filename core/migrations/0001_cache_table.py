"""The database cache's table (rate limits, lockouts, cross-process caches), made by migrate
so that every database — the demo's, the test run's, PostgreSQL's — has it."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    if any(isinstance(c, dict) and c.get("BACKEND", "").endswith("db.DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    for name, config in settings.CACHES.items():
        if config.get("BACKEND", "").endswith("db.DatabaseCache"):
            table = schema_editor.connection.ops.quote_name(config["LOCATION"])
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]

