"""The bulk path of the report rollups: `BulkFolder` and the upsert that adds counters.

`BulkFolder` computes the rollups of tickets loaded in bulk (`seed_demo --tickets N`, via
helpdesk.demo.bulk) from their rows as they are generated, with the same facts as the
per-ticket fold (`helpdesk.services.rollups_facts`); `_apply_rows` adds counter rows to the
rollups, with one COPY on PostgreSQL for a bulk load's many rows (`COPY_FROM`), and is also
what the per-ticket fold and the rebuild write through.
"""

from collections.abc import Mapping, Sequence

from django.db import connection

from helpdesk.models import ReportBacklog, ReportRollup, TicketReportState
from helpdesk.models.rollups import ALL_TEAMS

from .rollups_facts import ARRIVAL_DIMENSIONS, DIMENSIONS, _in_hours, backlog_entry, ticket_dims, ticket_facts

# More rollup rows than this are added through COPY on PostgreSQL (a bulk load's).
COPY_FROM = 10_000


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
