"""Loading many generated rows at once: rows as tuples, secondary indexes built once at the end.

For `seed_demo --tickets N` (and any other offline bulk load). Writing a million rows into
tables that carry two dozen indexes makes every row update every index at a random place,
and on SQLite in WAL mode every page is written twice (WAL, then checkpoint) per commit:
measured at a million tickets, 137 GB written for a 3.8 GB database. So a load:

- drops the secondary indexes of the tables it fills and re-creates them at the end from the
  very DDL the database holds (`sqlite_master` / `pg_indexes`), so the schema afterwards is
  exactly what `migrate` made, and each index is built by one sort;
- on SQLite, runs with a rollback journal in memory (rollback still works in the process),
  `synchronous=OFF`, a large page cache and temporary data in memory, and sets WAL back at
  the end. A process killed midway can leave the file damaged: the caller writes a marker
  first and removes it on success, so the next run says the database must be seeded again;
- inserts plain tuples: `executemany` on SQLite, COPY on PostgreSQL, ids given by the caller
  (`next_ids`), sequences set at the end (`reset_sequences`).

Only for data that is valid by construction: nothing here validates or converts a value
beyond what the driver does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum

from django.core.management.color import no_style
from django.db import connection, models

# The page cache of the loading connection (SQLite's unit: negative = KiB): enough to keep the
# tables' last pages and the index sorts in memory, and a bound on the process's memory.
SQLITE_CACHE_KIB = 256 * 1024


@dataclass
class DroppedIndex:
    table: str
    name: str
    sql: str


@dataclass
class BulkLoad:
    """One bulk load on the default connection; see the module docstring."""

    tables: Sequence[str]
    dropped: list[DroppedIndex] = field(default_factory=list)
    journal_mode: str = ""

    @property
    def vendor(self) -> str:
        return connection.vendor

    # --- the session --------------------------------------------------------------------------

    def begin(self) -> None:
        """Take the journal over (SQLite); raises, changing nothing, if another process has
        the database open."""
        connection.ensure_connection()
        with connection.cursor() as cursor:
            # Inside a transaction (a test's) the journal cannot change; the load only runs slower.
            if connection.vendor == "sqlite" and not connection.in_atomic_block:
                cursor.execute("PRAGMA journal_mode")
                self.journal_mode = cursor.fetchone()[0]
                if self.journal_mode.lower() == "wal":
                    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cursor.execute("PRAGMA journal_mode=MEMORY")
                if cursor.fetchone()[0].lower() != "memory":
                    raise RuntimeError("Another process has the database open; stop it before a bulk load.")
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
                cursor.execute("PRAGMA temp_store=MEMORY")
                cursor.execute("PRAGMA threads=2")  # CREATE INDEX may sort on a second core

    def drop_indexes(self) -> None:
        """Drop the tables' secondary indexes (`finish` re-creates them)."""
        self.dropped = secondary_indexes(self.tables)
        with connection.cursor() as cursor:
            for index in self.dropped:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(index.name)}")

    def finish(self) -> None:
        """Re-create the dropped indexes (in the order they had) and restore the journal."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and connection.in_atomic_block:
                # Deferred foreign-key checks still pending in this transaction forbid a
                # CREATE INDEX on their tables: run them now (they pass, or the load fails).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for index in self.dropped:
                cursor.execute(index.sql)
            self.dropped = []
            if connection.vendor == "sqlite" and self.journal_mode:
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute(f"PRAGMA journal_mode={self.journal_mode}")
                cursor.execute("PRAGMA cache_size=-2000")  # SQLite's default

    # --- writing --------------------------------------------------------------------------------

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
        """INSERT `rows` (tuples in `columns` order, values as the driver takes them)."""
        if not rows:
            return
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        name = connection.ops.quote_name(table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {name} ({quoted}) VALUES ({marks})", rows)


def secondary_indexes(tables: Iterable[str]) -> list[DroppedIndex]:
    """The indexes of `tables` that can be dropped and re-created from their DDL: not the
    primary keys, not those behind a constraint (PostgreSQL) or inline UNIQUE (SQLite)."""
    tables = list(tables)
    marks = ", ".join(["%s"] * len(tables))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename IN (" + marks + ") "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
                "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass) "
                "ORDER BY i.tablename, i.indexname",
                tables,
            )
        else:
            cursor.execute(
                "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' "
                "AND sql IS NOT NULL AND tbl_name IN (" + marks + ") ORDER BY tbl_name, name",
                tables,
            )
        return [DroppedIndex(*row) for row in cursor.fetchall()]


def schema_indexes(tables: Iterable[str]) -> set[tuple[str, str, str]]:
    """(table, index, definition) of every index of `tables`: what a test compares."""
    tables = list(tables)
    marks = ", ".join(["%s"] * len(tables))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tablename, indexname, indexdef FROM pg_indexes "
                f"WHERE schemaname = current_schema() AND tablename IN ({marks})",
                tables,
            )
        else:
            cursor.execute(
                "SELECT tbl_name, name, coalesce(sql, '') FROM sqlite_master "
                f"WHERE type = 'index' AND tbl_name IN ({marks})",
                tables,
            )
        return set(cursor.fetchall())


def next_ids(model: type[models.Model]) -> int:
    """The first id above every id the table holds (the caller then numbers its rows)."""
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(model._meta.pk.column)
        cursor.execute(f"SELECT coalesce(max({column}), 0) FROM {table}")
        return cursor.fetchone()[0] + 1


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    """After rows were given explicit ids: the next id the database hands out is above them.

    SQLite's AUTOINCREMENT keeps its counter up to date by itself; PostgreSQL's sequences do not.
    """
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class Rows:
    """Tuples of one model's columns, from the attribute values given (the fields' defaults
    for the others), each converted to what the driver takes."""

    def __init__(self, model: type[models.Model]) -> None:
        fields = model._meta.concrete_fields
        self.table = model._meta.db_table
        self.columns = [f.column for f in fields]
        self._fields = [(f.attname, _converter(f)) for f in fields]
        self._defaults = {
            f.attname: f.get_default() for f in fields if not (f.has_default() and callable(f.default))
        }
        # A callable default (dict, list, uuid4) is called for each row, as Django does.
        self._callable = {f.attname: f.get_default for f in fields if f.has_default() and callable(f.default)}

    def row(self, values: dict) -> tuple:
        out = []
        for attname, convert in self._fields:
            if attname in values:
                value = values[attname]
            elif attname in self._callable:
                value = self._callable[attname]()
            else:
                value = self._defaults[attname]
            out.append(value if convert is None else convert(value))
        return tuple(out)


def _sqlite_datetime(value: datetime | None) -> str | None:
    # What Django's adapt_datetimefield_value stores (UTC, naive, str()), without its checks.
    if value is None:
        return None
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _text(value):
    # Choices are enum members; a driver may adapt an enum by its name, not its value.
    return value.value if isinstance(value, Enum) else value


def _converter(f: models.Field):
    if isinstance(f, models.JSONField):
        return lambda value: json.dumps(value, cls=f.encoder)
    if isinstance(f, models.DateTimeField):
        return _sqlite_datetime if connection.vendor == "sqlite" else None
    if isinstance(f, models.CharField | models.TextField):
        return _text
    return None
