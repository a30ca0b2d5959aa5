"""What one ticket counts for in the report rollups: its dimensions, facts and backlog row.

Pure computations over a ticket's row (the keys of `_FIELDS`) and its ratings, shared by the
per-ticket fold and the rebuild (`helpdesk.services.rollups`) and by the bulk fold of a
seeded load (`helpdesk.services.rollups_bulk`): the report day and histogram buckets
(`report_day`, `seconds_bucket`, `bucket_value`), the dimensions (`ticket_dims`), the facts
(`ticket_facts`), their rollup keys (`contributions`) and the open backlog row
(`backlog_entry`).
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from helpdesk.models import (
    OPEN_STATUSES,
    ReportBacklog,
    Status,
)
from helpdesk.models.rollups import ALL_TEAMS, BREAKDOWN_DIMENSIONS
from helpdesk.sla import business_time

# Breakdown dimensions (query-parameter values, never translated); "all" is the totals row.
DIMENSIONS: tuple[str, ...] = ("all", *BREAKDOWN_DIMENSIONS)
# Arrivals by hour of week are only read for these (the heatmap); elsewhere they'd be rows nobody reads.
ARRIVAL_DIMENSIONS = frozenset({"all", "team", "timezone"})
# Statuses in which the resolution clock runs (pending_customer and on_hold pause it).
RUNNING_STATUSES = (Status.NEW, Status.OPEN)
FCR_REOPEN_WINDOW = timedelta(days=7)
# Histograms of business seconds: BUCKETS_PER_OCTAVE buckets per doubling (about ±6 %).
BUCKETS_PER_OCTAVE = 6
_FIELDS = (
    "pk",
    "created_at",
    "status",
    "merged_into_id",
    "closed_at",
    "first_response_at",
    "first_response_breached",
    "first_response_business_seconds",
    "first_response_due_at",
    "resolution_due_at",
    "resolved_at",
    "resolution_breached",
    "resolution_business_seconds",
    "agent_reply_count",
    "reopen_count",
    "last_reopened_at",
    "team_id",
    "assignee_id",
    "category_id",
    "category__complexity",
    "channel",
    "organization_id",
    "priority",
    "sla_plan__tier",
    "organization__timezone",
    "requester__customer_profile__timezone",
    "team__calendar_id",
    "sla_calendar_id",
)
_RATING_FIELDS = ("ticket_id", "surveyed_at", "rated_at", "score")


def report_zone() -> ZoneInfo:
    """Rollup days are days of the site's time zone (settings.TIME_ZONE)."""
    return ZoneInfo(settings.TIME_ZONE)


def report_day(moment: datetime) -> date:
    return moment.astimezone(report_zone()).date()


def seconds_bucket(seconds: int) -> int:
    """Histogram bucket of a duration: 0 for under a second, then BUCKETS_PER_OCTAVE per doubling."""
    if seconds < 1:
        return 0
    return int(math.log2(seconds) * BUCKETS_PER_OCTAVE) + 1


def bucket_bounds(bucket: int) -> tuple[float, float]:
    """[low, high) seconds of a histogram bucket."""
    if bucket == 0:
        return (0.0, 1.0)
    return (2 ** ((bucket - 1) / BUCKETS_PER_OCTAVE), 2 ** (bucket / BUCKETS_PER_OCTAVE))


def bucket_value(bucket: int) -> float:
    """The value a bucket stands for in a percentile: its geometric middle."""
    low, high = bucket_bounds(bucket)
    return 0.0 if bucket == 0 else math.sqrt(low * high)


def hour_of_week(moment: datetime, zone: str) -> int:
    """0 = Monday 00:00–01:00 … 167 = Sunday 23:00–24:00, local time of `zone`."""
    local = moment.astimezone(ZoneInfo(zone))
    return local.weekday() * 24 + local.hour


def customer_timezone(row: Mapping) -> str:
    return (
        row.get("requester__customer_profile__timezone")
        or row.get("organization__timezone")
        or settings.TIME_ZONE
    )


def ticket_dims(row: Mapping, *, in_hours: bool) -> dict[str, str]:
    """The ticket's value for every dimension, as stored in rollup rows ("" when none)."""

    def text(value) -> str:
        return "" if value is None else str(value)

    return {
        "all": "",
        "plan": text(row["sla_plan__tier"]),
        "team": text(row["team_id"]),
        "agent": text(row["assignee_id"]),
        "category": text(row["category_id"]),
        "complexity": text(row["category__complexity"]),
        "channel": text(row["channel"]),
        "organization": text(row["organization_id"]),
        "priority": text(row["priority"]),
        "hours": "in" if in_hours else "out",
        "timezone": customer_timezone(row),
    }


