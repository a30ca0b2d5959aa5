"""Query plans for tests: which index a query uses, on SQLite and on PostgreSQL.

A plan test captures the SQL a page really runs, asks the database how it would run it and
fails when the index it relies on is no longer used (dropped, renamed, or passed over by the
planner after a change to the query). A test database holds a handful of rows, and planners
choose by size, so:

- on SQLite the test loads planner statistics recorded on a seeded database of a million
  tickets (`load_sqlite_stats`); SQLite then plans as it would on that database;
- on PostgreSQL, whose statistics cannot be loaded, sequential scans, bitmap scans and sorts
  are priced out for the one EXPLAIN (`enable_* = off`): on a handful of rows sorting is
  cheapest, but with sorts priced out the plan still sorts only when no index yields the
  order, which is what a test needs to know.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, transaction


def explain(sql: str, params: Sequence = ()) -> str:
    """The plan of one query, one line per step, in the database's own words."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(row[3] for row in cursor.fetchall())
        with transaction.atomic():
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())


def uses_index(plan: str, index: str) -> bool:
    """True when the plan reads `index` (SQLite: USING [COVERING] INDEX; PostgreSQL: using)."""
    if connection.vendor == "sqlite":
        return f"INDEX {index} " in f"{plan} " or f"INDEX {index}\n" in f"{plan}\n"
    return f"using {index} " in f"{plan} " or f"using {index}\n" in f"{plan}\n"


def sorts(plan: str) -> bool:
    """True when the plan sorts rows itself instead of reading them in index order."""
    if connection.vendor == "sqlite":
        return "USE TEMP B-TREE FOR ORDER BY" in plan
    return any(
        line.strip().startswith(("Sort", "->  Sort", "Incremental Sort")) for line in plan.splitlines()
    )


def load_sqlite_stats(rows: Iterable[tuple[str, str | None, str]]) -> None:
    """Replace SQLite's statistics for the tables in `rows` ((table, index, stat) as in
    sqlite_stat1) and make the planner read them. Inside a test's transaction it is undone
    with the rest of the test."""
    rows = list(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sqlite_schema")  # creates sqlite_stat1 if it is missing
        for table in {table for table, _, _ in rows}:
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
        cursor.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", rows)
        cursor.execute("ANALYZE sqlite_schema")  # reload the statistics into the planner
