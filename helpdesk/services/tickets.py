"""Changing who works on a ticket, how urgent it is, what it is filed under; merging.

Tickets are born in `intake.open_ticket`; messages are added in `conversation`.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import (
    Priority,
    Ticket,
    TicketEvent,
    TicketMessage,
    User,
)
from helpdesk.search import schedule_reindex, unindex_ticket
from helpdesk.sla import clock

from .events import record_event


def _lock(ticket: Ticket) -> Ticket:
    """Re-read the ticket inside the transaction (row lock on PostgreSQL) to act on fresh state."""
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of an outer join
    # (assignee, team), and only the ticket row needs the lock.
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("organization__sla_plan", "category", "requester", "assignee", "team")
        .get(pk=ticket.pk)
    )


def _ensure_live(ticket: Ticket) -> None:
    if ticket.merged_into_id is not None:
        raise ValidationError(
            _("This ticket was merged into %(ref)s; work on that ticket instead."),
            params={"ref": f"KX-{ticket.merged_into_id:06d}"},
        )


@transaction.atomic
def assign_ticket(
    *, ticket: Ticket, assignee: User | None, actor: User | None, now: datetime | None = None
) -> Ticket:
    """Give the ticket to an agent (or nobody). Assigning to a non-agent is refused."""
    now = resolve_now(now)
    ticket = _lock(ticket)
    _ensure_live(ticket)
    if assignee is not None and not (assignee.is_staff and assignee.is_active):
        raise ValidationError(_("Tickets can only be assigned to active agents."))
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    old = ticket.assignee
    ticket.assignee = assignee
    ticket.updated_at = now
    ticket.save(update_fields=["assignee", "updated_at"])
    record_event(
        ticket=ticket,
        kind=TicketEvent.Kind.ASSIGNMENT,
        actor=actor,
        now=now,
        old=old or "",
        new=assignee or "",
    )
    return ticket


@transaction.atomic
def set_team(*, ticket: Ticket, team, actor: User | None, now: datetime | None = None) -> Ticket:
    now = resolve_now(now)
    ticket = _lock(ticket)
    _ensure_live(ticket)
    if ticket.team_id == (team.pk if team else None):
        return ticket
    old = ticket.team
    ticket.team = team
    ticket.updated_at = now
    ticket.save(update_fields=["team", "updated_at"])
    record_event(
        ticket=ticket, kind=TicketEvent.Kind.TEAM, actor=actor, now=now, old=old or "", new=team or ""
    )
    return ticket


@transaction.atomic
def set_category(*, ticket: Ticket, category, actor: User | None, now: datetime | None = None) -> Ticket:
    """Re-file the ticket. An open ticket takes the resolution target of the new category's
    complexity (what is breached stays breached)."""
    now = resolve_now(now)
    ticket = _lock(ticket)
    _ensure_live(ticket)
    if ticket.category_id == category.pk:
        return ticket
    old = ticket.category
    ticket.category = category
    ticket.updated_at = now
    fields = ["category", "updated_at"]
    if ticket.is_open:
        clock.snapshot_targets(ticket)
        clock.refresh(ticket)
        fields += ["sla_plan", "sla_calendar", "sla_snapshot", *clock.SLA_FIELDS]
    ticket.save(update_fields=fields)
    record_event(ticket=ticket, kind=TicketEvent.Kind.CATEGORY, actor=actor, now=now, old=old, new=category)
    return ticket


@transaction.atomic
def set_priority(
    *, ticket: Ticket, priority: str, actor: User | None, now: datetime | None = None, reason: str = ""
) -> Ticket:
    """Change the priority. An open ticket takes the plan's targets for its new priority;
    breaches already recorded stay recorded."""
    now = resolve_now(now)
    if priority not in Priority.values:
        raise ValidationError(_("Unknown priority “%(value)s”."), params={"value": priority})
    ticket = _lock(ticket)
    _ensure_live(ticket)
    if ticket.priority == priority:
        return ticket
    old = ticket.get_priority_display()
    ticket.priority = priority
    ticket.updated_at = now
    fields = ["priority", "updated_at"]
    if ticket.is_open:
        clock.snapshot_targets(ticket)
        clock.refresh(ticket)
        fields += ["sla_plan", "sla_calendar", "sla_snapshot", *clock.SLA_FIELDS]
    ticket.save(update_fields=fields)
    record_event(
        ticket=ticket,
        kind=TicketEvent.Kind.PRIORITY,
        actor=actor,
        now=now,
        old=old,
        new=ticket.get_priority_display(),
        data={"reason": reason} if reason else None,
    )
    return ticket


@transaction.atomic
def merge_tickets(
    *, source: Ticket, target: Ticket, actor: User | None, now: datetime | None = None
) -> Ticket:
    """Fold `source` into `target`: its messages and attachments move, it is closed and
    points at the survivor. Both must belong to the same organization."""
    now = resolve_now(now)
    if source.pk == target.pk:
        raise ValidationError(_("A ticket cannot be merged into itself."))
    source, target = _lock(source), _lock(target)
    _ensure_live(source)
    _ensure_live(target)
    if source.organization_id != target.organization_id:
        raise ValidationError(_("Only tickets of the same organization can be merged."))
    if not target.is_open:
        raise ValidationError(
            _("%(ref)s is no longer open; merge into an open ticket."), params={"ref": target.reference}
        )
    moved_messages = source.messages.update(ticket=target)
    moved_files = source.attachments.update(ticket=target)
    note = _("%(ref)s “%(subject)s” was merged into this ticket.\n\n%(symptoms)s") % {
        "ref": source.reference,
        "subject": source.subject,
        "symptoms": source.symptoms,
    }
    if source.error_message.strip():
        # The exact error too: the merged ticket leaves the search index, and an agent
        # searching its error code must still find the ticket it lives on in.
        note += "\n\n" + source.error_message
    TicketMessage.objects.create(
        ticket=target, kind=TicketMessage.Kind.SYSTEM, author=actor, body=note, created_at=now
    )
    old_status = source.get_status_display()
    source.merged_into = target
    source.status = Ticket.Status.CLOSED
    source.closed_at = now
    source.updated_at = now
    source.sla_next_check_at = None
    clock.resume(source, now=now)
    source.save(
        update_fields=[
            "merged_into",
            "status",
            "closed_at",
            "updated_at",
            "sla_next_check_at",
            "sla_paused_since",
        ]
    )
    target.updated_at = now
    target.save(update_fields=["updated_at"])
    record_event(
        ticket=source,
        kind=TicketEvent.Kind.MERGED,
        actor=actor,
        now=now,
        old=old_status,
        new=target.reference,
        data={"into": target.pk},
    )
    record_event(
        ticket=target,
        kind=TicketEvent.Kind.MERGED,
        actor=actor,
        now=now,
        new=source.reference,
        data={"from": source.pk, "messages": moved_messages, "attachments": moved_files},
    )
    unindex_ticket(source)
    schedule_reindex(target)
    return target
