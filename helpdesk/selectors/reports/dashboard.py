"""The managers' dashboards, read from the rollups (helpdesk.models.rollups).

Public API (also used by the reports API), re-exported by helpdesk.selectors.reports:

- ``overview(period=, scope=, now=)`` → Overview: the period's Measures and the previous
  period's, for the headline cards and the ▲▼ comparison.
- ``breakdown(dimension=, period=, scope=, now=)`` → Breakdown: Measures per value of one
  of DIMENSIONS, with a totals row.
- ``trend``, ``attention_list`` (trends.py); ``heatmap``, ``staffing`` (staffing.py).

Counted measures come from the rollups (rollup_reads.py); what depends on `now` (the open
backlog, open tickets already past due) from one grouped query over ReportBacklog
(backlog.py). Percentiles are exact (nearest rank over the raw values) for periods up to
EXACT_PERCENTILE_DAYS, otherwise read from the histograms (about ±6 %). Every function runs
a fixed number of queries.
"""

from collections.abc import Iterable
from datetime import datetime

from django.utils.translation import gettext as _

from core.clock import resolve_now
from core.registry import report_measures
from helpdesk.models import (
    Category,
    Channel,
    Complexity,
    Organization,
    Priority,
    SLAPlan,
    Team,
    User,
)
from helpdesk.services.rollups_facts import DIMENSIONS, report_zone

from .backlog import open_state, sum_states, with_open
from .common import Period
from .figures import EVERYONE, Breakdown, BreakdownRow, Measures, Overview, Scope
from .rollup_reads import exact_times, fill_exact, group_measures, is_exact, rollup_rows

# --- public API --------------------------------------------------------------------------------


def measures(*, period: Period, scope: Scope = EVERYONE, now: datetime | None = None) -> Measures:
    """All measures of the period for everything in scope. Two or four queries."""
    now = resolve_now(now)
    state = open_state(dimension="all", scope=scope, now=now, cutoffs=[min(period.end, now)]).get("")
    return with_open(_counted(period, scope), state)


def _counted(period: Period, scope: Scope) -> Measures:
    """The rollup (and, for short periods, exact-percentile) part of the totals."""
    total = group_measures(rollup_rows(dimension="all", period=period, scope=scope)).get("", Measures())
    if is_exact(period):
        fill_exact({"": total}, exact_times(dimension="all", period=period, scope=scope))
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
    state = open_state(dimension="all", scope=scope, now=now, cutoffs=cutoffs).get("")
    return Overview(
        period=period,
        previous_period=before,
        current=with_open(_counted(period, scope), state, 0),
        previous=with_open(_counted(before, scope), state, 1),
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
    groups = group_measures(rollup_rows(dimension=dimension, period=period, scope=scope))
    states = open_state(dimension=dimension, scope=scope, now=now, cutoffs=[cutoff])
    for key in states:
        groups.setdefault(key, Measures())
    if is_exact(period):
        fill_exact(groups, exact_times(dimension=dimension, period=period, scope=scope))
    for key, state in states.items():
        with_open(groups[key], state)
    for key, group in groups.items():
        if key not in states:
            with_open(group, None)
    labels = dimension_labels(dimension, groups.keys())
    rows = [BreakdownRow(key=key, label=labels[key], measures=groups[key]) for key in groups]
    rows.sort(key=lambda row: _sort_key(dimension, row))
    total = with_open(_counted(period, scope), sum_states(states.values(), 1))
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
