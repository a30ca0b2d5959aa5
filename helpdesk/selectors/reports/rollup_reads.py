"""Reading the rollups (counted measures, histogram percentiles) and, for short periods,
the exact percentiles from the raw ticket values."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from django.db.models import (
    CharField,
    F,
    Sum,
    Value,
)

from helpdesk.models import (
    ReportRollup,
    Ticket,
)
from helpdesk.services.rollups_facts import bucket_value, report_day

from .common import Period, Ratio
from .figures import Durations, Measures, Scope

EXACT_PERCENTILE_DAYS = 7
# Raw-query lookups (exact percentiles) for each dimension.
_RAW_LOOKUPS: dict[str, str] = {
    "plan": "sla_plan__tier",
    "team": "team_id",
    "agent": "assignee_id",
    "category": "category_id",
    "complexity": "category__complexity",
    "channel": "channel",
    "organization": "organization_id",
    "priority": "priority",
    "hours": "report_state__in_hours",
    "timezone": "report_state__timezone",
}


# --- reading the rollups ----------------------------------------------------------------------


def rollup_days(period: Period) -> tuple[date, date]:
    """The rollup days a period covers: from the day of its start to the day before its end."""
    return report_day(period.start), report_day(period.end - timedelta(microseconds=1))


def rollup_rows(
    *, dimension: str, period: Period, scope: Scope, by_day: bool = False, only: Iterable[str] | None = None
) -> list[dict]:
    """Summed counters of the period per value, measure and bucket (and day when `by_day`),
    of every measure but arrivals, or of the measures in `only`."""
    first, last = rollup_days(period)
    fields = ["value", "measure", "bucket", *(["day"] if by_day else [])]
    rows = ReportRollup.objects.filter(
        dimension=dimension, team__in=scope.rollup_teams, day__gte=first, day__lte=last
    )
    rows = rows.exclude(measure="arrival") if only is None else rows.filter(measure__in=list(only))
    return list(rows.values(*fields).annotate(n=Sum("count")).order_by())


def _percentile_from_histogram(histogram: Mapping[int, int], total: int, percent: int) -> float | None:
    if not total:
        return None
    rank = (total * percent + 99) // 100
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return bucket_value(bucket)
    return None


def _durations(histogram: Mapping[int, int], total_seconds: int) -> Durations:
    count = sum(histogram.values())
    if not count:
        return Durations(exact=False)
    return Durations(
        count=count,
        median=_percentile_from_histogram(histogram, count, 50),
        p90=_percentile_from_histogram(histogram, count, 90),
        mean=total_seconds / count,
        exact=False,
    )


def _measures(counts: Mapping[str, int], hist: Mapping[str, Mapping[int, int]]) -> Measures:
    c = Counter(counts)
    return Measures(
        created=c["created"],
        resolved=c["resolved"],
        first_response=Ratio(c["fr_met"], c["fr_met"] + c["fr_breached"]),
        resolution=Ratio(c["res_met"], c["res_met"] + c["res_breached"]),
        first_response_merged=c["fr_merged"],
        resolution_merged=c["res_merged"],
        first_response_times=_durations(hist.get("fr_hist", {}), c["fr_sum"]),
        resolution_times=_durations(hist.get("res_hist", {}), c["res_sum"]),
        fcr=Ratio(c["fcr"], c["resolved"]),
        csat=Ratio(c["satisfied"], c["rated"]),
        survey_response=Ratio(c["responded"], c["surveyed"]),
        reopens=Ratio(c["reopened"], c["resolved"]),
    )


def group_measures(rows: Iterable[dict], key: str = "value") -> dict[str, Measures]:
    counts: dict[str, Counter] = defaultdict(Counter)
    hist: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for row in rows:
        if row["measure"].endswith("_hist"):
            hist[row[key]][row["measure"]][row["bucket"]] += row["n"]
        else:
            counts[row[key]][row["measure"]] += row["n"]
    return {value: _measures(counts[value], hist[value]) for value in {*counts, *hist}}


# --- what depends on now: open tickets ---------------------------------------------------------


def _raw_group(dimension: str):
    if dimension == "all":
        return Value("", output_field=CharField())
    return F(_RAW_LOOKUPS[dimension])


def _text(dimension: str, value) -> str:
    if dimension == "hours":
        return "" if value is None else ("in" if value else "out")
    return "" if value is None else str(value)


# --- exact percentiles for short periods -------------------------------------------------------


def exact_times(*, dimension: str, period: Period, scope: Scope) -> dict[str, dict[str, Durations]]:
    """Nearest-rank median and p90 from the raw values: two queries returning the values only.

    Used for periods of at most EXACT_PERCENTILE_DAYS, where the values are few."""
    out: dict[str, dict[str, Durations]] = defaultdict(dict)
    for name, moment, seconds in (
        ("first_response_times", "first_response_at", "first_response_business_seconds"),
        ("resolution_times", "resolved_at", "resolution_business_seconds"),
    ):
        values: dict[str, list[int]] = defaultdict(list)
        rows = (
            scope.tickets(Ticket.objects.live())
            .filter(period.contains(moment), **{f"{seconds}__isnull": False})
            .values_list(_raw_group(dimension), seconds)
            .order_by()
        )
        for group, value in rows:
            values[_text(dimension, group)].append(value)
        for group, items in values.items():
            items.sort()
            n = len(items)
            out[group][name] = Durations(
                count=n,
                median=items[(n * 50 + 99) // 100 - 1],
                p90=items[(n * 90 + 99) // 100 - 1],
                mean=sum(items) / n,
            )
    return out


def is_exact(period: Period) -> bool:
    return period.end - period.start <= timedelta(days=EXACT_PERCENTILE_DAYS)


def fill_exact(groups: Mapping[str, Measures], exact: Mapping[str, dict[str, Durations]]) -> None:
    for key, measures in groups.items():
        times = exact.get(key, {})
        measures.first_response_times = times.get("first_response_times", Durations())
        measures.resolution_times = times.get("resolution_times", Durations())
