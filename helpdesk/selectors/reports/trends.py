"""Trends per day or week, and the list of breached and at-risk tickets."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.clock import resolve_now
from helpdesk.models import ReportBacklog, Ticket

from .common import Period
from .figures import EVERYONE, Measures, Scope
from .rollup_reads import group_measures, rollup_days, rollup_rows

AT_RISK_WINDOW = timedelta(hours=4)
LIST_LIMIT = 50


@dataclass
class TrendPoint:
    start: date
    measures: Measures


def trend(*, period: Period, scope: Scope = EVERYONE, only: Iterable[str] | None = None) -> list[TrendPoint]:
    """Measures per day (periods up to 31 days) or per ISO week, oldest first. One query.

    `only` restricts the read to these rollup measures (the others then read as zero): a
    day's histograms are most of its rows, and a trend usually shows a few lines."""
    first, last = rollup_days(period)
    weekly = (last - first).days > 31
    rows = rollup_rows(dimension="all", period=period, scope=scope, by_day=True, only=only)
    for row in rows:
        day = row["day"]
        row["slot"] = day - timedelta(days=day.weekday()) if weekly else day
    groups = group_measures(rows, key="slot")
    slots = []
    day = first - timedelta(days=first.weekday()) if weekly else first
    while day <= last:
        slots.append(TrendPoint(start=day, measures=groups.get(day, Measures())))
        day += timedelta(days=7 if weekly else 1)
    return slots


def attention_list(*, scope: Scope = EVERYONE, now: datetime | None = None) -> dict[str, list[Ticket]]:
    """Open tickets already past a due time ("breached") and due within AT_RISK_WINDOW
    ("at_risk"), soonest first, LIST_LIMIT each. Four queries, each walking an index of the
    open backlog (ReportBacklog: a due time is kept there only while it can still be missed)
    and stopping at LIST_LIMIT: the ticket table's own due-time indexes begin with months of
    closed tickets."""
    now = resolve_now(now)
    soon = now + AT_RISK_WINDOW
    base = scope.backlog(ReportBacklog.objects.all()).select_related(
        "ticket__organization", "ticket__team", "ticket__assignee"
    )
    out = {}
    for key, low, high in (("breached", None, now), ("at_risk", now, soon)):
        found = []
        for column, first in (("first_response_due_at", True), ("resolution_due_at", False)):
            window = {
                f"{column}__lt": high,
                **({f"{column}__gte": low} if low else {f"{column}__isnull": False}),
            }
            for entry in base.filter(**window).order_by(column, "ticket_id")[:LIST_LIMIT]:
                ticket = entry.ticket
                ticket.first_response_due = first
                ticket.due = getattr(entry, column)
                found.append(ticket)
        unique = {}
        for ticket in sorted(found, key=lambda t: (t.due, t.pk)):
            unique.setdefault(ticket.pk, ticket)
        out[key] = list(unique.values())[:LIST_LIMIT]
    return out
