"""`seed_demo --tickets N`: many plausible tickets, fast, for scale tests and benchmarks.

This module loads and indexes what `helpdesk.demo.generate` generates (the rows, with SLA
columns computed by the pure business-time core, in a realistic mix): bulk inserts, so
lists, filters and the watcher see realistic data at any size.

Linear in N and bounded in memory: each batch of tickets is generated, written with
everything that follows from it, in one transaction, and dropped —

- the tickets, their created events, pauses and ratings, as plain tuples with ids numbered
  here (`core.bulkload`: `executemany` on SQLite, COPY on PostgreSQL);
- their search documents (`search.bulk`), the title's tokens composed from the subject
  template's, analysed once per template, instead of running the segmenter on every title;
- their report states and backlog rows, and their counts summed in memory
  (`helpdesk.services.rollups_bulk.BulkFolder`), added to the rollups once at the end: the
  same figures `rebuild_report_rollups` computes, without reading a million tickets back.

The secondary indexes of those tables are dropped first and re-created from their own DDL
at the end (one sort each instead of a random write per row and index), and on SQLite the
load runs without a durable journal (`BulkLoad`): a marker file next to the database says a
load is running, and `seed_demo` refuses a database whose load did not finish. Statistics
are gathered afterwards (`core.db_stats.analyze`), or the planner guesses on a million rows.
"""

import functools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, reset_queries, transaction
from django.urls import reverse

from core.bulkload import BulkLoad, Rows, next_ids, reset_sequences
from core.db_stats import analyze
from helpdesk.models import (
    ReportBacklog,
    SatisfactionRating,
    Ticket,
    TicketEvent,
    TicketPause,
    TicketReportState,
    User,
)
from helpdesk.search import ticket_document
from helpdesk.services.rollups import advance_cursor
from helpdesk.services.rollups_bulk import BulkFolder
from search import bulk as search_bulk
from search.models import SearchDocument
from search.tokenize import index_tokens, normalise_for_index

from .generate import TicketMix

BATCH = 5000
# The tables a load fills: their secondary indexes are built once, at the end.
TABLES = [
    Ticket._meta.db_table,
    TicketEvent._meta.db_table,
    TicketPause._meta.db_table,
    SatisfactionRating._meta.db_table,
    TicketReportState._meta.db_table,
    ReportBacklog._meta.db_table,
    *search_bulk.TABLES,
]


class UnfinishedLoad(RuntimeError):
    """An earlier load into this database stopped midway."""


def load_marker() -> Path | None:
    """The file that says a load into the default database is running (or died midway);
    None for an in-memory database (nothing outlives the process)."""
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            return None
        return Path(f"{connection.settings_dict['NAME']}.seeding")
    return Path(settings.VAR_DIR) / f"seeding-{connection.vendor}-{connection.settings_dict['NAME']}"


def check_no_unfinished_load() -> None:
    """Refuse a database whose last load did not finish (see the module docstring)."""
    marker = load_marker()
    if marker is not None and marker.exists():
        raise UnfinishedLoad(
            f"An earlier `seed_demo --tickets` into this database stopped midway ({marker} exists: "
            f"{marker.read_text().strip()}). The load runs without a durable journal and with "
            "its indexes dropped, so this database must be seeded again: delete it (or drop it on "
            "PostgreSQL), remove the marker file, then run migrate and seed_demo."
        )


