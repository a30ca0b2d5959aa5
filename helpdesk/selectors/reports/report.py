"""The managers' SLA report: every metric per group, assembled for the page and the export."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext

from core.registry import report_measures
from helpdesk.models import Ticket

from .common import OVERALL, Period, Ratio, group_label, group_sort_key
from .outcomes import (
    BacklogRow,
    backlog_age,
    first_contact_resolution,
    reopen_rate,
    satisfaction,
)
from .sla import Durations, overdue_open_tickets, response_times, sla_compliance

_NONE = Ratio(0, 0)


@dataclass
class ReportRow:
    """Every metric of one group (or of all of them, in the totals row)."""

    group: str | None
    label: str
    first_response: Ratio = _NONE  # met of met + breached
    resolution: Ratio = _NONE
    first_response_merged: int = 0  # merged tickets: set aside, in neither met nor breached
    resolution_merged: int = 0
    first_response_times: Durations = field(default_factory=Durations)
    resolution_times: Durations = field(default_factory=Durations)
    fcr: Ratio = _NONE
    csat: Ratio = _NONE
    survey_response: Ratio = _NONE
    reopens: Ratio = _NONE
    backlog: BacklogRow = field(default_factory=lambda: BacklogRow(group=None))


@dataclass
class SlaReport:
    period: Period
    group_by: str
    now: datetime
    rows: list[ReportRow]
    total: ReportRow
    deflection: dict  # {"started", "deflected", "rate"}, measured by the portal (core.registry)
    overdue: list[Ticket]


def sla_report(*, period: Period, group_by: str, now: datetime) -> SlaReport:
    """All report metrics per group, a totals row and the overdue open tickets.

    A fixed number of queries whatever the number of tickets: one or two per selector,
    two more for the overall times (percentiles do not add up across groups).
    """
    rows: dict[str | None, ReportRow] = {}

    def row(key: str | None) -> ReportRow:
        if key not in rows:
            rows[key] = ReportRow(group=key, label=group_label(group_by, key))
        return rows[key]

    for item in sla_compliance(period=period, group_by=group_by, now=now):
        row(item.group).first_response, row(item.group).resolution = item.first_response, item.resolution
        row(item.group).first_response_merged = item.first_response_merged
        row(item.group).resolution_merged = item.resolution_merged
    for item in response_times(period=period, group_by=group_by):
        row(item.group).first_response_times = item.first_response
        row(item.group).resolution_times = item.resolution
    for item in first_contact_resolution(period=period, group_by=group_by):
        row(item.group).fcr = item.ratio
    for item in satisfaction(period=period, group_by=group_by):
        row(item.group).csat, row(item.group).survey_response = item.csat, item.response
    for item in reopen_rate(period=period, group_by=group_by):
        row(item.group).reopens = item.ratio
    for item in backlog_age(now=now, group_by=group_by):
        row(item.group).backlog = item
    ordered = [rows[key] for key in sorted(rows, key=lambda key: group_sort_key(group_by, key))]
    return SlaReport(
        period=period,
        group_by=group_by,
        now=now,
        rows=ordered,
        total=_total(ordered, period=period),
        deflection=report_measures.get("deflection").compute(start=period.start, end=period.end),
        overdue=list(overdue_open_tickets(now=now)),
    )


def _add(ratios: list[Ratio]) -> Ratio:
    return Ratio(sum(r.part for r in ratios), sum(r.whole for r in ratios))


def _total(rows: list[ReportRow], *, period: Period) -> ReportRow:
    total = ReportRow(group=None, label=gettext("All"))
    for name in ("first_response", "resolution", "fcr", "csat", "survey_response", "reopens"):
        setattr(total, name, _add([getattr(r, name) for r in rows]))
    for name in ("first_response_merged", "resolution_merged"):
        setattr(total, name, sum(getattr(r, name) for r in rows))
    buckets: dict[str, int] = {}
    for r in rows:
        for key, count in r.backlog.buckets.items():
            buckets[key] = buckets.get(key, 0) + count
    total.backlog = BacklogRow(group=None, buckets=buckets)
    overall = response_times(period=period, group_by=OVERALL)
    if overall:
        total.first_response_times = overall[0].first_response
        total.resolution_times = overall[0].resolution
    return total
