"""Keeping the report rollups (helpdesk.models.rollups) in step with the tickets.

Every service that changes a measured field records a ticket event; `record_event` asks
for the ticket to be folded after the commit (`schedule_fold`), and the SLA watcher sweeps
events past the cursor (`sweep`) so nothing is lost if a process dies between the commit and
the fold. A fold recomputes the ticket's facts from its row and ratings (`ticket_facts`,
pure) and applies the difference with its last contribution, so folding twice changes
nothing. `rebuild` recomputes everything (after a bulk import or a change of definitions).
"""

import logging
import math
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max

from helpdesk.models import (
    OPEN_STATUSES,
    ReportBacklog,
    ReportRollup,
    RollupCursor,
    SatisfactionRating,
    Status,
    Ticket,
    TicketEvent,
    TicketReportState,
)
from helpdesk.models.rollups import ALL_TEAMS, BREAKDOWN_DIMENSIONS
from helpdesk.sla import business_time
from helpdesk.sla.calendars import load_calendars

logger = logging.getLogger(__name__)

# Breakdown dimensions (query-parameter values, never translated); "all" is the totals row.
DIMENSIONS: tuple[str, ...] = ("all", *BREAKDOWN_DIMENSIONS)
# Arrivals by hour of week are only read for these (the heatmap); elsewhere they'd be rows nobody reads.
ARRIVAL_DIMENSIONS = frozenset({"all", "team", "timezone"})
# Statuses in which the resolution clock runs (pending_customer and on_hold pause it).
RUNNING_STATUSES = (Status.NEW, Status.OPEN)
FCR_REOPEN_WINDOW = timedelta(days=7)
# Histograms of business seconds: BUCKETS_PER_OCTAVE buckets per doubling (about ±6 %).
BUCKETS_PER_OCTAVE = 6
CURSOR = "events"
# More rollup rows than this are added through COPY on PostgreSQL (a bulk load's).
COPY_FROM = 10_000
_FIELDS = (
    "pk",
    "created_at",
    "status",
    "merged_into_id",
    "closed_at",
    "first_response_at",
    "first_response_breached",
    "first_response_business_seconds",
    "first_response_due_at",
    "resolution_due_at",
    "resolved_at",
    "resolution_breached",
    "resolution_business_seconds",
    "agent_reply_count",
    "reopen_count",
    "last_reopened_at",
    "team_id",
    "assignee_id",
    "category_id",
    "category__complexity",
    "channel",
    "organization_id",
    "priority",
    "sla_plan__tier",
    "organization__timezone",
    "requester__customer_profile__timezone",
    "team__calendar_id",
    "sla_calendar_id",
)
_RATING_FIELDS = ("ticket_id", "surveyed_at", "rated_at", "score")


def report_zone() -> ZoneInfo:
    """Rollup days are days of the site's time zone (settings.TIME_ZONE)."""
    return ZoneInfo(settings.TIME_ZONE)


def report_day(moment: datetime) -> date:
    return moment.astimezone(report_zone()).date()


def seconds_bucket(seconds: int) -> int:
    """Histogram bucket of a duration: 0 for under a second, then BUCKETS_PER_OCTAVE per doubling."""
    if seconds < 1:
        return 0
    return int(math.log2(seconds) * BUCKETS_PER_OCTAVE) + 1


def bucket_bounds(bucket: int) -> tuple[float, float]:
    """[low, high) seconds of a histogram bucket."""
    if bucket == 0:
        return (0.0, 1.0)
    return (2 ** ((bucket - 1) / BUCKETS_PER_OCTAVE), 2 ** (bucket / BUCKETS_PER_OCTAVE))


def bucket_value(bucket: int) -> float:
    """The value a bucket stands for in a percentile: its geometric middle."""
    low, high = bucket_bounds(bucket)
    return 0.0 if bucket == 0 else math.sqrt(low * high)


def hour_of_week(moment: datetime, zone: str) -> int:
    """0 = Monday 00:00–01:00 … 167 = Sunday 23:00–24:00, local time of `zone`."""
    local = moment.astimezone(ZoneInfo(zone))
    return local.weekday() * 24 + local.hour


