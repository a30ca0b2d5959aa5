"""The managers' dashboards, read from the rollups (helpdesk.models.rollups).

Public API (also used by the reports API):

- ``overview(period=, scope=, now=)`` → Overview: the period's Measures and the previous
  period's, for the headline cards and the ▲▼ comparison.
- ``breakdown(dimension=, period=, scope=, now=)`` → Breakdown: Measures per value of one
  of DIMENSIONS, with a totals row.
- ``trend(period=, scope=)``, ``heatmap(period=, scope=, timezone=)``,
  ``staffing(period=, scope=, now=)``, ``attention_list(scope=, now=)``.

Counted measures come from the rollups; what depends on `now` (the open backlog, open
tickets already past due) from one grouped query over open tickets. Percentiles are exact
(nearest rank over the raw values) for periods up to EXACT_PERCENTILE_DAYS, otherwise read
from the histograms (about ±6 %). Every function runs a fixed number of queries.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext as _

from core.clock import resolve_now
from core.registry import report_measures
from helpdesk.models import (
    Category,
    Channel,
    Complexity,
    Organization,
    Priority,
    ReportBacklog,
    ReportRollup,
    SLAPlan,
    Status,
    Team,
    Ticket,
    User,
)
from helpdesk.models.rollups import ALL_TEAMS
from helpdesk.services.rollups import DIMENSIONS, bucket_value, report_day, report_zone
from helpdesk.sla import business_time
from helpdesk.sla.calendars import load_calendars

from .common import Period, Ratio
from .outcomes import BACKLOG_BUCKETS

EXACT_PERCENTILE_DAYS = 7
RUNNING_STATUSES = (Status.NEW, Status.OPEN)
AT_RISK_WINDOW = timedelta(hours=4)
LIST_LIMIT = 50
# Raw-query lookups (open tickets, exact percentiles) for each dimension.
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


@dataclass(frozen=True)
class Scope:
    """Whose tickets a viewer may count: every team (None) or the given teams."""

    teams: frozenset[int] | None = None

    @property
    def rollup_teams(self) -> list[int]:
        return [ALL_TEAMS] if self.teams is None else sorted(self.teams)

    def tickets(self, queryset: QuerySet) -> QuerySet:
        return queryset if self.teams is None else queryset.filter(team_id__in=self.teams)

    def backlog(self, queryset: QuerySet) -> QuerySet:
        """ReportBacklog rows hold the team as the rollups' text value."""
        return queryset if self.teams is None else queryset.filter(team__in=[str(t) for t in self.teams])


EVERYONE = Scope()


@dataclass(frozen=True)
class Durations:
    """Business seconds of one measure; the statistics are None when there are none."""

    count: int = 0
    median: float | None = None
    p90: float | None = None
    mean: float | None = None
    exact: bool = True


@dataclass
class Measures:
    """Every headline measure of one group over one period (DESIGN.md "Metric definitions")."""

    created: int = 0
    resolved: int = 0
    first_response: Ratio = Ratio(0, 0)  # met of met + breached
    resolution: Ratio = Ratio(0, 0)
    first_response_merged: int = 0
    resolution_merged: int = 0
    first_response_times: Durations = field(default_factory=Durations)
    resolution_times: Durations = field(default_factory=Durations)
    fcr: Ratio = Ratio(0, 0)
    csat: Ratio = Ratio(0, 0)
    survey_response: Ratio = Ratio(0, 0)
    reopens: Ratio = Ratio(0, 0)
    backlog: dict[str, int] = field(default_factory=dict)
    open_breached: int = 0  # open now and already past a due time

    @property
    def backlog_total(self) -> int:
        return sum(self.backlog.values())


@dataclass
class Overview:
    period: Period
    previous_period: Period
    current: Measures
    previous: Measures
    deflection: dict
    previous_deflection: dict


@dataclass
class BreakdownRow:
    key: str
    label: str
    measures: Measures


@dataclass
class Breakdown:
    dimension: str
    period: Period
    rows: list[BreakdownRow]
    total: Measures


# --- reading the rollups ----------------------------------------------------------------------


def _days(period: Period) -> tuple[date, date]:
    """The rollup days a period covers: from the day of its start to the day before its end."""
    return report_day(period.start), report_day(period.end - timedelta(microseconds=1))


def _rollup_rows(*, dimension: str, period: Period, scope: Scope, by_day: bool = False) -> list[dict]:
    first, last = _days(period)
    fields = ["value", "measure", "bucket", *(["day"] if by_day else [])]
    return list(
        ReportRollup.objects.filter(
            dimension=dimension, team__in=scope.rollup_teams, day__gte=first, day__lte=last
        )
        .exclude(measure="arrival")
        .values(*fields)
        .annotate(n=Sum("count"))
        .order_by()
    )


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


