"""The audit trail: one helper so every service records events the same way."""

from datetime import datetime
from typing import Any

from helpdesk.models import Ticket, TicketEvent, User

from . import integrations
from .rollups import schedule_fold


def record_event(
    *,
    ticket: Ticket,
    kind: str,
    actor: User | None,
    now: datetime,
    old: Any = "",
    new: Any = "",
    data: dict | None = None,
    fold: bool = True,
) -> TicketEvent:
    """Append an event, queue the webhooks and alerts it causes, and (unless `fold` is off,
    for a caller that folds the ticket itself later) fold the ticket into the report
    rollups after the commit."""
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        old_value=str(old if old is not None else "")[:200],
        new_value=str(new if new is not None else "")[:200],
        data=data or {},
        created_at=now,
    )
    # The webhooks and chat alerts the event causes, queued in this same transaction.
    integrations.ticket_event(event)
    if fold:
        schedule_fold(ticket.pk)  # the report rollups follow every recorded change
    return event
