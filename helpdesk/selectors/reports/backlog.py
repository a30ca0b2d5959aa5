"""What depends on `now`: the open backlog by age and open tickets past a due time, read
from ReportBacklog (one narrow row per open ticket, kept by helpdesk.services.rollups)."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Q,
    Value,
    When,
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
    at each of `cutoffs` (they count as breached in the period that ends there)."""
    fr_due = Q(first_response_due_at__isnull=False)
    res_due = Q(resolution_due_at__isnull=False)
    bucket = Case(
        *(
            When(created_at__gt=now - bound, then=Value(key))
            for key, _label, bound in BACKLOG_BUCKETS
            if bound
        ),
        default=Value(BACKLOG_BUCKETS[-1][0]),
    )
    group = Value("", output_field=CharField()) if dimension == "all" else F(dimension)
    rows = (
        scope.backlog(ReportBacklog.objects.all())
        .values(group=group, bucket=bucket)
        .annotate(
            n=Count("pk"),
            breached_now=Count("pk", filter=Q(first_response_due_at__lt=now) | Q(resolution_due_at__lt=now)),
            **{
                f"fr_overdue_{i}": Count("pk", filter=fr_due & Q(first_response_due_at__lt=c))
                for i, c in enumerate(cutoffs)
            },
            **{
                f"res_overdue_{i}": Count("pk", filter=res_due & Q(resolution_due_at__lt=c))
                for i, c in enumerate(cutoffs)
            },
        )
        .order_by()
    )
    out: dict[str, dict] = {}
    for row in rows:
        entry = out.setdefault(row["group"], empty_state(len(cutoffs)))
        entry["backlog"][row["bucket"]] = entry["backlog"].get(row["bucket"], 0) + row["n"]
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
