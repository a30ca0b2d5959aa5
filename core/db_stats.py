"""Planner statistics: without them SQLite's planner guesses and walks the wrong index.

SQLite gathers statistics only when told (`ANALYZE`), so on a database that grew from the
demo to a million tickets it keeps choosing a single-column foreign-key index over the
composite one a list needs (852 ms against 0.6 ms for the team filter at 1M). We therefore
run `ANALYZE` after `migrate`, after `seed_demo` and after imports, and `PRAGMA optimize`
(which re-analyses only the tables whose statistics went stale) on a schedule from the task
worker. PostgreSQL's autovacuum daemon keeps its statistics fresh by itself; there the
schedule does nothing, and `analyze()` is only a head start after a bulk load.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

# The periodic `PRAGMA optimize` samples each index (analysis_limit, SQLite ≥ 3.32), so a
# run stays short however large the table; the limit is SQLite's own recommendation. The
# full `ANALYZE` after a migration or a bulk load reads every index once (seconds at a
# million tickets) for exact figures.
ANALYSIS_LIMIT = 400


def analyze(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Gather statistics for every table now (after a migration or a bulk load)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 0")  # 0: no limit, read every index
        cursor.execute("ANALYZE")


def optimize(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """The periodic refresh: `PRAGMA optimize` on SQLite; False (nothing to do) elsewhere."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        cursor.execute("PRAGMA optimize")
    return True


def analyze_after_migrate(sender, *, using: str = DEFAULT_DB_ALIAS, plan=None, **kwargs) -> None:
    """post_migrate receiver: fresh statistics once the schema (and its indexes) changed.

    post_migrate is sent once per app with models, in INSTALLED_APPS order; analysing at
    the last one does it once, after every app's handlers (which may add rows) ran.
    """
    from django.apps import apps

    if not plan:  # nothing was applied: the statistics are as good as before
        return
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is last:
        analyze(using=using)
