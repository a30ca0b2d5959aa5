"""Who may see which tickets and files."""

import uuid

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from helpdesk.models import Attachment, Ticket, TicketEvent, TicketFollower, TicketMessage, User


def visible_tickets(user: User) -> QuerySet[Ticket]:
    """Agents see every ticket; a customer sees their own and those they follow, an
    organization admin their organization's; anyone else sees none."""
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if user.is_staff:
        return Ticket.objects.all()
    profile = getattr(user, "customer_profile", None)
    if profile is None:
        return Ticket.objects.none()
    if profile.is_org_admin:
        return Ticket.objects.filter(organization_id=profile.organization_id)
    if not profile.follows_tickets:
        return Ticket.objects.filter(requester=user)
    # A subquery, not a join, so a ticket with several followers is still one row. A follower
    # who has moved to another organization no longer sees the old one's tickets.
    followed = TicketFollower.objects.filter(user=user).values("ticket_id")
    return Ticket.objects.filter(
        Q(requester=user) | Q(pk__in=followed, organization_id=profile.organization_id)
    )


def access_ticket(user: User, reference_or_pk: str | int) -> Ticket:
    """The ticket if `user` may see it; 404 otherwise, never 403 (that would leak existence)."""
    pk = (
        reference_or_pk
        if isinstance(reference_or_pk, int)
        else Ticket.pk_from_reference(str(reference_or_pk))
    )
    ticket = (
        visible_tickets(user)
        .select_related(
            "category", "organization__sla_plan", "requester", "assignee", "team", "merged_into", "sla_plan"
        )
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def access_attachment(user: User, pk: int) -> Attachment:
    """An attachment of a ticket the user may see; internal files only for agents."""
    qs = Attachment.objects.select_related("ticket").filter(pk=pk, ticket__in=visible_tickets(user))
    if not user.is_staff:
        qs = qs.filter(Q(is_internal=False))
    attachment = qs.first()
    if attachment is None:
        raise Http404("No such file.")
    return attachment


def conversation(ticket: Ticket, *, internal: bool) -> list[TicketMessage]:
    """The ticket's messages in order, each with its files. Customers (internal=False) never
    get internal notes or internal files."""
    files = Attachment.objects.order_by("created_at", "pk")
    messages = ticket.messages.all()
    if not internal:
        files = files.filter(is_internal=False)
        messages = messages.filter(kind__in=TicketMessage.PUBLIC_KINDS)
    return list(
        messages.select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=files))
        .order_by("created_at", "pk")
    )


def request_files(ticket: Ticket, *, internal: bool) -> list[Attachment]:
    """Files sent with the request itself (not with a later message)."""
    files = ticket.attachments.filter(message__isnull=True)
    if not internal:
        files = files.filter(is_internal=False)
    return list(files.order_by("created_at", "pk"))


def audit_trail(ticket: Ticket) -> list[TicketEvent]:
    return list(ticket.events.select_related("actor").order_by("created_at", "pk"))


def ticket_with_key(key: uuid.UUID, **filters) -> Ticket | None:
    """The ticket created with this idempotency key (and `filters`), if any. Nearly every
    lookup finds none, so it reads the id alone (a ticket row has some sixty columns to turn
    into a model, which cost more than the query) and the row only on a hit."""
    pk = Ticket.objects.filter(submission_key=key, **filters).values_list("pk", flat=True).first()
    return None if pk is None else Ticket.objects.get(pk=pk)
