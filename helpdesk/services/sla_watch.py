"""The SLA watcher: one pass flags warnings and breaches that came due, notifies, escalates.

A pass reads only tickets whose `sla_next_check_at` has passed (the `ticket_sla_next_check`
index), never the whole table. Each ticket is handled in its own short transaction on a
fresh, locked row, and the `*_warned` / `*_breached` flags are set in that transaction, so
running a pass twice (or two watchers at once) records every warning and breach once.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from core.clock import resolve_now
from helpdesk.models import OPEN_STATUSES, EmailKind, Priority, SlaTarget, Ticket, TicketEvent
from helpdesk.sla import business_time, clock
from helpdesk.sla.calendars import load_calendar, load_calendars

from . import notifications
from .events import record_event
from .tickets import assign_ticket, set_priority

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
# P1 is the top: a breach cannot raise it further.
RAISED_PRIORITY = {Priority.P4: Priority.P3, Priority.P3: Priority.P2, Priority.P2: Priority.P1}


@dataclass
class PassResult:
    """What one pass did; `checked` counts tickets loaded, the rest count events recorded."""

    checked: int = 0
    warned: int = 0
    breached: int = 0
    escalated: int = 0
    errors: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "checked": self.checked,
            "warned": self.warned,
            "breached": self.breached,
            "escalated": self.escalated,
            "errors": self.errors,
        }


def _due_batch(*, now: datetime, after: tuple[datetime, int] | None, size: int) -> list[tuple]:
    """The next batch of tickets with something due, in index order (keyset pagination):
    (pk, sla_next_check_at, plan calendar id, team calendar id)."""
    query = Ticket.objects.filter(sla_next_check_at__lte=now, status__in=OPEN_STATUSES)
    if after is not None:
        at, pk = after
        query = query.filter(Q(sla_next_check_at__gt=at) | Q(sla_next_check_at=at, pk__gt=pk))
    return list(
        query.order_by("sla_next_check_at", "pk").values_list(
            "pk", "sla_next_check_at", "sla_calendar_id", "team__calendar_id"
        )[:size]
    )


def run_sla_pass(*, now: datetime | None = None, limit: int = 500) -> PassResult:
    """Handle up to `limit` tickets whose warning or due moment is at or before `now`.

    Call it outside any transaction: every ticket commits on its own, so one failing
    ticket is logged and skipped without undoing the others, and no lock is held long.
    """
    now = resolve_now(now)
    result = PassResult()
    after: tuple[datetime, int] | None = None
    while result.checked < limit:
        batch = _due_batch(now=now, after=after, size=min(BATCH_SIZE, limit - result.checked))
        if not batch:
            break
        # One query per batch for every calendar involved (stale ones reload).
        calendars = load_calendars({row[2] for row in batch} | {row[3] for row in batch})
        for pk, check_at, _plan_calendar, _team_calendar in batch:
            result.checked += 1
            try:
                _check_ticket(pk=pk, now=now, calendars=calendars, result=result)
            except Exception:  # one broken ticket must not stop the watcher for all others
                result.errors += 1
                logger.exception("SLA check of ticket %s failed", pk)
            after = (check_at, pk)
    return result


def _lock_for_check(pk: int) -> Ticket:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("sla_plan", "team__lead", "assignee")
        .get(pk=pk)
    )


@transaction.atomic
def _check_ticket(*, pk: int, now: datetime, calendars: Mapping, result: PassResult) -> None:
    ticket = _lock_for_check(pk)
    if not ticket.is_open:
        return
    calendar = calendars.get(ticket.sla_calendar_id)
    pauses = clock.pause_spans(ticket)
    was_breached = (
        ticket.first_response_breached or ticket.next_response_breached or ticket.resolution_breached
    )
    flags: list[str] = []
    breaches: list[clock.Deadline] = []
    for deadline in clock.deadlines(ticket, pauses, calendar=calendar):
        fields = clock.TARGET_FIELDS[deadline.target]
        if not deadline.breached and deadline.due_at is not None and deadline.due_at <= now:
            # A breach found late (watcher down) implies the warning moment passed too; a
            # warning mail after the breach mail would only be noise, so only the flag is set.
            setattr(ticket, fields.breached_field, True)
            setattr(ticket, fields.warned_field, True)
            flags += [fields.breached_field, fields.warned_field]
            breaches.append(deadline)
            _breach(ticket, deadline, now=now)
            result.breached += 1
        elif not deadline.warned and deadline.warn_at is not None and deadline.warn_at <= now:
            setattr(ticket, fields.warned_field, True)
            flags.append(fields.warned_field)
            _warn(ticket, deadline, now=now, team_calendar=calendars.get(_team_calendar_id(ticket)))
            result.warned += 1
    # Only the ticket's first breach escalates: a raised priority shortens the remaining
    # targets, and escalating on each of them would cascade the ticket up to P1.
    plan = ticket.sla_plan
    if breaches and not was_breached and plan is not None and plan.escalate_on_breach:
        ticket.save(update_fields=flags)  # set_priority re-reads the row and must see them
        if _escalate(ticket, breaches, now=now):
            result.escalated += 1
        ticket = _lock_for_check(pk)
        flags = []
    clock.refresh(ticket, pauses=pauses, calendar=calendar)
    ticket.save(update_fields=[*flags, *clock.SLA_FIELDS])


def _team_calendar_id(ticket: Ticket) -> int | None:
    return ticket.team.calendar_id if ticket.team_id else None


def _event_data(deadline: clock.Deadline) -> dict:
    return {
        "target": deadline.target,
        "due_at": deadline.due_at.isoformat() if deadline.due_at else None,
        "warn_at": deadline.warn_at.isoformat() if deadline.warn_at else None,
    }


def _warn(
    ticket: Ticket,
    deadline: clock.Deadline,
    *,
    now: datetime,
    team_calendar: business_time.BusinessCalendar | None,
) -> None:
    # A warning may wait for the team's hours; a breach is news at any hour.
    not_before = warning_not_before(ticket, now=now, team_calendar=team_calendar)
    _alert(
        ticket,
        deadline,
        event=TicketEvent.Kind.SLA_WARNED,
        email=EmailKind.SLA_WARNING,
        now=now,
        not_before=not_before,
    )


def _breach(ticket: Ticket, deadline: clock.Deadline, *, now: datetime) -> None:
    _alert(
        ticket,
        deadline,
        event=TicketEvent.Kind.SLA_BREACHED,
        email=EmailKind.SLA_BREACH,
        now=now,
        not_before=None,
    )


def _alert(
    ticket: Ticket,
    deadline: clock.Deadline,
    *,
    event: TicketEvent.Kind,
    email: EmailKind,
    now: datetime,
    not_before: datetime | None,
) -> None:
    record_event(
        ticket=ticket, kind=event, actor=None, now=now, new=deadline.target, data=_event_data(deadline)
    )
    notifications.sla_alert(
        ticket,
        kind=email,
        target=deadline.target.label,
        due_at=deadline.due_at,
        not_before=not_before,
        now=now,
    )


def warning_not_before(
    ticket: Ticket, *, now: datetime, team_calendar: business_time.BusinessCalendar | None = None
) -> datetime | None:
    """When a warning mail may go out: the team's next opening if the plan keeps warnings
    to team hours and the team is closed now, else immediately (None)."""
    plan, team = ticket.sla_plan, ticket.team
    if plan is None or team is None or not plan.warnings_in_team_hours_only:
        return None
    calendar = team_calendar or load_calendar(team.calendar_id)
    if business_time.is_open(calendar, now):
        return None
    return business_time.next_open(calendar, now)


def _escalate(ticket: Ticket, breaches: list[clock.Deadline], *, now: datetime) -> bool:
    """Raise the priority one step and hand the ticket to the team lead; True if either changed."""
    old_priority, old_assignee_id = ticket.priority, ticket.assignee_id
    raised = RAISED_PRIORITY.get(ticket.priority)
    if raised:
        ticket = set_priority(ticket=ticket, priority=raised, actor=None, now=now, reason="SLA breach")
    lead = ticket.team.lead if ticket.team_id else None
    if lead is not None and lead.is_active and lead.is_staff and ticket.assignee_id != lead.pk:
        ticket = assign_ticket(ticket=ticket, assignee=lead, actor=None, now=now)
    if ticket.priority == old_priority and ticket.assignee_id == old_assignee_id:
        return False
    record_event(
        ticket=ticket,
        kind=TicketEvent.Kind.ESCALATED,
        actor=None,
        now=now,
        old=old_priority,
        new=ticket.priority,
        data={
            "targets": [d.target for d in breaches],
            "priority": [old_priority, ticket.priority],
            "assignee": [old_assignee_id, ticket.assignee_id],
        },
    )
    return True


def record_late_breach(ticket: Ticket, *, target: SlaTarget, due_at: datetime, now: datetime) -> None:
    """A target met too late, before the watcher noticed: flag it and record the breach once.

    For services acting on a locked ticket (a late reply, a late resolve); the caller saves
    the target's breached field (clock.TARGET_FIELDS). No alert: the late action is the agent's.
    """
    target = SlaTarget(target)  # ValueError for anything that is not a target
    breached_field = clock.TARGET_FIELDS[target].breached_field
    if getattr(ticket, breached_field):
        return
    setattr(ticket, breached_field, True)
    record_event(
        ticket=ticket,
        kind=TicketEvent.Kind.SLA_BREACHED,
        actor=None,
        now=now,
        new=target,
        data={"target": target, "due_at": due_at.isoformat(), "detected": "late_action"},
    )