def customer_timezone(row: Mapping) -> str:
    return (
        row.get("requester__customer_profile__timezone")
        or row.get("organization__timezone")
        or settings.TIME_ZONE
    )


def ticket_dims(row: Mapping, *, in_hours: bool) -> dict[str, str]:
    """The ticket's value for every dimension, as stored in rollup rows ("" when none)."""

    def text(value) -> str:
        return "" if value is None else str(value)

    return {
        "all": "",
        "plan": text(row["sla_plan__tier"]),
        "team": text(row["team_id"]),
        "agent": text(row["assignee_id"]),
        "category": text(row["category_id"]),
        "complexity": text(row["category__complexity"]),
        "channel": text(row["channel"]),
        "organization": text(row["organization_id"]),
        "priority": text(row["priority"]),
        "hours": "in" if in_hours else "out",
        "timezone": customer_timezone(row),
    }


def ticket_facts(row: Mapping, ratings: Sequence[Mapping]) -> list[list]:
    """What one ticket counts for, as [day (ISO), measure, bucket, n], from its stored columns
    and ratings (DESIGN.md "Metric definitions"; the outcome's day is the day it became final).

    Pure: no database, no clock. The property test recomputes each measure from this
    definition's words, not from this function.
    """
    facts: list[list] = []

    def add(moment: datetime, measure: str, bucket: int = 0, n: int = 1) -> None:
        facts.append([report_day(moment).isoformat(), measure, bucket, n])

    add(row["created_at"], "created")
    add(row["created_at"], "arrival", hour_of_week(row["created_at"], customer_timezone(row)))
    live = row["merged_into_id"] is None
    if not live:
        if row["closed_at"] is not None:
            if row["first_response_due_at"] is not None:
                add(row["closed_at"], "fr_merged")
            if row["resolution_due_at"] is not None:
                add(row["closed_at"], "res_merged")
        return facts
    if row["first_response_at"] is not None:
        answered = row["first_response_at"]
        add(answered, "fr_breached" if row["first_response_breached"] else "fr_met")
        seconds = row["first_response_business_seconds"]
        if seconds is not None:
            add(answered, "fr_hist", seconds_bucket(seconds))
            add(answered, "fr_sum", 0, seconds)
    if row["resolved_at"] is not None:
        resolved = row["resolved_at"]
        add(resolved, "resolved")
        add(resolved, "res_breached" if row["resolution_breached"] else "res_met")
        reopened = row["reopen_count"] > 0
        if reopened:
            add(resolved, "reopened")
        late_reopen = reopened and (
            row["last_reopened_at"] is not None and row["last_reopened_at"] > resolved + FCR_REOPEN_WINDOW
        )
        if row["agent_reply_count"] == 1 and (not reopened or late_reopen):
            add(resolved, "fcr")
        seconds = row["resolution_business_seconds"]
        if seconds is not None:
            add(resolved, "res_hist", seconds_bucket(seconds))
            add(resolved, "res_sum", 0, seconds)
    for rating in ratings:
        add(rating["surveyed_at"], "surveyed")
        if rating["rated_at"] is not None:
            add(rating["surveyed_at"], "responded")
            if rating["score"] is not None:
                add(rating["rated_at"], "rated")
                if rating["score"] >= 4:
                    add(rating["rated_at"], "satisfied")
    return facts


def contributions(
    *, dims: Mapping[str, str], team_id: int | None, facts: Iterable[Sequence], into: Counter | None = None
) -> Counter:
    """Rollup keys (day, team scope, dimension, value, measure, bucket) → count for one ticket,
    added to `into` when given (the rebuild sums a million tickets in one dict)."""
    out: Counter = Counter() if into is None else into
    scopes = (ALL_TEAMS,) if not team_id else (ALL_TEAMS, team_id)
    every = [(name, dims[name]) for name in DIMENSIONS]
    arrival = [(name, value) for name, value in every if name in ARRIVAL_DIMENSIONS]
    for day, measure, bucket, n in facts:
        for scope in scopes:
            for name, value in arrival if measure == "arrival" else every:
                key = (day, scope, name, value, measure, bucket)
                out[key] = out.get(key, 0) + n
    return out


