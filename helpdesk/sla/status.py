"""The SLA badge agents see on every ticket: time left in business time, paused, warning,
breached or met. Computed from denormalised columns; no per-ticket queries."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Ticket
from helpdesk.models.choices import SlaTarget

from . import business_time
from .calendars import load_calendars

STATES = {
    "none": _("No SLA"),
    "met": _("Met"),
    "running": _("On track"),
    "warning": _("Due soon"),
    "breached": _("Breached"),
    "paused": _("Paused"),
}
TARGET_LABELS = dict(SlaTarget.choices)


BREACHED_EARLIER = _("breached earlier")


@dataclass(frozen=True)
class SlaBadge:
    state: str
    target: str = ""
    due_at: datetime | None = None
    remaining_seconds: int | None = None  # business seconds; negative when overdue
    # A target missed before (e.g. a late first response) while the current one is on track.
    breached_before: bool = False

    @property
    def label(self) -> str:
        if self.breached_before and self.state not in ("breached", "met", "none"):
            return f"{STATES[self.state]} ({BREACHED_EARLIER})"
        return str(STATES[self.state])

    @property
    def target_label(self) -> str:
        return str(TARGET_LABELS.get(self.target, ""))

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


def _pending_targets(ticket: Ticket) -> list[tuple[str, datetime]]:
    pending = []
    if ticket.first_response_at is None and ticket.first_response_due_at:
        pending.append(("first_response", ticket.first_response_due_at))
    if ticket.next_response_due_at:
        pending.append(("next_response", ticket.next_response_due_at))
    if ticket.resolved_at is None and ticket.resolution_due_at:
        pending.append(("resolution", ticket.resolution_due_at))
    return sorted(pending, key=lambda item: item[1])


def badge_for(ticket: Ticket, *, now: datetime, calendar: business_time.BusinessCalendar | None) -> SlaBadge:
    """The badge for the target that matters now: the earliest one still owed.

    "Breached" means that target is overdue now (or, once the ticket is done, that any target
    was missed); a miss in the past on an open ticket shows as a note on the current state.
    """
    snap = ticket.sla_snapshot or {}
    breached = ticket.first_response_breached or ticket.next_response_breached or ticket.resolution_breached
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
    budget = snap.get(f"{target}_minutes", 0) * 60
    warn_share = 100 - snap.get("warn_at_percent", 75)
    state = "warning" if budget and remaining * 100 <= budget * warn_share else "running"
    return SlaBadge(state, target, due, remaining, breached_before=breached)


def badges_for(tickets: Iterable[Ticket], *, now: datetime) -> dict[int, SlaBadge]:
    """Badges for a page of tickets: one query for all their calendars, however many rows."""
    tickets = list(tickets)
    calendars = load_calendars(t.sla_calendar_id for t in tickets)
    return {t.pk: badge_for(t, now=now, calendar=calendars.get(t.sla_calendar_id)) for t in tickets}
