"""What the admin index shows an agent: their queue at a glance, a few bounded queries."""

from datetime import datetime

from django.db.models import QuerySet

from helpdesk.models import OPEN_STATUSES, Status, Ticket, User
from helpdesk.sla.status import SlaBadge, badges_for

PANEL_SIZE = 10


RELATED = ("requester", "organization", "assignee", "team")


def _seek(queryset: QuerySet[Ticket], order: tuple[str, ...]) -> list[dict]:
    """The first PANEL_SIZE rows' primary keys and sort values: no joins, no wide rows."""
    fields = {name.lstrip("-") for name in order}
    return list(queryset.order_by(*order).values("pk", *fields)[:PANEL_SIZE])


def _top_of_each_status(queryset: QuerySet[Ticket], statuses, order: tuple[str, ...]) -> list[int]:
    """The ids of the first PANEL_SIZE of `queryset` in `order` across `statuses`, one
    query per status.

    "status IN (…) ORDER BY due" cannot be read in order from any index: the database
    collects every matching ticket and sorts them (tens of thousands for a busy agent).
    Per status it reads PANEL_SIZE rows in order from (assignee, status, due) and stops;
    merging a few dozen rows here is nothing.
    """
    rows = [row for status in statuses for row in _seek(queryset.filter(status=status), order)]

    def key(row: dict) -> list:
        # Empty values last, as PostgreSQL sorts them ascending (SQLite puts them first;
        # the panels' due times are set on every ticket, so the two agree in practice).
        values = []
        for name in order:
            value = row[name.lstrip("-")]
            if value is None:
                values.append((True, None))
            else:
                values.append((False, _Reversed(value) if name.startswith("-") else value))
        return values

    return [row["pk"] for row in sorted(rows, key=key)[:PANEL_SIZE]]


class _Reversed:
    """A sort key that orders its value descending."""

    __slots__ = ("value",)

    def __init__(self, value) -> None:
        self.value = value

    def __lt__(self, other: "_Reversed") -> bool:
        return other.value < self.value

    def __eq__(self, other) -> bool:
        return isinstance(other, _Reversed) and other.value == self.value


def agent_workspace(*, user: User) -> dict[str, list[Ticket]]:
    """Four short lists: mine, unassigned, waiting on the customer, recently updated.

    Each panel seeks its ids alone (pk and sort columns from its index); the tickets of all
    four, with their requester, organization, assignee and team, are then loaded in one
    query. Loading whole joined rows per status read six times the rows shown.
    """
    if not (user.is_authenticated and user.is_staff):
        return {}
    active = [Status.NEW, Status.OPEN]
    live = Ticket.objects.live()
    panels = {
        "mine": _top_of_each_status(
            live.filter(assignee=user), OPEN_STATUSES, ("first_response_due_at", "-updated_at", "-pk")
        ),
        "unassigned": _top_of_each_status(
            live.filter(assignee__isnull=True), active, ("first_response_due_at", "created_at", "pk")
        ),
        "waiting": [
            row["pk"]
            for row in _seek(
                live.filter(status=Status.PENDING_CUSTOMER, assignee=user), ("-updated_at", "-pk")
            )
        ],
        # Not live(): "merged_into IS NULL" steers SQLite onto the FK index and a sort of every
        # ticket; a freshly merged ticket is a recent update worth seeing anyway.
        "recent": [row["pk"] for row in _seek(Ticket.objects.all(), ("-updated_at", "-pk"))],
    }
    wanted = {pk for ids in panels.values() for pk in ids}
    found = Ticket.objects.select_related(*RELATED).in_bulk(wanted) if wanted else {}
    return {key: [found[pk] for pk in ids if pk in found] for key, ids in panels.items()}


def workspace_badges(workspace: dict[str, list[Ticket]], *, now: datetime) -> dict[int, SlaBadge]:
    """SLA badges for every ticket on the index at once (one calendar query in all)."""
    tickets = {ticket.pk: ticket for rows in workspace.values() for ticket in rows}
    return badges_for(tickets.values(), now=now)
