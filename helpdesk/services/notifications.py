"""Who is told what, in their language; every mail goes through the outbox."""

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from helpdesk.models import Ticket, TicketMessage, User

from .outbox import queue_email


def _timezone_of(user: User) -> str:
    profile = getattr(user, "customer_profile", None)
    return profile.effective_timezone if profile else settings.TIME_ZONE


def _language_of(user: User | None) -> str:
    profile = getattr(user, "customer_profile", None) if user else None
    return (profile.language if profile and profile.language else None) or settings.LANGUAGE_CODE


def _render(template: str, language: str, context: dict) -> tuple[str, str]:
    with translation.override(language):
        text = render_to_string(
            f"helpdesk/email/{template}.txt",
            {**context, "portal_url": settings.PORTAL_BASE_URL},
        )
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def _queue(
    *,
    template: str,
    recipients: list[str],
    language: str,
    ticket: Ticket,
    context: dict,
    not_before: datetime | None = None,
    now: datetime | None = None,
) -> None:
    subject, body = _render(template, language, {"ticket": ticket, **context})
    queue_email(
        to=recipients,
        subject=subject,
        body=body,
        kind=template,
        ticket=ticket,
        headers={"X-Kuaixiang-Ticket": ticket.reference},
        not_before=not_before,
        now=now,
    )


def ticket_received(ticket: Ticket, *, now: datetime | None = None) -> None:
    _queue(
        template="ticket_received",
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


def team_new_ticket(ticket: Ticket, *, now: datetime | None = None) -> None:
    if ticket.team is None:
        return
    recipients = _team_recipients(ticket.team)
    _queue(
        template="team_new_ticket",
        recipients=recipients,
        language=settings.LANGUAGE_CODE,
        ticket=ticket,
        context={},
        now=now,
    )


def agent_replied(ticket: Ticket, message: TicketMessage, *, now: datetime | None = None) -> None:
    _queue(
        template="agent_reply",
        recipients=[ticket.requester.email],
        language=_language_of(ticket.requester),
        ticket=ticket,
        context={"message": message},
        now=now,
    )


def customer_replied(ticket: Ticket, message: TicketMessage, *, now: datetime | None = None) -> None:
    if ticket.assignee is None or not ticket.assignee.is_active:
        return
    _queue(
        template="customer_reply",
        recipients=[ticket.assignee.email],
        language=settings.LANGUAGE_CODE,
        ticket=ticket,
        context={"message": message},
        now=now,
    )


def satisfaction_survey(ticket: Ticket, token: str, *, now: datetime | None = None) -> None:
    _queue(
        template="satisfaction_survey",
        recipients=[ticket.requester.email],
        language=_language_of(ticket.requester),
        ticket=ticket,
        context={"token": token},
        now=now,
    )


def sla_alert(
    ticket: Ticket,
    *,
    kind: str,
    target: str,
    due_at: datetime | None,
    not_before: datetime | None,
    now: datetime | None = None,
) -> None:
    """Warn or report a breach to the assignee (else the team), possibly held until team hours."""
    if ticket.assignee and ticket.assignee.is_active:
        recipients = [ticket.assignee.email]
    elif ticket.team:
        recipients = _team_recipients(ticket.team)
    else:
        return
    _queue(
        template=f"sla_{kind}",
        recipients=recipients,
        language=settings.LANGUAGE_CODE,
        ticket=ticket,
        context={"target": target, "due_at": due_at},
        not_before=not_before,
        now=now,
    )
