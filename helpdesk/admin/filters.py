"""Changelist filters agents use to slice the queue: by who owns it, which team holds it, SLA state.

Every filter reads indexed columns only; none of them computes an SLA badge per row.
"""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.clock import resolve_now
from helpdesk.models import OPEN_STATUSES, PAUSED_STATUSES, Status, Ticket, User

# "Due soon" looks this far ahead: enough for an agent to act before the clock runs out.
DUE_SOON_WINDOW = timedelta(hours=2)

ANY_BREACH = Q(first_response_breached=True) | Q(next_response_breached=True) | Q(resolution_breached=True)


def pending_due_before(moment) -> Q:
    """Tickets with a not-yet-met SLA target due at or before `moment`."""
    return (
        Q(first_response_at__isnull=True, first_response_due_at__lte=moment)
        | Q(next_response_due_at__lte=moment)
        | Q(resolved_at__isnull=True, resolution_due_at__lte=moment)
    )


class AssigneeFilter(admin.SimpleListFilter):
    """Mine, unassigned, or one agent's tickets."""

    title = _("assignee")
    parameter_name = "assignee"
    ME = "me"
    NOBODY = "none"

    def lookups(self, request, model_admin):
        agents = User.objects.filter(is_staff=True, is_active=True).order_by("full_name", "email")
        return [
            (self.ME, _("Assigned to me")),
            (self.NOBODY, _("Unassigned")),
            *((str(agent.pk), str(agent)) for agent in agents),
        ]

    def queryset(self, request, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        value = self.value()
        if value == self.ME:
            return queryset.filter(assignee=request.user)
        if value == self.NOBODY:
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


class TeamFilter(admin.RelatedFieldListFilter):
    """Every team, and the tickets no team holds yet under "No team" (Django would say "-")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_value_display = _("No team")


class SlaStateFilter(admin.SimpleListFilter):
    """Breached, due soon or overdue, paused, met — from the denormalised SLA columns."""

    title = _("SLA state")
    parameter_name = "sla"
    BREACHED = "breached"
    DUE_SOON = "due_soon"
    PAUSED = "paused"
    MET = "met"

    def lookups(self, request, model_admin):
        return [
            (self.BREACHED, _("Breached")),
            (self.DUE_SOON, _("Due within 2 hours or overdue")),
            (self.PAUSED, _("Paused")),
            (self.MET, _("Met")),
        ]

    def queryset(self, request, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        value = self.value()
        if value == self.BREACHED:
            return queryset.filter(ANY_BREACH)
        if value == self.DUE_SOON:
            # The watcher's next check (indexed) is the earliest warning or due time not yet
            # flagged, and it is empty while a clock is paused or stopped: the index finds
            # the few candidates, the due times then keep those with a target due in time.
            # An overdue target the watcher has flagged is listed under "Breached".
            horizon = resolve_now(None) + DUE_SOON_WINDOW
            return (
                queryset.filter(sla_next_check_at__lte=horizon, sla_paused_since__isnull=True)
                .exclude(status__in=PAUSED_STATUSES)
                .filter(pending_due_before(horizon))
            )
        if value == self.PAUSED:
            # Resolved tickets also stop their clock; "paused" means waiting while still open.
            return queryset.filter(status__in=OPEN_STATUSES, sla_paused_since__isnull=False)
        if value == self.MET:
            # A merged ticket is closed by the merge, but its SLA outcome is "merged", not met.
            # Written as NOT (merged_into IS NOT NULL): SQLite would otherwise read the
            # foreign key's index for "IS NULL" (all but a few tickets) and sort them all,
            # 0.5 s at a million tickets, instead of walking the queue's order and filtering.
            return (
                queryset.filter(status__in=[Status.RESOLVED, Status.CLOSED])
                .exclude(merged_into__isnull=False)
                .exclude(ANY_BREACH)
            )
        return queryset
