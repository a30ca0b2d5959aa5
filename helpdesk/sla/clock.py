"""The SLA clock of one ticket: snapshot targets, compute due times, pause and resume.

These helpers mutate a Ticket in memory and create pause rows; the ticket services call
them inside their transaction and save the fields named in SLA_FIELDS.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import translation

from helpdesk.models import SLAPlan, SLATarget, SlaTarget, Ticket, TicketPause

from . import business_time
from .calendars import load_calendar

SLA_FIELDS = [
    "first_response_due_at",
    "next_response_due_at",
    "next_response_started_at",
    "next_response_warned",
    "resolution_due_at",
    "sla_paused_since",
    "sla_next_check_at",
]


@dataclass(frozen=True)
class TargetFields:
    """Where one SLA target lives: its Ticket columns and its key in `Ticket.sla_snapshot`."""

    due_field: str
    warned_field: str
    breached_field: str
    minutes_key: str


TARGET_FIELDS: dict[SlaTarget, TargetFields] = {
    SlaTarget.FIRST_RESPONSE: TargetFields(
        due_field="first_response_due_at",
        warned_field="first_response_warned",
        breached_field="first_response_breached",
        minutes_key="first_response_minutes",
    ),
    SlaTarget.NEXT_RESPONSE: TargetFields(
        due_field="next_response_due_at",
        warned_field="next_response_warned",
        breached_field="next_response_breached",
        minutes_key="next_response_minutes",
    ),
    SlaTarget.RESOLUTION: TargetFields(
        due_field="resolution_due_at",
        warned_field="resolution_warned",
        breached_field="resolution_breached",
        minutes_key="resolution_minutes",
    ),
}


@dataclass(frozen=True)
class Deadline:
    """One SLA target's warning and due moment, and whether each was already flagged."""

    target: SlaTarget
    warn_at: datetime | None
    due_at: datetime | None
    warned: bool
    breached: bool


def find_target(*, plan_id: int, priority: str, complexity: str) -> SLATarget | None:
    """The plan's target for this priority and complexity, else its catch-all row."""
    targets = {
        t.complexity: t
        for t in SLATarget.objects.filter(plan_id=plan_id, priority=priority, complexity__in=[complexity, ""])
    }
    return targets.get(complexity) or targets.get("")


def _plan_name_in(plan, language: str) -> str:
    with translation.override(language):
        return plan.name


_LOOK_UP = object()


def snapshot_targets(ticket: Ticket, *, plan: SLAPlan | None = None, target=_LOOK_UP) -> None:
    """Copy the organization's plan and matching targets onto the ticket (history-proof).

    `plan` and `target` (possibly None: no matching row) may come from a cache; by default
    they are read from the organization and `find_target`.
    """
    plan = plan or ticket.organization.sla_plan
    ticket.sla_plan = plan
    ticket.sla_calendar_id = plan.calendar_id
    if target is _LOOK_UP:
        target = find_target(plan_id=plan.pk, priority=ticket.priority, complexity=ticket.category.complexity)
    ticket.sla_snapshot = (
        {
            "plan": plan.name,
            # The plan's name in each language, so every reader sees it in their own.
            "plan_names": {code: _plan_name_in(plan, code) for code, _label in settings.LANGUAGES},
            "tier": plan.tier,
            "priority": ticket.priority,
            "complexity": ticket.category.complexity,
            "first_response_minutes": target.first_response_minutes,
            "next_response_minutes": target.next_response_minutes,
            "resolution_minutes": target.resolution_minutes,
            "warn_at_percent": target.warn_at_percent,
        }
        if target
        else {}
    )


def pause_spans(ticket: Ticket) -> list[tuple[datetime, datetime | None]]:
    if ticket.pk is None:
        return []
    return list(ticket.pauses.order_by("started_at").values_list("started_at", "ended_at"))


