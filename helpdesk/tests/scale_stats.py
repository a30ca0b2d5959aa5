"""Planner statistics of a database with a million generated tickets, for plan tests.

Recorded from `seed_demo --tickets 1000000` after `migrate` (which runs ANALYZE):
``SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl IN (…)``. Re-record them when an index
of these tables is added, renamed or dropped (a plan test naming a missing index fails).
"""

import json
from pathlib import Path

from django.db import connection

from core.query_plans import load_sqlite_stats

STATS = Path(__file__).with_name("million_ticket_stats.json")


def load_million_ticket_stats() -> None:
    """On SQLite, make the planner believe the ticket tables hold a million rows."""
    if connection.vendor == "sqlite":
        load_sqlite_stats(tuple(row) for row in json.loads(STATS.read_text()))
