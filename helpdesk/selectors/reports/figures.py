"""The shapes of the dashboards' figures: whose tickets (Scope) and the measures of a group."""

from dataclasses import dataclass, field

from django.db.models import (
    QuerySet,
)

from helpdesk.models.rollups import ALL_TEAMS

from .common import Period, Ratio


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
