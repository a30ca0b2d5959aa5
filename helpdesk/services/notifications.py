"""Who is told what, in their language; every mail goes through the outbox.

Each mail is one EmailKind, rendered from helpdesk/email/<kind>.txt (first line: subject)
in the recipient's language; the outbox adds the HTML part when it sends. Mails to the
requester carry the ticket's signed reply address (helpdesk.mail.addresses), so answering
one lands in the conversation; automatic ones say so (Auto-Submitted, RFC 3834), so other
robots do not answer them.
"""

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from helpdesk.mail.addresses import reply_address
from helpdesk.models import Channel, EmailKind, OutboundEmail, Status, Ticket, TicketMessage, User

from .links import details_url
from .outbox import queue_email

# Written by a person: the only kinds a vacation responder may answer.
PERSONAL_KINDS = frozenset({EmailKind.AGENT_REPLY, EmailKind.CUSTOMER_REPLY})
# Mails to the requester, answered by mail into the conversation.
REPLYABLE_KINDS = frozenset(
    {
        EmailKind.TICKET_RECEIVED,
        EmailKind.DETAILS_NEEDED,
        EmailKind.AGENT_REPLY,
        EmailKind.STATUS_CHANGED,
        EmailKind.SATISFACTION_SURVEY,
    }
)
HISTORY_QUOTED = 3  # earlier public messages quoted under an agent's reply
# The first mail to the requester of a new ticket: the plain receipt, or the receipt that
# also lists what is missing. Later mails thread under it; a new ticket gets one of them.
RECEIPT_KINDS = (EmailKind.TICKET_RECEIVED, EmailKind.DETAILS_NEEDED)


def _timezone_of(user: User) -> str:
    profile = getattr(user, "customer_profile", None)
    return profile.effective_timezone if profile else settings.TIME_ZONE


def language_of(user: User | None) -> str:
    """The language `user` reads: the profile's choice, else the product default."""
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


def _thread_headers(ticket: Ticket) -> dict[str, str]:
    """In-Reply-To/References to the ticket's first mail, so clients thread the conversation."""
    root = (
        OutboundEmail.objects.filter(ticket=ticket, kind__in=RECEIPT_KINDS)
        .exclude(message_id="")
        .order_by("pk")
        .values_list("message_id", flat=True)
        .first()
    )
    return {"In-Reply-To": root, "References": root} if root else {}


def _prepare(
    *,
    kind: EmailKind,
    recipients: list[str],
    language: str,
    ticket: Ticket,
    context: dict,
    not_before: datetime | None = None,
    now: datetime | None = None,
    thread: bool = False,
) -> dict:
    """A mail rendered and ready to queue: `queue_email`'s keyword arguments."""
    reply_to = reply_address(ticket) if kind in REPLYABLE_KINDS else ""
    subject, body = _render(kind, language, {"ticket": ticket, "reply_to": reply_to, **context})
    headers = {"X-Kuaixiang-Ticket": ticket.reference}
    if kind not in PERSONAL_KINDS:
        headers["Auto-Submitted"] = "auto-generated"
    if thread:
        headers.update(_thread_headers(ticket))
    return {
        "to": recipients,
        "subject": subject,
        "body": body,
        "kind": kind,
        "ticket": ticket,
        "reply_to": reply_to,
        "headers": headers,
        "not_before": not_before,
        "now": now,
    }


def _queue(**mail) -> None:
    queue_email(**_prepare(**mail))


# Which profile switch silences which mail to a customer; a kind not listed is always sent.
PREFERENCE_FOR = {
    EmailKind.AGENT_REPLY: "mail_replies",
    EmailKind.SATISFACTION_SURVEY: "mail_status_changes",
    EmailKind.STATUS_CHANGED: "mail_status_changes",
}


def customer_recipients(ticket: Ticket, kind: EmailKind, *, followers: bool = True) -> list[User]:
    """The customers a ticket mail goes to: the requester, then (with `followers`) each active
    follower, leaving out anyone who switched that kind of mail off in their profile."""
    people = [ticket.requester]
    if followers:
        people += [
            f.user for f in ticket.followers.select_related("user__customer_profile") if f.user.is_active
        ]
    switch = PREFERENCE_FOR.get(kind)

    def wants(user: User) -> bool:
        profile = getattr(user, "customer_profile", None)
        return switch is None or profile is None or getattr(profile, switch)

    return [user for user in people if wants(user)]


def _queue_to_customers(
    kind: EmailKind,
    ticket: Ticket,
    context: dict,
    *,
    followers: bool = True,
    now: datetime | None = None,
    thread: bool = False,
) -> None:
    """One mail per customer recipient, each in their own language and time zone."""
    for user in customer_recipients(ticket, kind, followers=followers):
        _queue(
            kind=kind,
            recipients=[user.email],
            language=language_of(user),
            ticket=ticket,
            context={"timezone": _timezone_of(user), **context},
            now=now,
            thread=thread,
        )