def generate_tickets(
    *,
    count: int,
    world: dict,
    people: dict[str, User],
    now: datetime,
    seed: int = 7,
    progress: Callable[[int, str], None] | None = None,
) -> int:
    """Insert `count` generated tickets with their created events, pauses, ratings, search
    documents, report states and rollups; then gather statistics. `progress(done, phase)`
    is told after each batch. Call it outside a transaction, with no other process writing
    to the database (on SQLite the load takes the journal over)."""
    mix = TicketMix(world=world, people=people, now=now, seed=seed)
    check_no_unfinished_load()
    writer = _Writer(now=now, calendars=mix.calendars)
    load = BulkLoad(tables=TABLES)
    load.begin()
    marker = load_marker()
    if marker is not None:
        marker.write_text(f"seed_demo --tickets {count} began at {now.isoformat()}\n")
    try:
        load.drop_indexes()
        writer.start(load)
        made = 0
        while made < count:
            size = min(BATCH, count - made)
            tickets, ratings = mix.batch(size)
            with transaction.atomic():
                writer.write(tickets, ratings)
            made += size
            # Under DEBUG each statement stays in the connection's query log: forget them,
            # or memory grows with N.
            reset_queries()
            if progress:
                progress(made, "inserted")
        with transaction.atomic():
            writer.finish()
        if progress:
            progress(made, "rollups written")
    finally:
        load.finish()
    if progress:
        progress(made, "indexes built")
    analyze()
    # Only a load that got here leaves a whole database: after any failure the marker stays.
    if marker is not None:
        marker.unlink()
    return made


class _Writer:
    """Numbers and writes each batch, and keeps the sums of the rollups between batches."""

    def __init__(self, *, now: datetime, calendars: dict) -> None:
        self.now = now
        self.folder = BulkFolder(calendars)
        self.rows = {model: Rows(model) for model in (Ticket, TicketEvent, TicketPause, SatisfactionRating)}
        self.state_rows = Rows(TicketReportState)
        self.backlog_rows = Rows(ReportBacklog)
        self.url = _ChangeUrl()
        self.erp_labels: dict[str, str] = {}

    def start(self, load: BulkLoad) -> None:
        self.load = load
        self.indexer = search_bulk.BulkIndexer(load, now=self.now)
        self.ids = {model: next_ids(model) for model in (*self.rows, SearchDocument)}
        self.first_event = self.ids[TicketEvent]

    def _number(self, model, rows: list[dict]) -> None:
        for row in rows:
            row["id"] = self.ids[model]
            self.ids[model] += 1

    def write(self, tickets: list[dict], ratings: list[dict]) -> None:
        self._number(Ticket, tickets)
        for rating in ratings:
            rating["ticket_id"] = rating.pop("ticket")["id"]
        events = [
            {
                "ticket_id": t["id"],
                "kind": TicketEvent.Kind.CREATED,
                "actor_id": t["requester_id"],
                "new_value": "web",
                "created_at": t["created_at"],
            }
            for t in tickets
        ]
        pauses = [
            {"ticket_id": t["id"], "started_at": t["sla_paused_since"], "status": t["status"]}
            for t in tickets
            if t["sla_paused_since"]
        ]
        self._number(TicketEvent, events)
        self._number(TicketPause, pauses)
        self._number(SatisfactionRating, ratings)
        for model, rows in ((Ticket, tickets), (TicketEvent, events), (TicketPause, pauses)):
            self._insert(model, rows)
        self._insert(SatisfactionRating, ratings)
        self._fold(tickets, ratings)
        self._index(tickets)

    def _insert(self, model, rows: list[dict]) -> None:
        maker = self.rows[model]
        self.load.insert(maker.table, maker.columns, [maker.row(r) for r in rows])

    def _fold(self, tickets: list[dict], ratings: list[dict]) -> None:
        by_ticket: dict[int, list[dict]] = {}
        for rating in ratings:
            by_ticket.setdefault(rating["ticket_id"], []).append(rating)
        states, backlog = [], []
        for t in tickets:
            state, entry = self.folder.add(_rollup_row(t), by_ticket.get(t["id"], ()))
            states.append(self.state_rows.row(state.__dict__))
            if entry is not None:
                backlog.append(self.backlog_rows.row(entry.__dict__))
        self.load.insert(self.state_rows.table, self.state_rows.columns, states)
        self.load.insert(self.backlog_rows.table, self.backlog_rows.columns, backlog)

    def _index(self, tickets: list[dict]) -> None:
        documents = []
        for t in tickets:
            view = _TicketView(t, self)
            documents.append(
                search_bulk.NewDocument(
                    pk=self.ids[SearchDocument],
                    data=ticket_document(view, url=self.url(t["id"])),
                    title_norm=_title_norm(t, view),
                )
            )
            self.ids[SearchDocument] += 1
        self.indexer.add(documents)

    def finish(self) -> None:
        """The summed rollups, the sequences, the sweep's cursor: once, after the last batch."""
        self.folder.flush()
        reset_sequences([*self.rows, SearchDocument])
        advance_cursor(past=self.first_event - 1, to=self.ids[TicketEvent] - 1)

    def erp_label(self, value: str) -> str:
        if value not in self.erp_labels:
            self.erp_labels[value] = Ticket(erp_system=value).get_erp_system_display()
        return self.erp_labels[value]


