"""What depends on `now`: the open backlog by age and open tickets past a due time, read
from ReportBacklog (one narrow row per open ticket, kept by helpdesk.services.rollups)."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db.models import (
    Count,
    F,
    Q,
)

from helpdesk.models import (
    ReportBacklog,
)

from .common import Ratio
from .figures import Measures, Scope
from .outcomes import BACKLOG_BUCKETS


def open_state(
    *, dimension: str, scope: Scope, now: datetime, cutoffs: Sequence[datetime]
) -> dict[str, dict]:
    """Per group, in one query over the open backlog (ReportBacklog, one narrow row per open
    ticket): the backlog by age, open tickets past a due time at `now`, and those past due
    at each of `cutoffs` (they count as breached in the period that ends there).

    One row per group (counts of tickets newer than each age bound, not a CASE per row and
    a second grouping key): SQLite's cost here is per backlog row, so each row does the least.
    A due time is NULL once it can no longer be missed, and NULL < x is never true."""
    bounds = [bound for _key, _label, bound in BACKLOG_BUCKETS if bound]
    # Count a column of every covering index: the primary key (a bigint, not SQLite's rowid)
    # is not in them, and COUNT(ticket_id) would read each table row.
    counts = {
        "n": Count("created_at"),
        "breached_now": Count(
            "created_at", filter=Q(first_response_due_at__lt=now) | Q(resolution_due_at__lt=now)
        ),
        **{f"newer_{i}": Count("created_at", filter=Q(created_at__gt=now - b)) for i, b in enumerate(bounds)},
        **{
            f"fr_overdue_{i}": Count("created_at", filter=Q(first_response_due_at__lt=c))
            for i, c in enumerate(cutoffs)
        },
        **{
            f"res_overdue_{i}": Count("created_at", filter=Q(resolution_due_at__lt=c))
            for i, c in enumerate(cutoffs)
        },
    }
    backlog = scope.backlog(ReportBacklog.objects.all())
    if dimension == "all":  # no GROUP BY: SQLite would sort every row by the constant
        rows = [{"group": "", **backlog.aggregate(**counts)}]
    else:  # in the order of the dimension's covering index (ReportBacklog.Meta.indexes)
        rows = backlog.values(group=F(dimension)).annotate(**counts).order_by()
    out: dict[str, dict] = {}
    for row in rows:
        entry = out.setdefault(row["group"], empty_state(len(cutoffs)))
        # Newer than 1 d, than 3 d … : each bucket is the difference of two of these.
        newer = [row[f"newer_{i}"] for i in range(len(bounds))] + [row["n"]]
        for index, (key, _label, _bound) in enumerate(BACKLOG_BUCKETS):
            n = newer[index] - (newer[index - 1] if index else 0)
            entry["backlog"][key] = entry["backlog"].get(key, 0) + n
        entry["breached_now"] += row["breached_now"]
        for i in range(len(cutoffs)):
            entry["fr_overdue"][i] += row[f"fr_overdue_{i}"]
            entry["res_overdue"][i] += row[f"res_overdue_{i}"]
    return out


def empty_state(cutoffs: int) -> dict:
    return {"backlog": {}, "breached_now": 0, "fr_overdue": [0] * cutoffs, "res_overdue": [0] * cutoffs}


def sum_states(states: Iterable[dict], cutoffs: int) -> dict:
    """Open-ticket counts add up across groups (unlike percentiles)."""
    total = empty_state(cutoffs)
    for state in states:
        for key, n in state["backlog"].items():
            total["backlog"][key] = total["backlog"].get(key, 0) + n
        total["breached_now"] += state["breached_now"]
        for i in range(cutoffs):
            total["fr_overdue"][i] += state["fr_overdue"][i]
            total["res_overdue"][i] += state["res_overdue"][i]
    return total


def with_open(measures: Measures, state: dict | None, index: int = 0) -> Measures:
    if not state:
        measures.backlog = {key: 0 for key, _label, _bound in BACKLOG_BUCKETS}
        return measures
    measures.backlog = {key: state["backlog"].get(key, 0) for key, _label, _bound in BACKLOG_BUCKETS}
    measures.open_breached = state["breached_now"]
    fr, res = measures.first_response, measures.resolution
    measures.first_response = Ratio(fr.part, fr.whole + state["fr_overdue"][index])
    measures.resolution = Ratio(res.part, res.whole + state["res_overdue"][index])
    return measures
