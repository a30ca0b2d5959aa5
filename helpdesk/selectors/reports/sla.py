"""SLA target reports: compliance per target, response and resolution times, overdue tickets."""

import operator
from dataclasses import dataclass
from datetime import datetime
from functools import reduce

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.db.models.lookups import IsNull

from core.clock import resolve_now
from helpdesk.models import OPEN_STATUSES, SlaTarget, Status, Ticket
from helpdesk.sla.status import SlaOutcome

from .common import OVERALL, Period, Ratio, group_expression

# Statuses whose resolution clock runs: waiting on the customer or resolved stops it.
RUNNING_STATUSES = (Status.NEW, Status.OPEN)
# Not merged into another ticket (Ticket.objects.live()), as a condition inside one query.
LIVE = Q(merged_into__isnull=True)


@dataclass(frozen=True)
class ComplianceRow:
    """Met and breached counts per SLA target for one group, and the merged tickets set aside."""

    group: str | None
    first_response: Ratio  # part = met, whole = met + breached
    resolution: Ratio
    first_response_merged: int = 0  # in neither part nor whole
    resolution_merged: int = 0

    @staticmethod
    def breached(ratio: Ratio) -> int:
        return ratio.whole - ratio.part


@dataclass(frozen=True)
class Durations:
    """Business seconds of one measure in one group; the statistics are None when empty."""

    count: int = 0
    median: int | None = None
    p90: int | None = None
    mean: float | None = None


@dataclass(frozen=True)
class ResponseTimesRow:
    group: str | None
    first_response: Durations
    resolution: Durations


def _merged(period: Period, due: str) -> Q:
    """Merged into another ticket in the period (the merge closes it: closed_at is the merge)
    while the target was set (`due` not null)."""
    return Q(IsNull(F(due), False), merged_into__isnull=False) & period.contains("closed_at")


def _first_response_outcomes(period: Period, cutoff: datetime) -> dict[SlaOutcome, Q]:
    final = LIVE & period.contains("first_response_at")
    overdue = LIVE & Q(
        first_response_at__isnull=True, status__in=OPEN_STATUSES, first_response_due_at__lt=cutoff
    )
    return {
        SlaOutcome.MET: final & Q(first_response_breached=False),
        SlaOutcome.BREACHED: (final & Q(first_response_breached=True)) | overdue,
        SlaOutcome.MERGED: _merged(period, "first_response_due_at"),
    }


def _resolution_outcomes(period: Period, cutoff: datetime) -> dict[SlaOutcome, Q]:
    final = LIVE & period.contains("resolved_at")
    overdue = LIVE & Q(resolved_at__isnull=True, status__in=RUNNING_STATUSES, resolution_due_at__lt=cutoff)
    return {
        SlaOutcome.MET: final & Q(resolution_breached=False),
        SlaOutcome.BREACHED: (final & Q(resolution_breached=True)) | overdue,
        SlaOutcome.MERGED: _merged(period, "resolution_due_at"),
    }


def sla_compliance(*, period: Period, group_by: str, now: datetime | None = None) -> list[ComplianceRow]:
    """Met ÷ (met + breached) per group and target, over outcomes that became final in the period.

    A first response is final when it was given in the period (met unless flagged breached);
    a resolution when the ticket was resolved in the period. Open tickets already past due
    (before the period's end, or `now` if that is earlier) count as breached: they are
    listed by overdue_open_tickets. One grouped query per target.

    A ticket merged into another one has the outcome "merged" for every target it had, in
    the period it was merged: neither met nor breached (not even a miss from before the
    merge; see SlaOutcome), counted apart as `*_merged`.
    """
    cutoff = min(period.end, resolve_now(now))
    group = group_expression(group_by)
    counts: dict[str | None, dict[SlaTarget, tuple[Ratio, int]]] = {}
    for target, outcomes in (
        (SlaTarget.FIRST_RESPONSE, _first_response_outcomes(period, cutoff)),
        (SlaTarget.RESOLUTION, _resolution_outcomes(period, cutoff)),
    ):
        rows = (
            Ticket.objects.filter(reduce(operator.or_, outcomes.values()))
            .values(group=group)
            .annotate(**{outcome.value: Count("pk", filter=q) for outcome, q in outcomes.items()})
            .order_by()
        )
        for row in rows:
            met, breached = row[SlaOutcome.MET.value], row[SlaOutcome.BREACHED.value]
            counts.setdefault(row["group"], {})[target] = (
                Ratio(met, met + breached),
                row[SlaOutcome.MERGED.value],
            )
    empty = (Ratio(0, 0), 0)
    return [
        ComplianceRow(
            group=key,
            first_response=targets.get(SlaTarget.FIRST_RESPONSE, empty)[0],
            resolution=targets.get(SlaTarget.RESOLUTION, empty)[0],
            first_response_merged=targets.get(SlaTarget.FIRST_RESPONSE, empty)[1],
            resolution_merged=targets.get(SlaTarget.RESOLUTION, empty)[1],
        )
        for key, targets in counts.items()
    ]


