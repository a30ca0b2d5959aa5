"""Adding and removing a ticket's followers: colleagues of the requester, same organization."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import CustomerProfile, Ticket, TicketFollower, User


def can_manage_followers(*, user: User, ticket: Ticket) -> bool:
    """The requester and their organization's admins choose who follows; agents do not (the
    portal is the customer's side of the ticket)."""
    if not user.is_authenticated or user.is_staff:
        return False
    if ticket.requester_id == user.pk:
        return True
    profile = getattr(user, "customer_profile", None)
    return bool(profile and profile.is_org_admin and profile.organization_id == ticket.organization_id)


def colleagues_to_add(*, ticket: Ticket) -> QuerySet[User]:
    """Active customers of the ticket's organization who are neither its requester nor following."""
    return (
        User.objects.filter(
            is_active=True, is_staff=False, customer_profile__organization_id=ticket.organization_id
        )
        .exclude(pk=ticket.requester_id)
        .exclude(followed_tickets__ticket=ticket)
        .order_by("full_name", "email")
    )


def followers_of(*, ticket: Ticket) -> list[TicketFollower]:
    return list(ticket.followers.select_related("user").order_by("created_at", "pk"))


@transaction.atomic
def add_follower(*, ticket: Ticket, user: User, actor: User, now: datetime | None = None) -> TicketFollower:
    """Let `user` follow `ticket`. Refused (ValidationError on "user") unless `actor` may manage
    the followers and `user` is an active colleague in the ticket's organization."""
    now = resolve_now(now)
    if not can_manage_followers(user=actor, ticket=ticket):
        raise ValidationError({"user": _("Only the requester or an organization admin can add followers.")})
    if not colleagues_to_add(ticket=ticket).filter(pk=user.pk).exists():
        existing = TicketFollower.objects.filter(ticket=ticket, user=user).first()
        if existing is not None:
            return existing
        raise ValidationError(
            {"user": _("Only active colleagues from your organization can follow a request.")}
        )
    CustomerProfile.objects.filter(user=user, follows_tickets=False).update(follows_tickets=True)
    if getattr(user, "customer_profile", None) is not None:
        user.customer_profile.follows_tickets = True
    try:
        with transaction.atomic():
            return TicketFollower.objects.create(ticket=ticket, user=user, added_by=actor, created_at=now)
    except IntegrityError:  # added twice at once: the other request won
        return TicketFollower.objects.get(ticket=ticket, user=user)


@transaction.atomic
def remove_follower(*, ticket: Ticket, user: User, actor: User) -> bool:
    """Stop `user` following; a follower may leave on their own. True if a row was removed."""
    if actor.pk != user.pk and not can_manage_followers(user=actor, ticket=ticket):
        raise ValidationError(
            {"user": _("Only the requester or an organization admin can remove followers.")}
        )
    deleted, _ignored = TicketFollower.objects.filter(ticket=ticket, user=user).delete()
    if deleted and not TicketFollower.objects.filter(user=user).exists():
        CustomerProfile.objects.filter(user=user).update(follows_tickets=False)
        if getattr(user, "customer_profile", None) is not None:
            user.customer_profile.follows_tickets = False
    return bool(deleted)
