"""Where the promise breaks: arrivals by hour of week over the teams' hours, and staffing."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    Count,
    Sum,
)

from helpdesk.models import (
    ReportRollup,
    Team,
)
from helpdesk.services.rollups_facts import report_zone
from helpdesk.sla import business_time
from helpdesk.sla.calendars import load_calendars

from .common import Period
from .dashboard import breakdown
from .figures import EVERYONE, Measures, Scope
from .rollup_reads import rollup_days


@dataclass
class Heatmap:
    timezone: str
    timezones: list[str]
    counts: list[list[int]]  # [weekday][hour] arrivals, customer's local time
    open_hours: list[list[bool]]  # [weekday][hour] the team(s) in scope are working


def heatmap(*, period: Period, scope: Scope = EVERYONE, timezone: str | None = None) -> Heatmap:
    """Arrivals by hour of week in the customers' time zone `timezone` (the busiest when
    None), over the hours the teams in scope work, seen from that zone. Three queries."""
    first, last = rollup_days(period)
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
