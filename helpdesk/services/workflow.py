"""Status changes: pause and resume clocks, resolve, close, reopen, rate."""

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import (
    PAUSED_STATUSES,
    SatisfactionRating,
    SlaTarget,
    Status,
    Ticket,
    TicketEvent,
    User,
)
from helpdesk.sla import clock

from . import notifications
from .events import record_event
from .sla_watch import record_late_breach
from .tickets import _ensure_live, _lock

# A customer may reopen (or reopen by replying to) a resolved ticket within this window.
REOPEN_WINDOW = timedelta(days=7)


def apply_status(
    ticket: Ticket, new_status: str, *, actor: User | None, now: datetime, notify: bool = True
) -> list[str]:
    """Move a locked ticket to new_status with every clock effect; return fields to save.

    Callers hold the transaction and have checked the transition. `notify=False` creates the
    satisfaction survey of a resolved ticket without mailing it (the caller's notice links it).
    """
    old_status = ticket.status
    fields = ["status", "updated_at", *clock.SLA_FIELDS]
    ticket.status = new_status
    ticket.updated_at = now
    if new_status in PAUSED_STATUSES and old_status not in PAUSED_STATUSES:
        clock.pause(ticket, now=now, status=new_status)
        record_event(ticket=ticket, kind=TicketEvent.Kind.SLA_PAUSED, actor=actor, now=now, new=new_status)
    elif new_status in (Status.NEW, Status.OPEN) and ticket.sla_paused_since is not None:
        clock.resume(ticket, now=now)
        record_event(ticket=ticket, kind=TicketEvent.Kind.SLA_RESUMED, actor=actor, now=now, old=old_status)
    if new_status == Status.RESOLVED:
        ticket.resolved_at = now
        ticket.resolution_business_seconds = clock.business_seconds(
            ticket, ticket.created_at, now, paused=True
        )
        if ticket.resolution_due_at and now > ticket.resolution_due_at:
            record_late_breach(ticket, target=SlaTarget.RESOLUTION, due_at=ticket.resolution_due_at, now=now)
        # While resolved the clock stands still; a reopen resumes it.
        clock.pause(ticket, now=now, status=new_status)
        fields += ["resolved_at", "resolution_business_seconds", "resolution_breached"]
        _send_survey(ticket, now=now, notify=notify)
    if new_status == Status.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    clock.refresh(ticket)
    if not ticket.is_open:
        ticket.sla_next_check_at = None
    record_event(
        ticket=ticket,
        kind=TicketEvent.Kind.STATUS,
        actor=actor,
        now=now,
        old=old_status,
        new=new_status,
    )
    return fields


def _send_survey(ticket: Ticket, *, now: datetime, notify: bool = True) -> None:
    token = secrets.token_urlsafe(32)
    SatisfactionRating.objects.create(ticket=ticket, token=token, surveyed_at=now)
    if notify:
        notifications.satisfaction_survey(ticket, token, now=now)


@transaction.atomic
def set_status(*, ticket: Ticket, status: str, actor: User | None, now: datetime | None = None) -> Ticket:
    """Change the status; refused with InvalidTransition when the workflow forbids the move.

    Resolved → open is a reopen and is counted as one.
    """
    now = resolve_now(now)
    ticket = _lock(ticket)
    _ensure_live(ticket)
    if ticket.status == status:
        return ticket
    ticket.check_transition(status)
    if ticket.status == Status.RESOLVED and status == Status.OPEN:
        return _reopen(ticket, actor=actor, now=now, reason="")
    old_status = ticket.status
    fields = apply_status(ticket, status, actor=actor, now=now)
    ticket.save(update_fields=fields)
    notifications.status_changed(ticket, old_status=old_status, now=now)
    return ticket


def _reopen(ticket: Ticket, *, actor: User | None, now: datetime, reason: str) -> Ticket:
    previous_resolved_at = ticket.resolved_at
    ticket.status = Status.OPEN
    ticket.updated_at = now
    ticket.reopen_count += 1
    ticket.last_reopened_at = now
    ticket.resolved_at = None
    ticket.resolution_business_seconds = None
    clock.resume(ticket, now=now)
    # The customer is waiting again: the next response is owed from now.
    ticket.next_response_started_at = now
    ticket.next_response_warned = False
    ticket.next_response_breached = False
    clock.refresh(ticket)
    ticket.save(
        update_fields=[
            "status",
            "updated_at",
            "reopen_count",
            "last_reopened_at",
            "resolved_at",
            "resolution_business_seconds",
            "next_response_breached",
            *clock.SLA_FIELDS,
        ]
    )
    record_event(
        ticket=ticket,
        kind=TicketEvent.Kind.REOPENED,
        actor=actor,
        now=now,
        old=Status.RESOLVED,
        new=Status.OPEN,
        data={
            "resolved_at": previous_resolved_at.isoformat() if previous_resolved_at else None,
            "reason": reason,
        },
    )
    return ticket


def can_customer_reopen(ticket: Ticket, *, now: datetime) -> bool:
    return (
        ticket.status == Status.RESOLVED
        and ticket.resolved_at is not None
        and now - ticket.resolved_at <= REOPEN_WINDOW
        and ticket.merged_into_id is None
    )


@transaction.atomic
def reopen_ticket(
    *, ticket: Ticket, actor: User | None, reason: str = "", now: datetime | None = None
) -> Ticket:
    """Reopen a resolved ticket. Customers may do so within REOPEN_WINDOW; agents any time
    before it is closed. Closed tickets stay closed: the customer opens a new one."""
    now = resolve_now(now)
    ticket = _lock(ticket)
    _ensure_live(ticket)
    if ticket.status != Status.RESOLVED:
        raise ValidationError(_("Only resolved tickets can be reopened."))
    is_agent = actor is not None and actor.is_staff
    if not is_agent and not can_customer_reopen(ticket, now=now):
        raise ValidationError(
            _("This ticket was resolved more than %(days)s days ago; please submit a new request."),
            params={"days": REOPEN_WINDOW.days},
        )
    return _reopen(ticket, actor=actor, now=now, reason=reason)


@transaction.atomic
def rate_ticket(
    *, token: str, score: int, comment: str = "", actor: User | None = None, now: datetime | None = None
) -> SatisfactionRating:
    """Record the customer's rating; the token is single-use."""
    now = resolve_now(now)
    if score not in range(1, 6):
        raise ValidationError(_("Choose a score from 1 to 5."))
    rating = (
        SatisfactionRating.objects.select_for_update().select_related("ticket").filter(token=token).first()
    )
    if rating is None:
        raise ValidationError(_("This rating link is not valid."))
    if rating.rated_at is not None:
        raise ValidationError(_("This resolution has already been rated. Thank you!"))
    rating.score = score
    rating.comment = comment.strip()
    rating.rated_at = now
    rating.save(update_fields=["score", "comment", "rated_at"])
    record_event(ticket=rating.ticket, kind=TicketEvent.Kind.RATED, actor=actor, now=now, new=score)
    return rating