BACKLOG_DIMENSIONS = tuple(name for name in DIMENSIONS if name != "all")
_BACKLOG_FIELDS = ["created_at", "first_response_due_at", "resolution_due_at", *BACKLOG_DIMENSIONS]


def backlog_entry(row: Mapping, dims: Mapping[str, str]) -> ReportBacklog | None:
    """The ticket's row in the open backlog, or None when it is not in it (closed, resolved,
    merged). Pure: the due times are kept only while they can still be missed."""
    if row["status"] not in OPEN_STATUSES or row["merged_into_id"] is not None:
        return None
    running = row["resolved_at"] is None and row["status"] in RUNNING_STATUSES
    return ReportBacklog(
        ticket_id=row["pk"],
        created_at=row["created_at"],
        first_response_due_at=None if row["first_response_at"] else row["first_response_due_at"],
        resolution_due_at=row["resolution_due_at"] if running else None,
        **{name: dims[name] for name in BACKLOG_DIMENSIONS},
    )


def _save_backlog(pks: Sequence[int], entries: Sequence[ReportBacklog]) -> None:
    """Make the backlog rows of `pks` exactly `entries`: two statements at most."""
    kept = {entry.ticket_id for entry in entries}
    gone = [pk for pk in pks if pk not in kept]
    if gone:
        ReportBacklog.objects.filter(ticket_id__in=gone).delete()
    if entries:
        ReportBacklog.objects.bulk_create(
            entries, update_conflicts=True, unique_fields=["ticket"], update_fields=_BACKLOG_FIELDS
        )


def _in_hours(row: Mapping, calendars: Mapping) -> bool:
    calendar = calendars.get(row["team__calendar_id"]) or calendars.get(row["sla_calendar_id"])
    return True if calendar is None else business_time.is_open(calendar, row["created_at"])


def _apply(deltas: Mapping[tuple, int]) -> None:
    """Add `deltas` to the counters: one INSERT … ON CONFLICT DO UPDATE for all of them."""
    _apply_rows([(date.fromisoformat(key[0]), *key[1:], n) for key, n in deltas.items() if n])


def _apply_rows(rows: Sequence[tuple]) -> None:
    """Add (day, team, dimension, value, measure, bucket, n) rows to the counters (the day a
    date or its ISO text)."""
    if not rows:
        return
    table = connection.ops.quote_name(ReportRollup._meta.db_table)
    columns = "day, team, dimension, value, measure, bucket, count"
    upsert = (
        "ON CONFLICT (dimension, team, day, measure, value, bucket) "
        f"DO UPDATE SET count = {table}.count + excluded.count"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) > COPY_FROM and connection.in_atomic_block:
            # A bulk load's million rows: one COPY and one statement, not a round trip each.
            cursor.execute(
                "CREATE TEMPORARY TABLE rollup_rows (day date, team integer, dimension text, value text, "
                "measure text, bucket integer, count bigint) ON COMMIT DROP"
            )
            with cursor.cursor.copy(f"COPY rollup_rows ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM rollup_rows {upsert}")
            cursor.execute("DROP TABLE rollup_rows")
            return
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s) {upsert}", rows
        )


def _load(pks: Sequence[int]) -> tuple[list[dict], dict[int, list[dict]]]:
    rows = list(Ticket.objects.filter(pk__in=pks).values(*_FIELDS))
    ratings: dict[int, list[dict]] = {}
    for rating in SatisfactionRating.objects.filter(ticket_id__in=pks).values(*_RATING_FIELDS):
        ratings.setdefault(rating["ticket_id"], []).append(rating)
    return rows, ratings


