"""Reads of live chat: access, the queue, what a customer is told, messages to replay."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from helpdesk.models import Attachment, Priority, SLATarget, TicketMessage, User
from helpdesk.sla import business_time
from helpdesk.sla.calendars import load_calendar

from .models import AgentAvailability, ChatSession

OPEN = (ChatSession.Status.WAITING, ChatSession.Status.ACTIVE)
# Expected wait is the median of the last accepted chats of the team.
WAIT_SAMPLE = 20


def open_session_for(customer: User) -> ChatSession | None:
    return (
        ChatSession.objects.filter(customer=customer, status__in=OPEN)
        .select_related("ticket", "team", "agent")
        .order_by("-created_at")
        .first()
    )


def access_session(user: User, session_id) -> ChatSession:
    """The chat if `user` may take part in it, else Http404 (never 403: no hint it exists).

    A customer sees only their own chats; an agent sees waiting chats (to accept them) and
    the chats they hold; nobody else.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        raise Http404
    try:
        session = ChatSession.objects.select_related("ticket", "team", "agent", "customer").get(
            pk=int(session_id)
        )
    except (ChatSession.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    if session.customer_id == user.pk:
        return session
    if user.is_staff and (session.agent_id == user.pk or session.status == ChatSession.Status.WAITING):
        return session
    raise Http404


def may_agent_chat(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def active_chat_count(agent: User) -> int:
    return ChatSession.objects.filter(agent=agent, status=ChatSession.Status.ACTIVE).count()


def availability_of(agent: User) -> AgentAvailability | None:
    return AgentAvailability.objects.filter(agent=agent).first()


def messages_after(session: ChatSession, *, user: User, after: int, limit: int = 200) -> list[TicketMessage]:
    """The chat's messages with an id above `after`, oldest first, as `user` may see them.

    Replayed on every (re)connect and after every nudge: a client sends the last id it has,
    so nothing is lost and nothing arrives twice. Customers never get internal notes.
    """
    if session.ticket_id is None:
        return []
    internal = user.is_staff
    files = Attachment.objects.order_by("pk")
    messages = TicketMessage.objects.filter(ticket_id=session.ticket_id, pk__gt=after)
    if not internal:
        files = files.filter(is_internal=False)
        messages = messages.filter(kind__in=TicketMessage.PUBLIC_KINDS)
    return list(
        messages.select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=files))
        .order_by("pk")[:limit]
    )


def message_payload(message: TicketMessage, *, for_staff: bool) -> dict:
    author = message.author
    return {
        "id": message.pk,
        "kind": message.kind,
        "body": message.body,
        "author": author.name_shown_to(staff=for_staff) if author else "",
        "mine_role": "agent" if (author and author.is_staff) else "customer",
        "internal": message.kind == TicketMessage.Kind.INTERNAL_NOTE,
        "at": message.created_at.isoformat(),
        "files": [
            {"name": item.original_name, "url": item.get_absolute_url(), "size": item.size}
            for item in message.attachments.all()
        ],
    }


def session_payload(session: ChatSession, *, for_staff: bool) -> dict:
    data = {
        "id": session.pk,
        "status": session.status,
        "status_label": str(session.get_status_display()),
        "opening_text": session.opening_text,
        "agent": session.agent.name_shown_to(staff=for_staff) if session.agent else "",
        "ticket": session.ticket.reference if session.ticket else "",
        "customer_read_id": session.customer_read_id,
        "agent_read_id": session.agent_read_id,
        "rating": session.rating,
    }
    if for_staff and session.ticket:
        data["ticket_url"] = f"/admin/helpdesk/ticket/{session.ticket.pk}/change/"
    return data


# --- The customer's view of the queue ------------------------------------------------------


@dataclass(frozen=True)
class Availability:
    """What the chat button says: open now, agents free, place in queue, expected wait."""

    is_open: bool
    agents_free: int
    place: int | None
    expected_wait: timedelta | None
    target: timedelta | None
    opens_at: datetime | None
    timezone: str
    offer_form: bool


def _free_slots(team_id: int | None) -> int:
    availabilities = AgentAvailability.objects.filter(status=AgentAvailability.Status.AVAILABLE)
    if team_id:
        availabilities = availabilities.filter(agent__teams__pk=team_id)
    rows = list(
        availabilities.annotate(
            active=Count("agent__chats_taken", filter=Q(agent__chats_taken__status=ChatSession.Status.ACTIVE))
        ).values_list("max_chats", "active")
    )
    return sum(max(limit - active, 0) for limit, active in rows), len(rows)


def _median_wait(team_id: int | None) -> timedelta | None:
    accepted = ChatSession.objects.filter(accepted_at__isnull=False)
    if team_id:
        accepted = accepted.filter(team_id=team_id)
    rows = list(accepted.order_by("-accepted_at").values_list("created_at", "accepted_at")[:WAIT_SAMPLE])
    if not rows:
        return None
    return timedelta(seconds=median((accepted_at - created).total_seconds() for created, accepted_at in rows))


