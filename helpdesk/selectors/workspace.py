"""What the admin index shows an agent: their queue at a glance, a few bounded queries."""

from datetime import datetime

from django.db.models import QuerySet

from helpdesk.models import OPEN_STATUSES, Status, Ticket, User
from helpdesk.sla.status import SlaBadge, badges_for

PANEL_SIZE = 10


def _base() -> QuerySet[Ticket]:
    return Ticket.objects.live().select_related("requester", "organization", "assignee", "team")


def agent_workspace(*, user: User) -> dict[str, list[Ticket]]:
    """Four short lists: mine, unassigned, waiting on the customer, recently updated."""
    if not (user.is_authenticated and user.is_staff):
        return {}
    active = [Status.NEW, Status.OPEN]
    return {
        "mine": list(
            _base()
            .filter(assignee=user, status__in=OPEN_STATUSES)
            .order_by("first_response_due_at", "-updated_at")[:PANEL_SIZE]
        ),
        "unassigned": list(
            _base()
            .filter(assignee__isnull=True, status__in=active)
            .order_by("first_response_due_at", "created_at")[:PANEL_SIZE]
        ),
        "waiting": list(
            _base().filter(status=Status.PENDING_CUSTOMER, assignee=user).order_by("-updated_at")[:PANEL_SIZE]
        ),
        # Not live(): "merged_into IS NULL" steers SQLite onto the FK index and a sort of every
        # ticket; a freshly merged ticket is a recent update worth seeing anyway.
        "recent": list(
            Ticket.objects.select_related("requester", "organization", "assignee", "team").order_by(
                "-updated_at"
            )[:PANEL_SIZE]
        ),
    }


def workspace_badges(workspace: dict[str, list[Ticket]], *, now: datetime) -> dict[int, SlaBadge]:
    """SLA badges for every ticket on the index at once (one calendar query in all)."""
    tickets = {ticket.pk: ticket for rows in workspace.values() for ticket in rows}
    return badges_for(tickets.values(), now=now)