def fold_tickets(pks: Iterable[int]) -> int:
    """Bring the rollups up to date with these tickets' current state. Idempotent."""
    pks = sorted(set(pks))
    if not pks:
        return 0
    with transaction.atomic():
        # Serialises folds of the same tickets (PostgreSQL; SQLite writes one at a time anyway).
        list(Ticket.objects.filter(pk__in=pks).select_for_update().values_list("pk", flat=True))
        rows, ratings = _load(pks)
        states = TicketReportState.objects.in_bulk(pks)
        calendars = load_calendars(
            {r["team__calendar_id"] for r in rows if r["pk"] not in states}
            | {r["sla_calendar_id"] for r in rows if r["pk"] not in states}
        )
        deltas: Counter = Counter()
        new_states = []
        backlog = []
        for row in rows:
            old = states.get(row["pk"])
            in_hours = old.in_hours if old else _in_hours(row, calendars)
            dims = ticket_dims(row, in_hours=in_hours)
            facts = ticket_facts(row, ratings.get(row["pk"], []))
            # A pause or a resumed clock moves a due time without changing any fact.
            if (entry := backlog_entry(row, dims)) is not None:
                backlog.append(entry)
            if old is not None:
                if old.dims == dims and old.facts == facts:
                    continue
                deltas.subtract(contributions(dims=old.dims, team_id=_team(old.dims), facts=old.facts))
            deltas.update(contributions(dims=dims, team_id=row["team_id"], facts=facts))
            new_states.append(
                TicketReportState(
                    ticket_id=row["pk"], in_hours=in_hours, timezone=dims["timezone"], dims=dims, facts=facts
                )
            )
        _apply(deltas)
        _save_backlog([row["pk"] for row in rows], backlog)
        if new_states:
            TicketReportState.objects.bulk_create(
                new_states,
                update_conflicts=True,
                unique_fields=["ticket"],
                update_fields=["in_hours", "timezone", "dims", "facts"],
            )
    return len(new_states)


def _team(dims: Mapping[str, str]) -> int | None:
    return int(dims["team"]) if dims.get("team") else None


# --- after the commit, and the watcher's sweep --------------------------------------------------

_local = threading.local()


def schedule_fold(ticket_id: int) -> None:
    """Fold this ticket once the current transaction commits (no query now).

    Several events of one transaction make one callback and one fold. If the fold fails or the process dies, the watcher's sweep folds the
    ticket from its events.
    """
    pending = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = set()
    pending.add(ticket_id)
    # One callback per transaction (a rolled-back savepoint drops its callbacks: then re-register).
    if not any(func is _fold_pending for _sids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_fold_pending)


def _fold_pending() -> None:
    pending = getattr(_local, "pending", None)
    if not pending:
        return
    pks = list(pending)
    pending.clear()
    try:
        fold_tickets(pks)
    except Exception:  # the commit is done; the sweep retries, the request must not fail
        logger.exception("Folding tickets %s into the report rollups failed", pks)


def sweep(*, limit: int = 5000) -> int:
    """Fold tickets with events after the cursor; returns how many tickets were folded."""
    cursor, _ = RollupCursor.objects.get_or_create(key=CURSOR)
    events = list(
        TicketEvent.objects.filter(pk__gt=cursor.last_event_id)
        .order_by("pk")
        .values_list("pk", "ticket_id")[:limit]
    )
    if not events:
        return 0
    folded = fold_tickets({ticket for _pk, ticket in events})
    RollupCursor.objects.filter(key=CURSOR).update(last_event_id=events[-1][0])
    return folded