def _received(ticket: Ticket, *, now: datetime | None) -> dict:
    return _prepare(
        kind=EmailKind.TICKET_RECEIVED,
        recipients=[ticket.requester.email],
        language=language_of(ticket.requester),
        ticket=ticket,
        context={"timezone": _timezone_of(ticket.requester)},
        now=now,
    )


def ticket_received(ticket: Ticket, *, now: datetime | None = None) -> None:
    queue_email(**_received(ticket, now=now))


def _team_recipients(team) -> list[str]:
    """The team's shared mailbox, else every active member."""
    if team.email:
        return [team.email]
    return list(team.members.filter(is_active=True).values_list("email", flat=True))


def _details_needed(ticket: Ticket, *, missing: list[str], now: datetime | None) -> dict:
    return _prepare(
        kind=EmailKind.DETAILS_NEEDED,
        recipients=[ticket.requester.email],
        language=language_of(ticket.requester),
        ticket=ticket,
        context={
            "missing": missing,
            "details_url": details_url(ticket),
            "timezone": _timezone_of(ticket.requester),
        },
        now=now,
    )


def details_needed(ticket: Ticket, *, missing: list[str], now: datetime | None = None) -> None:
    """The receipt of a request that lacks details: its reference and SLA promise, one line
    per gap in `missing` (already translated), the link to complete it, and how to follow
    and answer it. A new ticket's only mail to its requester when details are missing."""
    queue_email(**_details_needed(ticket, missing=missing, now=now))


def _team_new_ticket(ticket: Ticket, *, now: datetime | None) -> dict | None:
    if ticket.team is None:
        return None
    return _prepare(
        kind=EmailKind.TEAM_NEW_TICKET,
        recipients=_team_recipients(ticket.team),
        language=settings.LANGUAGE_CODE,
        ticket=ticket,
        context={},
        now=now,
    )


def team_new_ticket(ticket: Ticket, *, now: datetime | None = None) -> None:
    mail = _team_new_ticket(ticket, now=now)
    if mail is not None:
        queue_email(**mail)


def new_ticket_mails(ticket: Ticket, *, missing: list[str], now: datetime | None = None) -> list[dict]:
    """A new ticket's mails, rendered but not queued (`queue_email`'s keyword arguments each),
    so the task worker renders them before its write transaction: the receipt (the one that
    also lists what is `missing`, when something is) and the team's "new ticket"."""
    receipt = _details_needed(ticket, missing=missing, now=now) if missing else _received(ticket, now=now)
    team = _team_new_ticket(ticket, now=now)
    return [receipt] if team is None else [receipt, team]


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
    """The agent's reply, the earlier public messages quoted under it, and the signed reply
    address: answering the mail adds the customer's reply to the conversation."""
    if message.channel == Channel.CHAT:
        return  # seen live in the chat; the transcript is mailed on request (chat.services)
    history = list(
        TicketMessage.objects.filter(ticket=ticket, kind__in=TicketMessage.PUBLIC_KINDS)
        .exclude(pk=message.pk)
        .select_related("author")
        .order_by("-created_at", "-pk")[:HISTORY_QUOTED]
    )
    quoted = [(old.created_at, old.author, old.body) for old in history]
    if len(history) < HISTORY_QUOTED:  # the conversation is short: quote the request itself too
        quoted.append((ticket.created_at, ticket.requester, ticket.symptoms))
    history = [
        {
            "created_at": at,
            "author": author,
            "quoted": "\n".join(f"> {line}" if line else ">" for line in body.splitlines()),
        }
        for at, author, body in quoted
        if body.strip()
    ]
    _queue_to_customers(
        EmailKind.AGENT_REPLY, ticket, {"message": message, "history": history}, now=now, thread=True
    )


def status_changed(ticket: Ticket, *, old_status: str, now: datetime | None = None) -> None:
    """Tell the requester their request now waits on them, is on hold, or was closed."""
    if ticket.status not in (Status.PENDING_CUSTOMER, Status.ON_HOLD, Status.CLOSED):
        return
    _queue_to_customers(
        EmailKind.STATUS_CHANGED,
        ticket,
        {"old_status": Status(old_status).label, "new_status": Status(ticket.status).label},
        now=now,
        thread=True,
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
    # The rating link is single-use and the requester's: followers are not surveyed.
    _queue_to_customers(
        EmailKind.SATISFACTION_SURVEY, ticket, {"token": token}, followers=False, now=now, thread=True
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
    and to the team's lead, possibly held until team hours. `target` is the target's label."""
    if kind not in SLA_ALERTS:
        raise ValueError(f"not an SLA alert: {kind!r}")
    if ticket.assignee and ticket.assignee.is_active:
        recipients = [ticket.assignee.email]
    elif ticket.team:
        recipients = _team_recipients(ticket.team)
    else:
        return
    lead = ticket.team.lead if ticket.team else None
    if lead is not None and lead.is_active and lead.email not in recipients:
        recipients.append(lead.email)  # the lead sees every clock of the team running out
    _queue(
        kind=kind,
        recipients=recipients,
        language=settings.LANGUAGE_CODE,
        ticket=ticket,
        context={"target": target, "due_at": due_at},
        not_before=not_before,
        now=now,
    )