def ticket_facts(row: Mapping, ratings: Sequence[Mapping]) -> list[list]:
    """What one ticket counts for, as [day (ISO), measure, bucket, n], from its stored columns
    and ratings (DESIGN.md "Metric definitions"; the outcome's day is the day it became final).

    Pure: no database, no clock. The property test recomputes each measure from this
    definition's words, not from this function.
    """
    facts: list[list] = []

    def add(moment: datetime, measure: str, bucket: int = 0, n: int = 1) -> None:
        facts.append([report_day(moment).isoformat(), measure, bucket, n])

    add(row["created_at"], "created")
    add(row["created_at"], "arrival", hour_of_week(row["created_at"], customer_timezone(row)))
    live = row["merged_into_id"] is None
    if not live:
        if row["closed_at"] is not None:
            if row["first_response_due_at"] is not None:
                add(row["closed_at"], "fr_merged")
            if row["resolution_due_at"] is not None:
                add(row["closed_at"], "res_merged")
        return facts
    if row["first_response_at"] is not None:
        answered = row["first_response_at"]
        add(answered, "fr_breached" if row["first_response_breached"] else "fr_met")
        seconds = row["first_response_business_seconds"]
        if seconds is not None:
            add(answered, "fr_hist", seconds_bucket(seconds))
            add(answered, "fr_sum", 0, seconds)
    if row["resolved_at"] is not None:
        resolved = row["resolved_at"]
        add(resolved, "resolved")
        add(resolved, "res_breached" if row["resolution_breached"] else "res_met")
        reopened = row["reopen_count"] > 0
        if reopened:
            add(resolved, "reopened")
        late_reopen = reopened and (
            row["last_reopened_at"] is not None and row["last_reopened_at"] > resolved + FCR_REOPEN_WINDOW
        )
        if row["agent_reply_count"] == 1 and (not reopened or late_reopen):
            add(resolved, "fcr")
        seconds = row["resolution_business_seconds"]
        if seconds is not None:
            add(resolved, "res_hist", seconds_bucket(seconds))
            add(resolved, "res_sum", 0, seconds)
    for rating in ratings:
        add(rating["surveyed_at"], "surveyed")
        if rating["rated_at"] is not None:
            add(rating["surveyed_at"], "responded")
            if rating["score"] is not None:
                add(rating["rated_at"], "rated")
                if rating["score"] >= 4:
                    add(rating["rated_at"], "satisfied")
    return facts


def contributions(
    *, dims: Mapping[str, str], team_id: int | None, facts: Iterable[Sequence], into: Counter | None = None
) -> Counter:
    """Rollup keys (day, team scope, dimension, value, measure, bucket) → count for one ticket,
    added to `into` when given (the rebuild sums a million tickets in one dict)."""
    out: Counter = Counter() if into is None else into
    scopes = (ALL_TEAMS,) if not team_id else (ALL_TEAMS, team_id)
    every = [(name, dims[name]) for name in DIMENSIONS]
    arrival = [(name, value) for name, value in every if name in ARRIVAL_DIMENSIONS]
    for day, measure, bucket, n in facts:
        for scope in scopes:
            for name, value in arrival if measure == "arrival" else every:
                key = (day, scope, name, value, measure, bucket)
                out[key] = out.get(key, 0) + n
    return out


BACKLOG_DIMENSIONS = tuple(name for name in DIMENSIONS if name != "all")
_BACKLOG_FIELDS = ["created_at", "first_response_due_at", "resolution_due_at", *BACKLOG_DIMENSIONS]


def backlog_entry(row: Mapping, dims: Mapping[str, str]) -> ReportBacklog | None:
    """The ticket's row in the open backlog, or None when it is not in it (closed, resolved,
    merged). Pure: the due times are kept only while they can still be missed."""
    if row["status"] not in OPEN_STATUSES or row["merged_into_id"] is not None:
        return None
    running = row["resolved_at"] is None and row["status"] in RUNNING_STATUSES
    return ReportBacklog(
        ticket_id=row["pk"],
        created_at=row["created_at"],
        first_response_due_at=None if row["first_response_at"] else row["first_response_due_at"],
        resolution_due_at=row["resolution_due_at"] if running else None,
        **{name: dims[name] for name in BACKLOG_DIMENSIONS},
    )


def _in_hours(row: Mapping, calendars: Mapping) -> bool:
    calendar = calendars.get(row["team__calendar_id"]) or calendars.get(row["sla_calendar_id"])
    return True if calendar is None else business_time.is_open(calendar, row["created_at"])