def rebuild(*, batch: int = 5000, flush_at: int = 400_000) -> int:
    """Recompute every rollup and ticket state from the tickets. Returns the tickets counted."""
    last_event = TicketEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    with transaction.atomic():
        ReportRollup.objects.all().delete()
        TicketReportState.objects.all().delete()
        ReportBacklog.objects.all().delete()
    calendars = load_calendars(
        set(Ticket.objects.values_list("sla_calendar_id", flat=True).distinct())
        | set(Ticket.objects.values_list("team__calendar_id", flat=True).distinct())
    )
    counted = 0
    after = 0
    pending: Counter = Counter()
    while True:
        pks = list(Ticket.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch])
        if not pks:
            break
        after = pks[-1]
        rows, ratings = _load(pks)
        states = []
        backlog = []
        for row in rows:
            in_hours = _in_hours(row, calendars)
            dims = ticket_dims(row, in_hours=in_hours)
            facts = ticket_facts(row, ratings.get(row["pk"], []))
            contributions(dims=dims, team_id=row["team_id"], facts=facts, into=pending)
            if (entry := backlog_entry(row, dims)) is not None:
                backlog.append(entry)
            states.append(
                TicketReportState(
                    ticket_id=row["pk"], in_hours=in_hours, timezone=dims["timezone"], dims=dims, facts=facts
                )
            )
        with transaction.atomic():
            TicketReportState.objects.bulk_create(states, batch_size=1000)
            ReportBacklog.objects.bulk_create(backlog, batch_size=1000)
            if len(pending) >= flush_at:
                _apply(pending)
                pending = Counter()
        counted += len(rows)
    with transaction.atomic():
        _apply(pending)
        RollupCursor.objects.update_or_create(key=CURSOR, defaults={"last_event_id": last_event})
    return counted


