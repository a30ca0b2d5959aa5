"""Keeping the report rollups (helpdesk.models.rollups) in step with the tickets.

Every service that changes a measured field records a ticket event; `record_event` asks
for the ticket to be folded after the commit (`schedule_fold`), and the SLA watcher sweeps
events past the cursor (`sweep`) so nothing is lost if a process dies between the commit and
the fold. A fold recomputes the ticket's facts from its row and ratings (`ticket_facts`,
pure) and applies the difference with its last contribution, so folding twice changes
nothing. `rebuild` recomputes everything (after a bulk import or a change of definitions).

The facts are computed in `helpdesk.services.rollups_facts`; the bulk fold of a seeded load
and the counters' upsert are in `helpdesk.services.rollups_bulk`.
"""

import logging
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from django.db import connection, transaction
from django.db.models import Max

from helpdesk.models import (
    ReportBacklog,
    ReportRollup,
    RollupCursor,
    SatisfactionRating,
    Ticket,
    TicketEvent,
    TicketReportState,
)
from helpdesk.sla.calendars import load_calendars

from .rollups_bulk import _apply_rows
from .rollups_facts import (
    _BACKLOG_FIELDS,
    _FIELDS,
    _RATING_FIELDS,
    _in_hours,
    backlog_entry,
    contributions,
    ticket_dims,
    ticket_facts,
)

logger = logging.getLogger(__name__)

CURSOR = "events"


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


def _apply(deltas: Mapping[tuple, int]) -> None:
    """Add `deltas` to the counters: one INSERT … ON CONFLICT DO UPDATE for all of them."""
    _apply_rows([(date.fromisoformat(key[0]), *key[1:], n) for key, n in deltas.items() if n])


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


def advance_cursor(*, past: int, to: int) -> None:
    """After a bulk load whose events (ids above `past`, up to `to`) are already counted:
    move the sweep's cursor over them, unless it was behind before the load (then the
    sweep still has older events to fold, and folding the new ones again changes nothing).
    With no cursor yet (no sweep ever ran; what came before was folded on commit) it starts
    at `to`, as after a rebuild."""
    cursor, created = RollupCursor.objects.get_or_create(key=CURSOR, defaults={"last_event_id": to})
    if not created and cursor.last_event_id >= past:
        RollupCursor.objects.filter(key=CURSOR).update(last_event_id=to)
