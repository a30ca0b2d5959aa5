"""The one door for messages: replies and notes, whatever the channel.

`add_reply` is what portal, admin, API, mail and chat call; it picks the rule set from who
writes and the visibility asked for. The three functions behind it hold the clock rules:
what stamps first response, restarts next-response clocks, resumes a paused clock, reopens.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.clock import resolve_now
from helpdesk.models import Channel, Status, Ticket, TicketEvent, TicketMessage, User
from helpdesk.search import schedule_reindex
from helpdesk.sla import clock

from . import notifications, staging
from .attachments import store_attachment
from .events import record_event
from .sla_watch import record_late_breach
from .tickets import _ensure_live, _lock
from .workflow import _reopen, apply_status, can_customer_reopen, reopen_ticket


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write a message first."))
    return body


class Visibility(models.TextChoices):
    """Who sees a message: everyone on the ticket, or agents only (an internal note)."""

    PUBLIC = "public", gettext_lazy("Public")
    INTERNAL = "internal", gettext_lazy("Internal note")


def add_reply(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    channel: str = Channel.WEB,
    attachments: "Iterable[UploadedFile] | staging.StagedUploads" = (),
    visibility: str = Visibility.PUBLIC,
    status: str | None = None,
    now: datetime | None = None,
    notify: bool = True,
) -> TicketMessage:
    """Add a message to the conversation, whoever writes it and whichever way it came.

    Agents write public replies (which count as responses) or internal notes; customers
    write customer replies and never notes. `status` (agents' public replies only) moves
    the ticket in the same step. Precondition: the caller has checked that `author` may see
    the ticket (`helpdesk.selectors.tickets.access_ticket`). `notify=False` (agents' replies)
    leaves the requester's mail to the caller, which sends one notice for several tickets.
    """
    with staging.opened(attachments) as files:
        if author.is_staff:
            if visibility == Visibility.INTERNAL:
                if status:
                    raise ValidationError(_("Internal notes do not change the status; use a public reply."))
                return add_internal_note(ticket=ticket, author=author, body=body, attachments=files, now=now)
            return record_agent_reply(
                ticket=ticket,
                author=author,
                body=body,
                attachments=files,
                status=status,
                channel=channel,
                now=now,
                notify=notify,
            )
        if visibility == Visibility.INTERNAL:
            raise ValidationError(_("Only agents can write internal notes."))
        return record_customer_reply(
            ticket=ticket, author=author, body=body, attachments=files, channel=channel, now=now
        )


def _add_message(
    ticket: Ticket,
    *,
    kind: str,
    author: User | None,
    body: str,
    channel: str,
    now: datetime,
    attachments: Iterable[UploadedFile],
    internal: bool = False,
) -> TicketMessage:
    message = TicketMessage.objects.create(
        ticket=ticket, kind=kind, author=author, body=body, channel=channel, created_at=now
    )
    for upload in attachments:
        store_attachment(
            ticket=ticket, upload=upload, uploaded_by=author, message=message, is_internal=internal
        )
    # The ticket search finds words from the conversation too; rebuilding the ticket's
    # document reads the whole conversation, so it runs after commit as a task.
    schedule_reindex(ticket)
    return message


@transaction.atomic
def record_agent_reply(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    attachments: Iterable[UploadedFile] = (),
    status: str | None = None,
    channel: str = Channel.WEB,
    now: datetime | None = None,
    notify: bool = True,
) -> TicketMessage:
    """A public reply by an agent: the first one stamps first response (business and calendar
    seconds); each one counts for FCR and restarts the next-response clock. `status` may
    move the ticket in the same step (e.g. reply and wait on the customer)."""
    now = resolve_now(now)
    if not author.is_staff:
        raise ValidationError(_("Only agents can write public replies."))
    body = _clean_body(body)
    ticket = _lock(ticket)
    _ensure_live(ticket)
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("This ticket is closed."))
    message = _add_message(
        ticket,
        kind=TicketMessage.Kind.PUBLIC_REPLY,
        author=author,
        body=body,
        channel=channel,
        now=now,
        attachments=attachments,
    )
    fields = ["agent_reply_count", "last_agent_reply_at", "updated_at", *clock.SLA_FIELDS]
    if ticket.first_response_at is None:
        ticket.first_response_at = now
        ticket.first_response_seconds = max(int((now - ticket.created_at).total_seconds()), 0)
        ticket.first_response_business_seconds = clock.business_seconds(
            ticket, ticket.created_at, now, paused=False
        )
        if ticket.first_response_due_at and now > ticket.first_response_due_at:
            record_late_breach(
                ticket, target=clock.SlaTarget.FIRST_RESPONSE, due_at=ticket.first_response_due_at, now=now
            )
        fields += [
            "first_response_at",
            "first_response_seconds",
            "first_response_business_seconds",
            "first_response_breached",
        ]
    ticket.agent_reply_count += 1
    ticket.last_agent_reply_at = now
    ticket.updated_at = now
    if ticket.next_response_due_at and now > ticket.next_response_due_at:
        # Recorded as an event before the flag is reset for the new cycle below.
        record_late_breach(
            ticket, target=clock.SlaTarget.NEXT_RESPONSE, due_at=ticket.next_response_due_at, now=now
        )
    # A new cycle: the next contact is owed within the plan's next-response target.
    ticket.next_response_started_at = now
    ticket.next_response_warned = False
    ticket.next_response_breached = False
    fields.append("next_response_breached")
    clock.refresh(ticket)
    record_event(
        ticket=ticket, kind=TicketEvent.Kind.REPLIED, actor=author, now=now, data={"message": message.pk}
    )
    target_status = status or (Status.OPEN if ticket.status == Status.NEW else None)
    if target_status and target_status != ticket.status:
        ticket.check_transition(target_status)
        fields += apply_status(ticket, target_status, actor=author, now=now, notify=notify)
    ticket.save(update_fields=list(dict.fromkeys(fields)))
    if notify:
        notifications.agent_replied(ticket, message, now=now)
    return message


@transaction.atomic
def add_internal_note(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    attachments: Iterable[UploadedFile] = (),
    now: datetime | None = None,
) -> TicketMessage:
    """A note for agents only: never shown to the customer, never a response."""
    now = resolve_now(now)
    if not author.is_staff:
        raise ValidationError(_("Only agents can write internal notes."))
    body = _clean_body(body)
    ticket = _lock(ticket)
    message = _add_message(
        ticket,
        kind=TicketMessage.Kind.INTERNAL_NOTE,
        author=author,
        body=body,
        channel=Channel.WEB,
        now=now,
        attachments=attachments,
        internal=True,
    )
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])
    record_event(
        ticket=ticket, kind=TicketEvent.Kind.NOTE, actor=author, now=now, data={"message": message.pk}
    )
    return message


@transaction.atomic
def record_customer_reply(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    attachments: Iterable[UploadedFile] = (),
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> TicketMessage:
    """The customer answers: a ticket waiting on them resumes; a recently resolved one
    reopens; a closed one refuses (they open a new request)."""
    now = resolve_now(now)
    body = _clean_body(body)
    ticket = _lock(ticket)
    _ensure_live(ticket)
    if ticket.status == Status.CLOSED or (
        ticket.status == Status.RESOLVED and not can_customer_reopen(ticket, now=now)
    ):
        raise ValidationError(
            _("This ticket is closed. Please submit a new request and mention %(ref)s."),
            params={"ref": ticket.reference},
        )
    message = _add_message(
        ticket,
        kind=TicketMessage.Kind.CUSTOMER_REPLY,
        author=author,
        body=body,
        channel=channel,
        now=now,
        attachments=attachments,
    )
    record_event(
        ticket=ticket,
        kind=TicketEvent.Kind.CUSTOMER_REPLIED,
        actor=author,
        now=now,
        data={"message": message.pk},
    )
    if ticket.status == Status.RESOLVED:
        ticket = _reopen(ticket, actor=author, now=now, reason=_("Customer replied"))
    fields = ["last_customer_reply_at", "updated_at", *clock.SLA_FIELDS]
    ticket.last_customer_reply_at = now
    ticket.updated_at = now
    # The clock runs from the customer's oldest unanswered message: restart it only if the
    # last word was the agent's.
    last_agent = ticket.last_agent_reply_at
    if ticket.first_response_at is not None and (
        ticket.next_response_started_at is None
        or (last_agent is not None and ticket.next_response_started_at <= last_agent)
    ):
        ticket.next_response_started_at = now
        ticket.next_response_warned = False
        ticket.next_response_breached = False
        fields.append("next_response_breached")
    # On hold is the agent's decision (e.g. waiting on a vendor fix) and stays put.
    if ticket.status == Status.PENDING_CUSTOMER:
        fields += apply_status(ticket, Status.OPEN, actor=author, now=now)
    clock.refresh(ticket)
    ticket.save(update_fields=list(dict.fromkeys(fields)))
    notifications.customer_replied(ticket, message, now=now)
    return message


@transaction.atomic
def reopen_with_reason(
    *, ticket: Ticket, actor: User, reason: str = "", now: datetime | None = None
) -> Ticket:
    """Reopen a resolved ticket and tell its team. A reason enters the conversation as the
    actor's message (the customer's reply, or an agent's internal note), so whoever picks
    the ticket up reads why it came back."""
    now = resolve_now(now)
    ticket = reopen_ticket(ticket=ticket, actor=actor, reason=reason.strip(), now=now)
    message = None
    if reason.strip():
        write = add_internal_note if actor.is_staff else record_customer_reply
        message = write(ticket=ticket, author=actor, body=reason, now=now)
        ticket.refresh_from_db()
    notifications.ticket_reopened(ticket, message, now=now)
    return ticket