def _rank(count: F, percent: int) -> ExpressionWrapper:
    """Nearest rank ceil(percent/100 × n) in integer arithmetic (exact on every database)."""
    return ExpressionWrapper((count * percent + 99) / 100, output_field=IntegerField())


def _durations(*, period: Period, group_by: str, moment: str, seconds: str) -> dict[str | None, Durations]:
    """Count, nearest-rank median and p90, and mean of `seconds` per group, in one query.

    Window functions number each group's values in order; only the rows at the median and
    p90 ranks come back (at most two per group), each carrying the group's count and mean.
    """
    group = group_expression(group_by)
    # No PARTITION BY a constant (PostgreSQL refuses it): the overall row is one window.
    partition = {} if group_by == OVERALL else {"partition_by": [group]}
    rows = (
        Ticket.objects.live()
        .filter(period.contains(moment), IsNull(F(seconds), False))
        .annotate(
            group=group,
            value=F(seconds),
            rn=Window(RowNumber(), order_by=[F(seconds).asc(), F("pk").asc()], **partition),
            n=Window(Count("pk"), **partition),
            average=Window(Avg(seconds), **partition),
        )
        .filter(Q(rn=_rank(F("n"), 50)) | Q(rn=_rank(F("n"), 90)))
        .values("group", "value", "rn", "n", "average")
        .order_by()
    )
    found: dict[str | None, dict] = {}
    for row in rows:
        found.setdefault(row["group"], {"n": row["n"], "average": row["average"]})[row["rn"]] = row["value"]
    result = {}
    for key, stats in found.items():
        n = stats["n"]
        result[key] = Durations(
            count=n,
            median=stats[(n * 50 + 99) // 100],
            p90=stats[(n * 90 + 99) // 100],
            mean=float(stats["average"]),
        )
    return result


def response_times(*, period: Period, group_by: str) -> list[ResponseTimesRow]:
    """Per group: count, nearest-rank median and p90, and mean business seconds of first
    responses given in the period and of resolutions in the period. Two queries.

    Live tickets only: a merged ticket's times are set aside like its outcome (SlaOutcome),
    and one merged without a response has none to give."""
    first = _durations(
        period=period,
        group_by=group_by,
        moment="first_response_at",
        seconds="first_response_business_seconds",
    )
    resolution = _durations(
        period=period, group_by=group_by, moment="resolved_at", seconds="resolution_business_seconds"
    )
    return [
        ResponseTimesRow(
            group=key, first_response=first.get(key, Durations()), resolution=resolution.get(key, Durations())
        )
        for key in dict.fromkeys([*first, *resolution])
    ]


def overdue_open_tickets(*, now: datetime, limit: int = 50) -> QuerySet[Ticket]:
    """Open tickets past a due time at `now`: unanswered after the first response was due, or
    not resolved after resolution was due while the clock runs. Most overdue first.
    Merged tickets are closed, so never listed."""
    first_overdue = Q(first_response_at__isnull=True, first_response_due_at__lt=now)
    resolution_overdue = Q(resolved_at__isnull=True, status__in=RUNNING_STATUSES, resolution_due_at__lt=now)
    return (
        Ticket.objects.live()
        .open()
        .filter(first_overdue | resolution_overdue)
        .annotate(
            first_response_overdue=ExpressionWrapper(first_overdue, output_field=BooleanField()),
            resolution_overdue=ExpressionWrapper(resolution_overdue, output_field=BooleanField()),
            overdue_since=Case(
                When(first_overdue, then=F("first_response_due_at")), default=F("resolution_due_at")
            ),
        )
        .select_related("organization", "team", "assignee", "sla_plan")
        .order_by("overdue_since", "pk")[:limit]
    )