def _first_response_target(organization) -> timedelta | None:
    target = (
        SLATarget.objects.filter(plan_id=organization.sla_plan_id, priority=Priority.P3)
        .order_by("pk")
        .values_list("first_response_minutes", flat=True)
        .first()
    )
    return timedelta(minutes=target) if target else None


def availability_for(
    *, customer: User, team, organization, session: ChatSession | None, now: datetime
) -> Availability:
    """Whether chat makes sense now for this customer, and if not, when it will.

    The form is offered instead when the team is outside its hours, nobody is available, or
    the expected wait (or the time already waited) is beyond the plan's first-response target.
    """
    profile = getattr(customer, "customer_profile", None)
    tz = profile.effective_timezone if profile else organization.timezone
    calendar_id = team.calendar_id if team else organization.sla_plan.calendar_id
    calendar = load_calendar(calendar_id)
    # The Urgent plan promises an answer within the hour around the clock: its customers are
    # served whatever the team's office hours (docs/architecture.md, "Live chat").
    around_the_clock = business_time.is_24x7(load_calendar(organization.sla_plan.calendar_id))
    is_open = around_the_clock or business_time.is_open(calendar, now)
    opens_at = None if is_open else business_time.next_open(calendar, now)
    team_id = team.pk if team else None
    free, available_agents = _free_slots(team_id)
    place = None
    if session is not None and session.status == ChatSession.Status.WAITING:
        ahead = ChatSession.objects.filter(
            status=ChatSession.Status.WAITING, team_id=session.team_id, created_at__lt=session.created_at
        ).count()
        place = ahead + 1
    typical = _median_wait(team_id)
    if place is not None and place <= free:
        expected = timedelta(0)
    elif typical is not None:
        expected = typical * (place or 1)
    else:
        expected = None
    target = _first_response_target(organization)
    waited = (now - session.created_at) if place is not None else timedelta(0)
    too_long = target is not None and ((expected is not None and expected > target) or waited > target)
    offer_form = (not is_open) or available_agents == 0 or too_long
    return Availability(
        is_open=is_open,
        agents_free=free,
        place=place,
        expected_wait=expected,
        target=target,
        opens_at=opens_at,
        timezone=tz,
        offer_form=offer_form,
    )


# --- The agents' queue -----------------------------------------------------------------------


def waiting_chats(agent: User) -> QuerySet[ChatSession]:
    """Waiting chats an agent may accept: those of their teams (all, for a superuser), oldest first."""
    chats = ChatSession.objects.filter(status=ChatSession.Status.WAITING).select_related(
        "customer", "organization__sla_plan", "team", "category"
    )
    if not agent.is_superuser:
        chats = chats.filter(Q(team__members=agent) | Q(team__isnull=True))
    return chats.order_by("created_at", "pk")


def my_chats(agent: User) -> QuerySet[ChatSession]:
    return (
        ChatSession.objects.filter(agent=agent, status=ChatSession.Status.ACTIVE)
        .select_related("customer", "organization__sla_plan", "team", "ticket", "agent")
        .order_by("accepted_at", "pk")
    )


def queue_payload(agent: User, *, now: datetime) -> dict:
    availability = availability_of(agent)
    return {
        "availability": {
            "status": availability.status if availability else AgentAvailability.Status.AWAY,
            "max_chats": availability.max_chats if availability else 3,
        },
        "waiting": [
            {
                "id": chat.pk,
                "customer": chat.customer.full_name or chat.customer.email,
                "organization": chat.organization.name,
                "plan": str(chat.organization.sla_plan),
                "team": chat.team.name if chat.team else "",
                "category": chat.category.name,
                "waited_seconds": max(int((now - chat.created_at).total_seconds()), 0),
                "opening_text": chat.opening_text[:300],
            }
            for chat in waiting_chats(agent)[:100]
        ],
        "mine": [agent_session_payload(chat) for chat in my_chats(agent)],
    }


def agent_session_payload(chat: ChatSession) -> dict:
    return {
        **session_payload(chat, for_staff=True),
        "customer": chat.customer.full_name or chat.customer.email,
        "organization": chat.organization.name,
        "plan": str(chat.organization.sla_plan),
    }


def transcript_mail(*, session: ChatSession, customer: User) -> tuple[str, str]:
    """Subject and body of the transcript, in the customer's language."""
    language = getattr(getattr(customer, "customer_profile", None), "language", "") or None
    messages = messages_after(session, user=customer, after=0, limit=10_000)
    with translation.override(language):
        subject = _("Transcript of your chat %(ref)s") % {"ref": session.ticket.reference}
        body = render_to_string(
            "chat/email/transcript.txt", {"session": session, "messages": messages, "ticket": session.ticket}
        )
    return subject, body


def chat_deflection_rate(*, start: datetime, end: datetime) -> dict:
    """Chats solved by a suggestion before they started ÷ chats begun, in [start, end)."""
    counts = ChatSession.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        started=Count("pk"),
        deflected=Count("pk", filter=Q(status=ChatSession.Status.DEFLECTED)),
    )
    started, deflected = counts["started"], counts["deflected"]
    return {"started": started, "deflected": deflected, "rate": deflected / started if started else None}
