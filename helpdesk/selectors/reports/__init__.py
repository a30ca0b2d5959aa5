"""Report selectors (pure reads, grouped aggregation in the database; DESIGN.md "Metric
definitions"). Each selector's query count is fixed and pinned by a test."""

from .common import GROUPINGS, OVERALL, Period, Ratio, group_label
from .dashboard import breakdown, measures, overview
from .figures import EVERYONE, Breakdown, BreakdownRow, Measures, Overview, Scope
from .outcomes import (
    BACKLOG_BUCKETS,
    BacklogRow,
    RatioRow,
    SatisfactionRow,
    backlog_age,
    first_contact_resolution,
    reopen_rate,
    satisfaction,
)
from .report import ReportRow, SlaReport, sla_report
from .sla import (
    ComplianceRow,
    Durations,
    ResponseTimesRow,
    overdue_open_tickets,
    response_times,
    sla_compliance,
)
from .staffing import Heatmap, StaffingRow, heatmap, staffing
from .trends import TrendPoint, attention_list, trend

__all__ = [
    "EVERYONE",
    "Breakdown",
    "BreakdownRow",
    "Heatmap",
    "Measures",
    "Overview",
    "Scope",
    "StaffingRow",
    "TrendPoint",
    "attention_list",
    "breakdown",
    "heatmap",
    "measures",
    "overview",
    "staffing",
    "trend",
    "BACKLOG_BUCKETS",
    "GROUPINGS",
    "OVERALL",
    "BacklogRow",
    "ComplianceRow",
    "Durations",
    "Period",
    "Ratio",
    "RatioRow",
    "ReportRow",
    "ResponseTimesRow",
    "SatisfactionRow",
    "SlaReport",
    "backlog_age",
    "first_contact_resolution",
    "group_label",
    "overdue_open_tickets",
    "reopen_rate",
    "response_times",
    "satisfaction",
    "sla_compliance",
    "sla_report",
]