class BulkFolder:
    """The rollups of tickets loaded in bulk, computed from their rows as they are generated.

    For `seed_demo --tickets N`: the same facts, dimensions, report states and backlog rows
    that `fold_tickets` and `rebuild` compute (`ticket_facts`, `ticket_dims`,
    `backlog_entry`), without reading a million tickets back. `add` takes a row with the
    keys of `_FIELDS` (values as Python objects) and the ticket's ratings, and returns the
    ticket's report state and backlog entry for the caller to insert; `flush` adds the
    summed counters to the rollups (inside a transaction, once at the end).

    What `contributions` does per ticket (each fact counted once per dimension and team
    scope, 20-odd dictionary updates a fact, 120 µs of CPU a ticket) is done here with numpy
    over whole arrays: a ticket only appends its facts, coded as integers, with the id of its
    combination of dimension values; every `REDUCE_AT` facts they are summed per key and
    spread over the dimensions at once (`_reduce`), so memory stays bounded by the number of
    distinct rollup rows, not by the number of tickets.
    """

    REDUCE_AT = 250_000
    # Bits of each part of a rollup key coded as one int64, highest first.
    _BITS = (("dimension", 4), ("scope", 10), ("day", 12), ("measure", 6), ("value", 16), ("bucket", 10))

    def __init__(self, calendars: Mapping) -> None:
        self.calendars = calendars
        self._vocab: dict[str, dict] = {name: {} for name, _ in self._BITS}
        self._dimsets: dict[tuple, int] = {}
        self._dimset_values: list[tuple[int, ...]] = []
        self._dimset_team: list[int] = []
        self._facts: list[int] = []  # dimset, day, measure, bucket, n: five ints a fact
        self._partials: list = []  # summed so far: (coded keys, counts) numpy array pairs
        for position, name in enumerate(DIMENSIONS):
            self._vocab["dimension"][name] = position
        self._code("scope", ALL_TEAMS)

    def _code(self, part: str, value) -> int:
        vocab = self._vocab[part]
        code = vocab.get(value)
        if code is None:
            code = vocab[value] = len(vocab)
            if code >= 1 << dict(self._BITS)[part]:
                raise OverflowError(f"too many distinct {part} values for a bulk fold")
        return code

    def add(self, row: Mapping, ratings: Sequence[Mapping]) -> tuple[TicketReportState, ReportBacklog | None]:
        in_hours = _in_hours(row, self.calendars)
        dims = ticket_dims(row, in_hours=in_hours)
        facts = ticket_facts(row, ratings)
        team_id = row["team_id"]
        key = (*(dims[name] for name in DIMENSIONS), team_id or 0)
        dimset = self._dimsets.get(key)
        if dimset is None:
            dimset = self._dimsets[key] = len(self._dimset_values)
            self._dimset_values.append(tuple(self._code("value", dims[name]) for name in DIMENSIONS))
            self._dimset_team.append(self._code("scope", team_id) if team_id else -1)
        out = self._facts
        for day, measure, bucket, n in facts:
            if not 0 <= bucket < 1024:
                raise OverflowError(f"bucket {bucket} does not fit a bulk fold's key")
            out += (dimset, self._code("day", day), self._code("measure", measure), bucket, n)
        if len(out) >= 5 * self.REDUCE_AT:
            self._reduce()
        state = TicketReportState(
            ticket_id=row["pk"], in_hours=in_hours, timezone=dims["timezone"], dims=dims, facts=facts
        )
        return state, backlog_entry(row, dims)

    def _reduce(self) -> None:
        """Sum the facts appended so far per rollup key, spread over every dimension."""
        import numpy as np

        if not self._facts:
            return
        facts = np.array(self._facts, dtype=np.int64).reshape(-1, 5)
        self._facts = []
        dimset, day, measure, bucket, n = facts.T
        values = np.array(self._dimset_values, dtype=np.int64)
        teams = np.array(self._dimset_team, dtype=np.int64)
        arrival = self._vocab["measure"].get("arrival", -1)
        shifts = self._shifts()
        base = (day << shifts["day"]) | (measure << shifts["measure"]) | bucket
        codes, counts = [], []
        team_scope = teams[dimset]
        has_team = team_scope >= 0
        for position, name in enumerate(DIMENSIONS):
            keep = np.ones(len(n), dtype=bool) if name in ARRIVAL_DIMENSIONS else measure != arrival
            key = base | (values[dimset, position] << shifts["value"]) | (position << shifts["dimension"])
            codes.append(key[keep])  # scope 0: all teams
            counts.append(n[keep])
            mine = keep & has_team
            codes.append(key[mine] | (team_scope[mine] << shifts["scope"]))
            counts.append(n[mine])
        self._partials.append(_summed(np.concatenate(codes), np.concatenate(counts)))
        # Partial sums are merged once they hold more than a few reductions' worth, so
        # memory follows the distinct rollup rows and each merge stays cheap.
        if sum(len(c) for c, _n in self._partials) > 8 * self.REDUCE_AT:
            self._partials = [_summed(*(np.concatenate(part) for part in zip(*self._partials, strict=True)))]

    def _shifts(self) -> dict[str, int]:
        shifts, shift = {}, 0
        for part, bits in reversed(self._BITS):
            shifts[part] = shift
            shift += bits
        return shifts

    def flush(self) -> None:
        import numpy as np

        self._reduce()
        if not self._partials:
            return
        codes, counts = _summed(*(np.concatenate(part) for part in zip(*self._partials, strict=True)))
        self._partials = []
        names = {part: {code: value for value, code in vocab.items()} for part, vocab in self._vocab.items()}
        columns = {}
        for part, shift in self._shifts().items():
            lookup = names[part]
            bits = dict(self._BITS)[part]
            raw = ((codes >> shift) & ((1 << bits) - 1)).tolist()
            columns[part] = raw if part == "bucket" else [lookup[c] for c in raw]
        rows = sorted(
            zip(
                columns["day"],
                columns["scope"],
                columns["dimension"],
                columns["value"],
                columns["measure"],
                columns["bucket"],
                counts.tolist(),
                strict=True,
            ),
            # The unique index's order (dimension, team, day, measure, value, bucket): each
            # upsert then lands next to the last one instead of at a random page.
            key=lambda row: (row[2], row[1], row[0], row[4], row[3], row[5]),
        )
        _apply_rows(rows)


def _summed(codes, counts):
    import numpy as np

    unique, inverse = np.unique(codes, return_inverse=True)
    return unique, np.bincount(inverse, weights=counts).astype(np.int64)


def advance_cursor(*, past: int, to: int) -> None:
    """After a bulk load whose events (ids above `past`, up to `to`) are already counted:
    move the sweep's cursor over them, unless it was behind before the load (then the
    sweep still has older events to fold, and folding the new ones again changes nothing).
    With no cursor yet (no sweep ever ran; what came before was folded on commit) it starts
    at `to`, as after a rebuild."""
    cursor, created = RollupCursor.objects.get_or_create(key=CURSOR, defaults={"last_event_id": to})
    if not created and cursor.last_event_id >= past:
        RollupCursor.objects.filter(key=CURSOR).update(last_event_id=to)