def _warn_and_due(
    calendar: business_time.BusinessCalendar,
    start: datetime,
    minutes: int,
    percent: int,
    pauses: list[tuple[datetime, datetime | None]],
) -> tuple[datetime | None, datetime | None]:
    due = business_time.add_business_minutes(calendar, start, minutes, pauses)
    warn = business_time.add_business_minutes(calendar, start, minutes * percent // 100, pauses)
    return warn, due


def deadlines(
    ticket: Ticket,
    pauses: list | None = None,
    *,
    calendar: business_time.BusinessCalendar | None = None,
) -> list[Deadline]:
    """The ticket's live targets (not yet met) with their warning and due moments.

    `pauses` and `calendar` may be passed by callers that already hold them (the watcher
    loads calendars once per batch); otherwise they are read here.
    """
    snap = ticket.sla_snapshot
    if not snap or ticket.sla_calendar_id is None:
        return []
    if calendar is None:
        calendar = load_calendar(ticket.sla_calendar_id)
    pauses = pause_spans(ticket) if pauses is None else pauses
    percent = snap["warn_at_percent"]
    result = []

    def add(target: SlaTarget, start: datetime, spans: list) -> None:
        fields = TARGET_FIELDS[target]
        warn, due = _warn_and_due(calendar, start, snap[fields.minutes_key], percent, spans)
        warned, breached = getattr(ticket, fields.warned_field), getattr(ticket, fields.breached_field)
        result.append(Deadline(target, warn, due, warned, breached))

    if ticket.first_response_at is None:
        # First response is owed from creation and is not paused: a ticket cannot wait on
        # the customer before anyone has answered.
        add(SlaTarget.FIRST_RESPONSE, ticket.created_at, [])
    if ticket.resolved_at is None and ticket.closed_at is None:
        add(SlaTarget.RESOLUTION, ticket.created_at, pauses)
        if ticket.next_response_started_at is not None:
            own = [(s, e) for s, e in pauses if e is None or e > ticket.next_response_started_at]
            add(SlaTarget.NEXT_RESPONSE, ticket.next_response_started_at, own)
    return result


def refresh(
    ticket: Ticket,
    *,
    pauses: list | None = None,
    calendar: business_time.BusinessCalendar | None = None,
) -> None:
    """Recompute the denormalised due times and the watcher's next check from the snapshot."""
    found = {d.target: d for d in deadlines(ticket, pauses, calendar=calendar)}
    if ticket.first_response_at is None:
        first = found.get(SlaTarget.FIRST_RESPONSE)
        ticket.first_response_due_at = first.due_at if first else None
    if SlaTarget.RESOLUTION in found:
        ticket.resolution_due_at = found[SlaTarget.RESOLUTION].due_at
    nxt = found.get(SlaTarget.NEXT_RESPONSE)
    ticket.next_response_due_at = nxt.due_at if nxt else None
    ticket.sla_next_check_at = next_check(found.values())


def next_check(found) -> datetime | None:
    moments = []
    for d in found:
        if d.breached:
            continue
        if not d.warned and d.warn_at is not None:
            moments.append(d.warn_at)
        if d.due_at is not None:
            moments.append(d.due_at)
    return min(moments, default=None)


def pause(ticket: Ticket, *, now: datetime, status: str) -> None:
    if ticket.sla_paused_since is None:
        TicketPause.objects.create(ticket=ticket, started_at=now, status=status)
        ticket.sla_paused_since = now


def resume(ticket: Ticket, *, now: datetime) -> None:
    if ticket.sla_paused_since is not None:
        ticket.pauses.filter(ended_at__isnull=True).update(ended_at=now)
        ticket.sla_paused_since = None


def business_seconds(ticket: Ticket, start: datetime, end: datetime, *, paused: bool) -> int:
    if ticket.sla_calendar_id is None:
        return int((end - start).total_seconds())
    calendar = load_calendar(ticket.sla_calendar_id)
    pauses = pause_spans(ticket) if paused else []
    return business_time.business_seconds_between(calendar, start, end, pauses)
