"""The SLA badge agents see on every ticket: time left in business time, paused, warning,
breached, met or merged. Computed from denormalised columns; no per-ticket queries.

SlaOutcome, how a ticket's SLA target turned out, is shared with the report selectors
(helpdesk.selectors.reports.sla), so the badge and the compliance figures agree.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from helpdesk.models import SlaTarget, Ticket

from . import business_time
from .calendars import load_calendars
from .clock import TARGET_FIELDS

# A ticket's SLA clock as its own columns hold it: each target's deadline, when the response
# or resolution came, the pause, and the misses. The ticket page shows them read-only (admin's
# SLA fieldset) and the queue loads them for the badge (helpdesk.admin.changelist).
CLOCK_FIELDS = (
    "first_response_due_at",
    "first_response_at",
    "next_response_due_at",
    "resolution_due_at",
    "resolved_at",
    "sla_paused_since",
    "first_response_breached",
    "next_response_breached",
    "resolution_breached",
)

STATES = {
    "none": _("No SLA"),
    "met": _("Met"),
    "running": _("On track"),
    "warning": _("Due soon"),
    "breached": _("Breached"),
    "paused": _("Paused"),
    "merged": _("Merged"),
}


BREACHED_EARLIER = _("breached earlier")
MERGED_INTO = _("Merged into %(ref)s")


class SlaOutcome(models.TextChoices):
    """How one SLA target of a ticket turned out: what the reports count, what the badge of
    a finished ticket says. Values match the badge states of the same name.

    MERGED: the ticket was merged into another one (merge_tickets closes it). Its targets are
    set aside, neither met nor breached, even one already missed before the merge: the
    definition counts merged as neither, the survivor carries the customer's request on, and
    the reports show the merged count so nothing disappears unseen. The breach flags stay on
    the ticket, and its badge notes "breached earlier".
    """

    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")  # missed, or open and past due
    MERGED = "merged", _("Merged")  # set aside: counted apart, neither met nor breached
    PENDING = "pending", pgettext_lazy("SLA outcome", "Pending")  # open, not yet due: no outcome yet


def merged_into_reference(ticket: Ticket) -> str:
    """The surviving ticket's reference (KX-…) from the foreign key column alone: no query."""
    if ticket.merged_into_id is None:
        return ""
    return Ticket(pk=ticket.merged_into_id).reference


@dataclass(frozen=True)
class SlaBadge:
    state: str
    target: SlaTarget | None = None
    due_at: datetime | None = None
    remaining_seconds: int | None = None  # business seconds; negative when overdue
    # A target missed before (e.g. a late first response) while the current one is on track.
    breached_before: bool = False
    merged_into: str = ""  # the surviving ticket's reference when state is "merged"

    @property
    def label(self) -> str:
        text = str(STATES[self.state])
        if self.state == SlaOutcome.MERGED:
            text = str(MERGED_INTO) % {"ref": self.merged_into}
        if self.breached_before and self.state not in ("breached", "met", "none"):
            return f"{text} ({BREACHED_EARLIER})"
        return text

    @property
    def target_label(self) -> str:
        return str(self.target.label) if self.target else ""

    @property
    def remaining_text(self) -> str:
        if self.remaining_seconds is None:
            return ""
        return format_duration(self.remaining_seconds)


def format_duration(seconds: int) -> str:
    """Business time left (or, negative, overdue) as agents read it: 2h 09m, 3d 4h."""
    sign = "-" if seconds < 0 else ""
    minutes = abs(seconds) // 60
    hours, minutes = divmod(minutes, 60)
    if hours >= 24:
        days, hours = divmod(hours, 24)
        return sign + gettext("%(days)dd %(hours)dh") % {"days": days, "hours": hours}
    return sign + gettext("%(hours)dh %(minutes)02dm") % {"hours": hours, "minutes": minutes}


def _pending_targets(ticket: Ticket) -> list[tuple[SlaTarget, datetime]]:
    pending = []
    if ticket.first_response_at is None and ticket.first_response_due_at:
        pending.append((SlaTarget.FIRST_RESPONSE, ticket.first_response_due_at))
    if ticket.next_response_due_at:
        pending.append((SlaTarget.NEXT_RESPONSE, ticket.next_response_due_at))
    if ticket.resolved_at is None and ticket.resolution_due_at:
        pending.append((SlaTarget.RESOLUTION, ticket.resolution_due_at))
    return sorted(pending, key=lambda item: item[1])


def badge_for(ticket: Ticket, *, now: datetime, calendar: business_time.BusinessCalendar | None) -> SlaBadge:
    """The badge for the target that matters now: the earliest one still owed.

    "Breached" means that target is overdue now (or, once the ticket is done, that any target
    was missed); a miss in the past on an open ticket shows as a note on the current state.
    A ticket merged into another one is "merged" (never "met"), whatever its SLA said.
    """
    snap = ticket.sla_snapshot or {}
    breached = ticket.first_response_breached or ticket.next_response_breached or ticket.resolution_breached
    if ticket.merged_into_id is not None:
        return SlaBadge(
            SlaOutcome.MERGED, merged_into=merged_into_reference(ticket), breached_before=breached
        )
    if not snap:
        return SlaBadge("none")
    if not ticket.is_open:
        return SlaBadge("breached" if breached else "met")
    if ticket.sla_paused_since is not None:
        return SlaBadge("paused", breached_before=breached)
    pending = _pending_targets(ticket)
    if not pending:
        return SlaBadge("breached" if breached else "met")
    target, due = pending[0]
    if calendar is None:
        remaining = int((due - now).total_seconds())
    elif due >= now:
        remaining = business_time.business_seconds_between(calendar, now, due)
    else:
        remaining = -business_time.business_seconds_between(calendar, due, now)
    if due <= now:
        return SlaBadge("breached", target, due, remaining)
    budget = snap.get(TARGET_FIELDS[target].minutes_key, 0) * 60
    warn_share = 100 - snap.get("warn_at_percent", 75)
    state = "warning" if budget and remaining * 100 <= budget * warn_share else "running"
    return SlaBadge(state, target, due, remaining, breached_before=breached)


def badges_for(tickets: Iterable[Ticket], *, now: datetime) -> dict[int, SlaBadge]:
    """Badges for a page of tickets: one query for all their calendars, however many rows."""
    tickets = list(tickets)
    calendars = load_calendars(t.sla_calendar_id for t in tickets)
    return {t.pk: badge_for(t, now=now, calendar=calendars.get(t.sla_calendar_id)) for t in tickets}
