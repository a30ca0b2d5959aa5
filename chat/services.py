"""Every write of live chat. Consumers and views translate onto these functions.

The chat owns no message store: accepting a chat opens a ticket through the intake door
(channel chat) and every message after that goes through `helpdesk.services.conversation`,
written and committed before anyone is told about it: the consumer that called the service
nudges the chat's group only after the service has returned (`chat.events`).
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import Category, Channel, Status, Team, TicketMessage, User
from helpdesk.models.outbox import EmailKind
from helpdesk.services import conversation, intake, outbox, staging, tickets, workflow
from helpdesk.services.routing import route_team

from . import selectors
from .models import AgentAvailability, ChatParticipant, ChatSession

# Chat ids are turned into the ticket's idempotency key, so a retried accept opens one ticket.
CHAT_KEY_NAMESPACE = uuid.UUID("7a6b1f1e-3c1d-4b8e-9a51-6c6b8f0c1a15")


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write a message first."))
    limit = settings.CHAT_MAX_MESSAGE_CHARS
    if len(text) > limit:
        raise ValidationError(
            _("A chat message can be at most %(limit)s characters."), params={"limit": limit}
        )
    return text


@transaction.atomic
def set_availability(
    *, agent: User, status: str, max_chats: int | None = None, now: datetime | None = None
) -> AgentAvailability:
    """An agent says whether they take chats now, and how many at once."""
    if not agent.is_staff:
        raise ValidationError(_("Only agents take chats."))
    if status not in AgentAvailability.Status.values:
        raise ValidationError(_("Choose available or away."))
    availability, _created = AgentAvailability.objects.select_for_update().get_or_create(
        agent=agent, defaults={"updated_at": resolve_now(now)}
    )
    availability.status = status
    if max_chats is not None:
        availability.max_chats = max_chats
    availability.updated_at = resolve_now(now)
    availability.full_clean()
    availability.save()
    return availability


@transaction.atomic
def start_chat(*, customer: User, category: Category, text: str, now: datetime | None = None) -> ChatSession:
    """A customer opens a chat with their first words; it waits for an agent of the team the
    request would be routed to (category and ERP skills, as for tickets). A customer has one
    open chat at a time: starting again returns it."""
    now = resolve_now(now)
    text = _check_text(text)
    profile = getattr(customer, "customer_profile", None)
    if profile is None or customer.is_staff:
        raise ValidationError(_("Only customers with an organization can chat with support."))
    existing = selectors.open_session_for(customer)
    if existing is not None:
        return existing
    organization = profile.organization
    erp_system = organization.default_erp_system or ""
    session = ChatSession.objects.create(
        customer=customer,
        organization=organization,
        category=category,
        erp_system=erp_system,
        team=route_team(category=category, erp_system=erp_system),
        opening_text=text,
        created_at=now,
    )
    ChatParticipant.objects.create(
        session=session, user=customer, role=ChatParticipant.Role.CUSTOMER, joined_at=now
    )
    return session


@transaction.atomic
def add_waiting_text(*, session: ChatSession, customer: User, text: str) -> ChatSession:
    """More words while nobody has answered yet: they join the opening message (the future
    ticket's description), so nothing typed before the ticket exists is lost."""
    text = _check_text(text)
    session = ChatSession.objects.select_for_update().get(pk=session.pk)
    if session.customer_id != customer.pk or session.status != ChatSession.Status.WAITING:
        raise ValidationError(_("This chat is not waiting any more."))
    combined = f"{session.opening_text}\n\n{text}"
    if len(combined) > settings.CHAT_MAX_OPENING_CHARS:
        raise ValidationError(_("Please wait for an agent before writing more."))
    session.opening_text = combined
    session.save(update_fields=["opening_text"])
    return session


def accept_chat(*, session: ChatSession, agent: User, now: datetime | None = None) -> ChatSession:
    """An agent takes a waiting chat: the chat becomes a ticket (channel chat, the customer as
    requester, assigned to the agent), so it has a reference, an SLA clock and an audit trail.

    Refused when the agent is away, at their maximum of concurrent chats, or not in the
    chat's team. Two agents accepting at once: one wins, the other is told it is taken.
    """
    now = resolve_now(now)
    _claim(session=session, agent=agent, now=now)
    session.refresh_from_db()
    try:
        ticket = session.ticket or intake.open_ticket(
            requester=session.customer,
            channel=Channel.CHAT,
            fields={
                "category": session.category,
                "subject": _subject(session.opening_text),
                "symptoms": session.opening_text,
                "erp_system": session.erp_system,
            },
            idempotency_key=uuid.uuid5(CHAT_KEY_NAMESPACE, str(session.pk)),
            now=now,
        )
    except ValidationError:
        _release(session=session)
        raise
    with transaction.atomic():
        tickets.assign_ticket(ticket=ticket, assignee=agent, actor=agent, now=now)
        ChatSession.objects.filter(pk=session.pk).update(ticket=ticket)
        ChatParticipant.objects.get_or_create(
            session=session, user=agent, defaults={"role": ChatParticipant.Role.AGENT, "joined_at": now}
        )
    session.refresh_from_db()
    return session


@transaction.atomic
def _claim(*, session: ChatSession, agent: User, now: datetime) -> None:
    availability = AgentAvailability.objects.select_for_update().filter(agent=agent).first()
    if availability is None or availability.status != AgentAvailability.Status.AVAILABLE:
        raise ValidationError(_("Set yourself available to take chats."))
    if selectors.active_chat_count(agent) >= availability.max_chats:
        raise ValidationError(
            _("You already have %(count)s chats, your maximum."), params={"count": availability.max_chats}
        )
    if session.team_id and not agent.is_superuser and not session.team.members.filter(pk=agent.pk).exists():
        raise ValidationError(_("This chat is for another team."))
    taken = ChatSession.objects.filter(pk=session.pk, status=ChatSession.Status.WAITING).update(
        status=ChatSession.Status.ACTIVE, agent=agent, accepted_at=now
    )
    if not taken:
        raise ValidationError(_("Another agent has taken this chat, or it has ended."))


@transaction.atomic
def _release(*, session: ChatSession) -> None:
    ChatSession.objects.filter(pk=session.pk).update(
        status=ChatSession.Status.WAITING, agent=None, accepted_at=None
    )


def _subject(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return (first_line[:120] or _("Live chat")).strip()


def post_message(
    *,
    session: ChatSession,
    author: User,
    body: str,
    upload_token: str | None = None,
    internal: bool = False,
    now: datetime | None = None,
) -> TicketMessage | None:
    """A message in a chat, written through the conversation service before it is pushed.

    Files were uploaded over HTTP (`stage_files`) and are referenced here by their staging
    token; they are stored under the ticket rules. While the chat waits, the customer's words
    join the opening message instead (returns None). Precondition: `author` passed
    `selectors.access_session` for this session.
    """
    body = _check_text(body)
    session.refresh_from_db()
    if session.status == ChatSession.Status.WAITING and author.pk == session.customer_id and not upload_token:
        add_waiting_text(session=session, customer=author, text=body)
        return None
    if session.status != ChatSession.Status.ACTIVE or session.ticket is None:
        raise ValidationError(_("This chat has ended."))
    attachments = staging.StagedUploads(user_id=author.pk, token=staging.valid_token(upload_token))
    with transaction.atomic():
        message = conversation.add_reply(
            ticket=session.ticket,
            author=author,
            body=body,
            channel=Channel.CHAT,
            attachments=attachments,
            visibility=conversation.Visibility.INTERNAL if internal else conversation.Visibility.PUBLIC,
            now=now,
        )
        # The writer has read everything up to their own message.
        field = "agent_read_id" if author.is_staff else "customer_read_id"
        ChatSession.objects.filter(pk=session.pk).update(**{field: message.pk})
    return message


def stage_files(*, user: User, uploads) -> tuple[str, list, list[ValidationError]]:
    """Check and keep uploaded files for the next chat message; returns (token, files, errors)."""
    token = staging.new_token()
    staged, errors = staging.stage_uploads(user_id=user.pk, token=token, uploads=uploads)
    return token, staged, errors


@transaction.atomic
def mark_read(*, session: ChatSession, user: User, message_id: int) -> None:
    """`user` has seen everything up to `message_id` (only ever moves forward)."""
    field = "agent_read_id" if user.is_staff else "customer_read_id"
    ChatSession.objects.filter(pk=session.pk, **{f"{field}__lt": message_id}).update(**{field: message_id})


def transfer_chat(
    *,
    session: ChatSession,
    actor: User,
    to_agent: User | None = None,
    to_team: Team | None = None,
    now: datetime | None = None,
) -> ChatSession:
    """Hand an active chat to another agent (who must be available with a free slot), or back
    to the queue of another team."""
    now = resolve_now(now)
    session.refresh_from_db()
    if session.status != ChatSession.Status.ACTIVE or session.ticket is None:
        raise ValidationError(_("Only a chat in progress can be transferred."))
    if to_agent is not None:
        with transaction.atomic():
            ChatSession.objects.filter(pk=session.pk).update(status=ChatSession.Status.WAITING, agent=None)
            session.refresh_from_db()
            _claim(session=session, agent=to_agent, now=now)  # refused: the whole block rolls back
            tickets.assign_ticket(ticket=session.ticket, assignee=to_agent, actor=actor, now=now)
            ChatParticipant.objects.get_or_create(
                session=session,
                user=to_agent,
                defaults={"role": ChatParticipant.Role.AGENT, "joined_at": now},
            )
    elif to_team is not None:
        with transaction.atomic():
            ChatSession.objects.filter(pk=session.pk).update(
                status=ChatSession.Status.WAITING, agent=None, team=to_team
            )
            tickets.set_team(ticket=session.ticket, team=to_team, actor=actor, now=now)
            tickets.assign_ticket(ticket=session.ticket, assignee=None, actor=actor, now=now)
    else:
        raise ValidationError(_("Choose an agent or a team."))
    session.refresh_from_db()
    return session


@transaction.atomic
def end_chat(
    *, session: ChatSession, actor: User, resolve: bool = False, now: datetime | None = None
) -> ChatSession:
    """End a chat. The agent chooses whether the ticket stays open (more to do) or is resolved.
    A customer who leaves before anyone answered abandons it (counted in the reports)."""
    now = resolve_now(now)
    session = ChatSession.objects.select_for_update().get(pk=session.pk)
    if not session.is_open:
        return session
    answered = session.status == ChatSession.Status.ACTIVE
    session.status = ChatSession.Status.ENDED if answered else ChatSession.Status.ABANDONED
    session.ended_at = now
    session.save(update_fields=["status", "ended_at"])
    ChatParticipant.objects.filter(session=session, left_at__isnull=True).update(left_at=now)
    if resolve and actor.is_staff and session.ticket and session.ticket.status != Status.RESOLVED:
        workflow.set_status(ticket=session.ticket, status=Status.RESOLVED, actor=actor, now=now)
    return session


@transaction.atomic
def rate_chat(*, session: ChatSession, customer: User, score: int, comment: str = "") -> ChatSession:
    """The customer rates an ended chat (once; a second rating replaces the first)."""
    if session.customer_id != customer.pk or session.status != ChatSession.Status.ENDED:
        raise ValidationError(_("Only an ended chat can be rated."))
    if score not in range(1, 6):
        raise ValidationError(_("Choose from 1 to 5 stars."))
    ChatSession.objects.filter(pk=session.pk).update(rating=score, rating_comment=(comment or "")[:1000])
    session.refresh_from_db()
    return session


@transaction.atomic
def mail_transcript(*, session: ChatSession, customer: User, now: datetime | None = None):
    """The transcript of a chat to its customer, through the outbox."""
    if session.customer_id != customer.pk or session.ticket is None:
        raise ValidationError(_("This chat has no transcript yet."))
    subject, body = selectors.transcript_mail(session=session, customer=customer)
    return outbox.queue_email(
        to=[customer.email],
        subject=subject,
        body=body,
        kind=EmailKind.CHAT_TRANSCRIPT,
        ticket=session.ticket,
        now=now,
    )


@transaction.atomic
def record_deflection(
    *, customer: User, category: Category, text: str, url: str, title: str, now: datetime | None = None
) -> ChatSession:
    """A suggestion shown while the customer typed their first message solved it: the chat
    never starts, and the deflection is counted (`selectors.chat_deflection_rate`)."""
    now = resolve_now(now)
    profile = getattr(customer, "customer_profile", None)
    if profile is None:
        raise ValidationError(_("Only customers with an organization can chat with support."))
    return ChatSession.objects.create(
        customer=customer,
        organization=profile.organization,
        category=category,
        erp_system=profile.organization.default_erp_system or "",
        opening_text=(text or "").strip()[: settings.CHAT_MAX_MESSAGE_CHARS],
        status=ChatSession.Status.DEFLECTED,
        created_at=now,
        ended_at=now,
        solved_by_url=(url or "")[:300],
        solved_by_title=(title or "")[:200],
    )


__all__ = [
    "accept_chat",
    "add_waiting_text",
    "end_chat",
    "mail_transcript",
    "mark_read",
    "post_message",
    "rate_chat",
    "record_deflection",
    "set_availability",
    "stage_files",
    "start_chat",
    "transfer_chat",
]
