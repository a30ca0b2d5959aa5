"""Who is told what, in their language; every mail goes through the outbox.

Each mail is one EmailKind, rendered from helpdesk/email/<kind>.txt (first line: subject).
"""

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from helpdesk.models import Channel, EmailKind, Ticket, TicketMessage, User

from .outbox import queue_email


def _timezone_of(user: User) -> str:
    profile = getattr(user, "customer_profile", None)
    return profile.effective_timezone if profile else settings.TIME_ZONE


def _language_of(user: User | None) -> str:
    profile = getattr(user, "customer_profile", None) if user else None
    return (profile.language if profile and profile.language else None) or settings.LANGUAGE_CODE


def _render(kind: EmailKind, language: str, context: dict) -> tuple[str, str]:
    with translation.override(language):
        text = render_to_string(
            f"helpdesk/email/{kind.value}.txt",
            {**context, "portal_url": settings.PORTAL_BASE_URL},
        )
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def _queue(
    *,
    kind: EmailKind,
    recipients: list[str],
    language: str,
    ticket: Ticket,
    context: dict,
    not_before: datetime | None = None,
    now: datetime | None = None,
) -> None:
    subject, body = _render(kind, language, {"ticket": ticket, **context})
    queue_email(
        to=recipients,
        subject=subject,
        body=body,
        kind=kind,
        ticket=ticket,
        headers={"X-Kuaixiang-Ticket": ticket.reference},
        not_before=not_before,
        now=now,
    )


def ticket_received(ticket: Ticket, *, now: datetime | None = None) -> None:
    _queue(
        kind=EmailKind.TICKET_RECEIVED,
        recipients=[ticket.requester.email],
        language=_language_of(ticket.requester),
        ticket=ticket,
        context={"timezone": _timezone_of(ticket.requester)},
        now=now,
    )


def _team_recipients(team) -> list[str]:
    """The team's shared mailbox, else every active member."""
    if team.email:
        return [team.email]
    return list(team.members.filter(is_active=True).values_list("email", flat=True))


def details_needed(ticket: Ticket, *, missing: list[str], now: datetime | None = None) -> None:
    """Tell the requester their request arrived but lacks details, one line per gap in
    `missing` (already translated), with the link to complete it."""
    _queue(
        kind=EmailKind.DETAILS_NEEDED,
        recipients=[ticket.requester.email],
        language=_language_of(ticket.requester),
        ticket=ticket,
        context={"missing": missing},
        now=now,
    )


def team_new_ticket(ticket: Ticket, *, now: datetime | None = None) -> None:
    if ticket.team is None:
        return
    recipients = _team_recipients(ticket.team)
    _queue(
        kind=EmailKind.TEAM_NEW_TICKET,
        recipients=recipients,
        language=settings.LANGUAGE_CODE,
        ticket=ticket,
        context={},
        now=now,
    )


def ticket_reopened(ticket: Ticket, message: TicketMessage, *, now: datetime | None = None) -> None:
    """Tell the ticket's team that the customer reopened it, quoting their reason."""
    if ticket.team is None:
        return
    _queue(
        kind=EmailKind.TICKET_REOPENED,
        recipients=_team_recipients(ticket.team),
        language=settings.LANGUAGE_CODE,
        ticket=ticket,
        context={"message": message},
        now=now,
    )


def agent_replied(ticket: Ticket, message: TicketMessage, *, now: datetime | None = None) -> None:
    if message.channel == Channel.CHAT:
        return  # seen live in the chat; the transcript is mailed on request (chat.services)
    _queue(
        kind=EmailKind.AGENT_REPLY,
        recipients=[ticket.requester.email],
        language=_language_of(ticket.requester),
        ticket=ticket,
        context={"message": message},
        now=now,
    )


def customer_replied(ticket: Ticket, message: TicketMessage, *, now: datetime | None = None) -> None:
    if message.channel == Channel.CHAT:
        return  # the assignee is in the chat and sees it live
    if ticket.assignee is None or not ticket.assignee.is_active:
        return
    _queue(
        kind=EmailKind.CUSTOMER_REPLY,
        recipients=[ticket.assignee.email],
        language=settings.LANGUAGE_CODE,
        ticket=ticket,
        context={"message": message},
        now=now,
    )


def satisfaction_survey(ticket: Ticket, token: str, *, now: datetime | None = None) -> None:
    _queue(
        kind=EmailKind.SATISFACTION_SURVEY,
        recipients=[ticket.requester.email],
        language=_language_of(ticket.requester),
        ticket=ticket,
        context={"token": token},
        now=now,
    )


SLA_ALERTS = (EmailKind.SLA_WARNING, EmailKind.SLA_BREACH)


def sla_alert(
    ticket: Ticket,
    *,
    kind: EmailKind,
    target: str,
    due_at: datetime | None,
    not_before: datetime | None,
    now: datetime | None = None,
) -> None:
    """Warn or report a breach (`kind`, one of SLA_ALERTS) to the assignee, else the team,
    possibly held until team hours. `target` is the target's label."""
    if kind not in SLA_ALERTS:
        raise ValueError(f"not an SLA alert: {kind!r}")
    if ticket.assignee and ticket.assignee.is_active:
        recipients = [ticket.assignee.email]
    elif ticket.team:
        recipients = _team_recipients(ticket.team)
    else:
        return
    _queue(
        kind=kind,
        recipients=recipients,
        language=settings.LANGUAGE_CODE,
        ticket=ticket,
        context={"target": target, "due_at": due_at},
        not_before=not_before,
        now=now,
    )
