"""Optimistic concurrency for a ticket's properties: a stale page never overwrites.

A ticket's version is its `updated_at`: every service that changes what an agent sees on
the ticket (properties, status, a reply) stamps it. A form or an API client sends back
the version it read; if the ticket moved on meanwhile the change is refused with what
changed, and nothing is saved. Replies are additive and need no version.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from helpdesk.models import Ticket, TicketEvent, User

from .tickets import _lock, assign_ticket, set_category, set_priority, set_team
from .workflow import set_status

# Order matters: routing and ownership first, the status last (closing is the final step).
PROPERTY_ORDER = ("category", "team", "assignee", "priority", "status")


class StaleTicket(ValidationError):
    """The ticket changed after the client read it; `changes` are the events since."""

    def __init__(self, message: str, *, changes: list[TicketEvent], current_version: str) -> None:
        super().__init__(message, code="stale")
        self.changes = changes
        self.current_version = current_version


def version_of(ticket: Ticket) -> str:
    return ticket.updated_at.isoformat()


def describe(event: TicketEvent) -> str:
    """One line for a change, e.g. "王敏: Priority changed P3 Normal → P1 Urgent"."""
    who = str(event.actor) if event.actor else _("the system")
    values = " → ".join(v for v in (event.old_display, event.new_display) if v)
    return f"{who}: {event.get_kind_display()}{' ' + values if values else ''}"


def ensure_current(ticket: Ticket, *, expected_version: str | None) -> None:
    """Raise StaleTicket when `expected_version` is given and is not the ticket's version."""
    if not expected_version or expected_version == version_of(ticket):
        return
    since = parse_datetime(expected_version)
    events = ticket.events.select_related("actor").order_by("created_at", "pk")
    changes = list(events.filter(created_at__gt=since) if isinstance(since, datetime) else events[:0])
    listed = "; ".join(describe(event) for event in changes) or _("(details not recorded)")
    raise StaleTicket(
        _(
            "This ticket was changed while you were looking at it: %(changes)s. Nothing you "
            "changed was saved; check the ticket and save again."
        )
        % {"changes": listed},
        changes=changes,
        current_version=version_of(ticket),
    )


@transaction.atomic
def change_properties(
    *,
    ticket: Ticket,
    changes: dict[str, Any],
    actor: User,
    expected_version: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Apply an agent's property changes (category, team, assignee, priority, status), each
    through its service, all or nothing; refused with StaleTicket on a stale version."""
    unknown = set(changes) - set(PROPERTY_ORDER)
    if unknown:
        raise ValueError(f"not ticket properties: {sorted(unknown)}")
    ensure_current(_lock(ticket), expected_version=expected_version)
    setters = {
        "category": lambda value: set_category(ticket=ticket, category=value, actor=actor, now=now),
        "team": lambda value: set_team(ticket=ticket, team=value, actor=actor, now=now),
        "assignee": lambda value: assign_ticket(ticket=ticket, assignee=value, actor=actor, now=now),
        "priority": lambda value: set_priority(ticket=ticket, priority=value, actor=actor, now=now),
        "status": lambda value: set_status(ticket=ticket, status=value, actor=actor, now=now),
    }
    for name in PROPERTY_ORDER:
        if name in changes:
            setters[name](changes[name])
    return _lock(ticket)