def _group(rows: Iterable[dict], key: str = "value") -> dict[str, Measures]:
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


def _open_state(
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
        entry = out.setdefault(row["group"], _empty_state(len(cutoffs)))
        entry["backlog"][row["bucket"]] = entry["backlog"].get(row["bucket"], 0) + row["n"]
        entry["breached_now"] += row["breached_now"]
        for i in range(len(cutoffs)):
            entry["fr_overdue"][i] += row[f"fr_overdue_{i}"]
            entry["res_overdue"][i] += row[f"res_overdue_{i}"]
    return out


def _empty_state(cutoffs: int) -> dict:
    return {"backlog": {}, "breached_now": 0, "fr_overdue": [0] * cutoffs, "res_overdue": [0] * cutoffs}


def _sum_states(states: Iterable[dict], cutoffs: int) -> dict:
    """Open-ticket counts add up across groups (unlike percentiles)."""
    total = _empty_state(cutoffs)
    for state in states:
        for key, n in state["backlog"].items():
            total["backlog"][key] = total["backlog"].get(key, 0) + n
        total["breached_now"] += state["breached_now"]
        for i in range(cutoffs):
            total["fr_overdue"][i] += state["fr_overdue"][i]
            total["res_overdue"][i] += state["res_overdue"][i]
    return total


def _with_open(measures: Measures, state: dict | None, index: int = 0) -> Measures:
    if not state:
        measures.backlog = {key: 0 for key, _label, _bound in BACKLOG_BUCKETS}
        return measures
    measures.backlog = {key: state["backlog"].get(key, 0) for key, _label, _bound in BACKLOG_BUCKETS}
    measures.open_breached = state["breached_now"]
    fr, res = measures.first_response, measures.resolution
    measures.first_response = Ratio(fr.part, fr.whole + state["fr_overdue"][index])
    measures.resolution = Ratio(res.part, res.whole + state["res_overdue"][index])
    return measures


# --- exact percentiles for short periods -------------------------------------------------------


def _exact_times(*, dimension: str, period: Period, scope: Scope) -> dict[str, dict[str, Durations]]:
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


def _exact(period: Period) -> bool:
    return period.end - period.start <= timedelta(days=EXACT_PERCENTILE_DAYS)


def _fill_exact(groups: Mapping[str, Measures], exact: Mapping[str, dict[str, Durations]]) -> None:
    for key, measures in groups.items():
        times = exact.get(key, {})
        measures.first_response_times = times.get("first_response_times", Durations())
        measures.resolution_times = times.get("resolution_times", Durations())


# --- public API --------------------------------------------------------------------------------


def measures(*, period: Period, scope: Scope = EVERYONE, now: datetime | None = None) -> Measures:
    """All measures of the period for everything in scope. Two or four queries."""
    now = resolve_now(now)
    state = _open_state(dimension="all", scope=scope, now=now, cutoffs=[min(period.end, now)]).get("")
    return _with_open(_counted(period, scope), state)


def _counted(period: Period, scope: Scope) -> Measures:
    """The rollup (and, for short periods, exact-percentile) part of the totals."""
    total = _group(_rollup_rows(dimension="all", period=period, scope=scope)).get("", Measures())
    if _exact(period):
        _fill_exact({"": total}, _exact_times(dimension="all", period=period, scope=scope))
    return total


def previous_period(period: Period) -> Period:
    """The same length of time just before (a month after a month, a quarter after a quarter)."""
    zone = report_zone()
    start, end = period.start.astimezone(zone), period.end.astimezone(zone)
    if start.day == 1 and end.day == 1 and start.time() == end.time():
        months = (end.year - start.year) * 12 + end.month - start.month
        year, month = divmod(start.year * 12 + start.month - 1 - months, 12)
        return Period(start=start.replace(year=year, month=month + 1), end=start)
    return Period(start=period.start - (period.end - period.start), end=period.start)


def overview(*, period: Period, scope: Scope = EVERYONE, now: datetime | None = None) -> Overview:
    """The period's measures beside the previous period's. A fixed number of queries."""
    now = resolve_now(now)
    before = previous_period(period)
    deflection = report_measures.get("deflection")
    cutoffs = [min(period.end, now), min(before.end, now)]
    state = _open_state(dimension="all", scope=scope, now=now, cutoffs=cutoffs).get("")
    return Overview(
        period=period,
        previous_period=before,
        current=_with_open(_counted(period, scope), state, 0),
        previous=_with_open(_counted(before, scope), state, 1),
        deflection=deflection.compute(start=period.start, end=period.end),
        previous_deflection=deflection.compute(start=before.start, end=before.end),
    )


def breakdown(
    *, dimension: str, period: Period, scope: Scope = EVERYONE, now: datetime | None = None
) -> Breakdown:
    """Measures per value of `dimension` (one of DIMENSIONS, KeyError otherwise), with totals.

    The totals row is read from the "all" rollups, not added up: percentiles do not add."""
    if dimension not in DIMENSIONS or dimension == "all":
        raise KeyError(dimension)
    now = resolve_now(now)
    cutoff = min(period.end, now)
    groups = _group(_rollup_rows(dimension=dimension, period=period, scope=scope))
    open_state = _open_state(dimension=dimension, scope=scope, now=now, cutoffs=[cutoff])
    for key in open_state:
        groups.setdefault(key, Measures())
    if _exact(period):
        _fill_exact(groups, _exact_times(dimension=dimension, period=period, scope=scope))
    for key, state in open_state.items():
        _with_open(groups[key], state)
    for key, group in groups.items():
        if key not in open_state:
            _with_open(group, None)
    labels = dimension_labels(dimension, groups.keys())
    rows = [BreakdownRow(key=key, label=labels[key], measures=groups[key]) for key in groups]
    rows.sort(key=lambda row: _sort_key(dimension, row))
    total = _with_open(_counted(period, scope), _sum_states(open_state.values(), 1))
    return Breakdown(dimension=dimension, period=period, rows=rows, total=total)


_CHOICES = {"plan": SLAPlan.Tier, "complexity": Complexity, "channel": Channel, "priority": Priority}
_MODELS = {"team": (Team, "name"), "category": (Category, "name"), "organization": (Organization, "name")}


def dimension_labels(dimension: str, keys: Iterable[str]) -> dict[str, str]:
    """How each stored value reads; at most one query (names of teams, agents, …)."""
    keys = list(keys)
    labels = {key: _("(none)") for key in keys if key == ""}
    wanted = [key for key in keys if key != ""]
    if dimension in _CHOICES:
        choices = _CHOICES[dimension]
        labels.update({key: str(choices(key).label) if key in choices.values else key for key in wanted})
    elif dimension in _MODELS and wanted:
        model, name = _MODELS[dimension]
        names = dict(model.objects.filter(pk__in=wanted).values_list("pk", name))
        labels.update({key: str(names.get(int(key), key)) for key in wanted})
    elif dimension == "agent" and wanted:
        names = {
            pk: full or email
            for pk, full, email in User.objects.filter(pk__in=wanted).values_list("pk", "full_name", "email")
        }
        labels.update({key: names.get(int(key), key) for key in wanted})
    elif dimension == "hours":
        labels.update({"in": _("inside the team's hours"), "out": _("outside the team's hours")})
    else:
        labels.update({key: key for key in wanted})
    return labels


def _sort_key(dimension: str, row: BreakdownRow) -> tuple:
    if row.key == "":
        return (2, 0, "")
    choices = _CHOICES.get(dimension)
    if choices is not None and row.key in choices.values:
        return (0, choices.values.index(row.key), "")
    if dimension == "hours":
        return (0, 0 if row.key == "in" else 1, "")
    return (1, 0, row.label)


# --- trends, heatmap, staffing, the attention list --------------------------------------------


@dataclass
class TrendPoint:
    start: date
    measures: Measures


def trend(*, period: Period, scope: Scope = EVERYONE) -> list[TrendPoint]:
    """Measures per day (periods up to 31 days) or per ISO week, oldest first. One query."""
    first, last = _days(period)
    weekly = (last - first).days > 31
    rows = _rollup_rows(dimension="all", period=period, scope=scope, by_day=True)
    for row in rows:
        day = row["day"]
        row["slot"] = day - timedelta(days=day.weekday()) if weekly else day
    groups = _group(rows, key="slot")
    slots = []
    day = first - timedelta(days=first.weekday()) if weekly else first
    while day <= last:
        slots.append(TrendPoint(start=day, measures=groups.get(day, Measures())))
        day += timedelta(days=7 if weekly else 1)
    return slots


@dataclass
class Heatmap:
    timezone: str
    timezones: list[str]
    counts: list[list[int]]  # [weekday][hour] arrivals, customer's local time
    open_hours: list[list[bool]]  # [weekday][hour] the team(s) in scope are working


def heatmap(*, period: Period, scope: Scope = EVERYONE, timezone: str | None = None) -> Heatmap:
    """Arrivals by hour of week in the customers' time zone `timezone` (the busiest when
    None), over the hours the teams in scope work, seen from that zone. Three queries."""
    first, last = _days(period)
    rows = list(
        ReportRollup.objects.filter(
            dimension="timezone",
            measure="arrival",
            team__in=scope.rollup_teams,
            day__gte=first,
            day__lte=last,
        )
        .values("value", "bucket")
        .annotate(n=Sum("count"))
        .order_by()
    )
    per_zone = Counter()
    for row in rows:
        per_zone[row["value"]] += row["n"]
    zones = [zone for zone, _n in per_zone.most_common()]
    chosen = timezone if timezone in per_zone else (zones[0] if zones else str(report_zone()))
    counts = [[0] * 24 for _ in range(7)]
    for row in rows:
        if row["value"] == chosen:
            counts[row["bucket"] // 24][row["bucket"] % 24] += row["n"]
    return Heatmap(
        timezone=chosen, timezones=zones, counts=counts, open_hours=_team_hours(scope, chosen, first)
    )


def _team_hours(scope: Scope, zone: str, near: date) -> list[list[bool]]:
    """Whether any team in scope works at each hour of a week near `near`, in `zone`'s time."""
    from zoneinfo import ZoneInfo

    teams = Team.objects.all() if scope.teams is None else Team.objects.filter(pk__in=scope.teams)
    calendars = list(load_calendars(teams.values_list("calendar_id", flat=True)).values())
    local = ZoneInfo(zone)
    monday = near - timedelta(days=near.weekday())
    grid = [[False] * 24 for _ in range(7)]
    for day in range(7):
        for hour in range(24):
            moment = datetime.combine(
                monday + timedelta(days=day), datetime.min.time(), tzinfo=local
            ).replace(hour=hour, minute=30)
            grid[day][hour] = any(business_time.is_open(calendar, moment) for calendar in calendars)
    return grid


@dataclass
class StaffingRow:
    team_id: int
    name: str
    agents: int
    open_tickets: int
    created: int
    coverage_hours: float
    measures: Measures

    @property
    def open_per_agent(self) -> float | None:
        return self.open_tickets / self.agents if self.agents else None

    @property
    def tickets_per_agent_hour(self) -> float | None:
        hours = self.agents * self.coverage_hours
        return self.created / hours if hours else None


def staffing(*, period: Period, scope: Scope = EVERYONE, now: datetime | None = None) -> list[StaffingRow]:
    """Per team: agents, open tickets per agent, tickets per agent-hour of the team's
    working hours in the period, beside the team's compliance. A fixed number of queries."""
    by_team = breakdown(dimension="team", period=period, scope=scope, now=now)
    teams = Team.objects.annotate(agents=Count("members", distinct=True)).order_by("name")
    if scope.teams is not None:
        teams = teams.filter(pk__in=scope.teams)
    teams = list(teams)
    calendars = load_calendars(team.calendar_id for team in teams)
    found = {row.key: row.measures for row in by_team.rows}
    out = []
    for team in teams:
        group = found.get(str(team.pk), Measures())
        calendar = calendars.get(team.calendar_id)
        seconds = (
            business_time.business_seconds_between(calendar, period.start, period.end) if calendar else 0
        )
        out.append(
            StaffingRow(
                team_id=team.pk,
                name=team.name,
                agents=team.agents,
                open_tickets=group.backlog_total,
                created=group.created,
                coverage_hours=seconds / 3600,
                measures=group,
            )
        )
    return out


def attention_list(*, scope: Scope = EVERYONE, now: datetime | None = None) -> dict[str, list[Ticket]]:
    """Open tickets already past a due time ("breached") and due within AT_RISK_WINDOW
    ("at_risk"), soonest first, LIST_LIMIT each. Four queries, each walking the index of one
    due column (ticket_fr_due, ticket_res_due) and stopping at LIST_LIMIT."""
    now = resolve_now(now)
    soon = now + AT_RISK_WINDOW
    base = scope.tickets(Ticket.objects.live().open()).select_related("organization", "team", "assignee")
    waiting_first = base.filter(first_response_at__isnull=True)
    running = base.filter(resolved_at__isnull=True, status__in=RUNNING_STATUSES)
    out = {}
    for key, low, high in (("breached", None, now), ("at_risk", now, soon)):
        found = []
        for queryset, column, first in (
            (waiting_first, "first_response_due_at", True),
            (running, "resolution_due_at", False),
        ):
            window = {
                f"{column}__lt": high,
                **({f"{column}__gte": low} if low else {f"{column}__isnull": False}),
            }
            for ticket in queryset.filter(**window).order_by(column, "pk")[:LIST_LIMIT]:
                ticket.first_response_due = first
                ticket.due = getattr(ticket, column)
                found.append(ticket)
        unique = {}
        for ticket in sorted(found, key=lambda t: (t.due, t.pk)):
            unique.setdefault(ticket.pk, ticket)
        out[key] = list(unique.values())[:LIST_LIMIT]
    return out