class _ChangeUrl:
    """The admin change URL of a ticket, resolved once (reverse() for each of a million is slow)."""

    SENTINEL = 987654321

    def __init__(self) -> None:
        self.before, self.after = reverse("admin:helpdesk_ticket_change", args=[self.SENTINEL]).split(
            str(self.SENTINEL)
        )

    def __call__(self, pk: int) -> str:
        return f"{self.before}{pk}{self.after}"


class _TicketView:
    """What `ticket_document` reads of a ticket, from a generated row (no model instance)."""

    def __init__(self, row: dict, writer: _Writer) -> None:
        self.__dict__.update(row)
        self.pk = row["id"]
        self.reference = _reference(row["id"])
        self.organization = row["_organization"]
        self._writer = writer

    def get_erp_system_display(self) -> str:
        return self._writer.erp_label(self.erp_system)


_REFERENCE = Ticket(pk=1).reference.removesuffix("000001")


def _reference(pk: int) -> str:
    return f"{_REFERENCE}{pk:06d}"


@functools.cache
def _subject_tokens(template: str) -> tuple[str, str] | None:
    """The tokens of a subject template's text before and after its number, when a title's
    tokens are those of its reference, that text and the number in a row (checked here on a
    few numbers and references; tests check many); None: analyse each title whole."""
    prefix, suffix = template.split("{n}")
    parts = (normalise_for_index(prefix), normalise_for_index(suffix))
    for pk, n in ((1, 100), (4711, 5555), (1000000, 99999), (123456, 707)):
        if _composed(_reference(pk), parts, n) != normalise_for_index(
            f"{_reference(pk)} {template.format(n=n)}"
        ):
            return None
    return parts


@functools.cache
def _reference_tokens() -> tuple[str, ...] | None:
    """A reference's tokens around its number (kx000123 kx 000123: the text before and after
    each time the number occurs), or None when they are not of that shape."""
    pieces = tuple(normalise_for_index(_reference(987654)).split("987654"))
    for pk in (1, 4321, 1234567):
        number = _reference(pk).removeprefix(_REFERENCE)
        if normalise_for_index(_reference(pk)) != number.join(pieces):
            return None
    return pieces


def _reference_norm(reference: str) -> str:
    pieces = _reference_tokens()
    if pieces is None:
        return " ".join(index_tokens(reference))
    return reference.removeprefix(_REFERENCE).join(pieces)


def _composed(reference: str, parts: tuple[str, str], n: int) -> str:
    return " ".join(p for p in (_reference_norm(reference), parts[0], str(n), parts[1]) if p)


def _title_norm(row: dict, view: _TicketView) -> str | None:
    parts = _subject_tokens(row["_template"])
    return None if parts is None else _composed(view.reference, parts, row["_n"])


def _rollup_row(t: dict) -> dict:
    """The row `BulkFolder.add` reads (the keys of a `values(*rollups_facts._FIELDS)` query)."""
    return {
        **t,
        "pk": t["id"],
        "category__complexity": t["_complexity"],
        "sla_plan__tier": t["_tier"],
        "organization__timezone": t["_organization"].timezone,
        "requester__customer_profile__timezone": t["_requester_timezone"],
        "team__calendar_id": t["_team_calendar_id"],
    }
