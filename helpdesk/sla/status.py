"""The SLA badge agents see on every ticket: time left in business time, paused, warning,
breached or met. Computed from denormalised columns; no per-ticket queries."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from helpdesk.models import Ticket

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
TARGET_LABELS = {
    "first_response": _("first response"),
    "next_response": _("next response"),
    "resolution": _("resolution"),
}


@dataclass(frozen=True)
class SlaBadge:
    state: str
    target: str = ""
    due_at: datetime | None = None
    remaining_seconds: int | None = None  # business seconds; negative when overdue

    @property
    def label(self) -> str:
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
    sign = "-" if seconds < 0 else ""
    minutes = abs(seconds) // 60
    hours, minutes = divmod(minutes, 60)
    if hours >= 24:
        days, hours = divmod(hours, 24)
        return f"{sign}{days}d {hours}h"
    return f"{sign}{hours}h {minutes:02d}m"


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
    snap = ticket.sla_snapshot or {}
    breached = ticket.first_response_breached or ticket.next_response_breached or ticket.resolution_breached
    if not snap:
        return SlaBadge("none")
    if not ticket.is_open:
        return SlaBadge("breached" if breached else "met")
    if ticket.sla_paused_since is not None:
        return SlaBadge("paused")
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
    if breached or remaining < 0 or due <= now:
        return SlaBadge("breached", target, due, remaining)
    minutes_key = f"{target}_minutes"
    budget = snap.get(minutes_key, 0) * 60
    warn_share = 100 - snap.get("warn_at_percent", 75)
    if budget and remaining * 100 <= budget * warn_share:
        return SlaBadge("warning", target, due, remaining)
    return SlaBadge("running", target, due, remaining)


def badges_for(tickets: Iterable[Ticket], *, now: datetime) -> dict[int, SlaBadge]:
    """Badges for a page of tickets: one query for all their calendars, however many rows."""
    tickets = list(tickets)
    calendars = load_calendars(t.sla_calendar_id for t in tickets)
    return {t.pk: badge_for(t, now=now, calendar=calendars.get(t.sla_calendar_id)) for t in tickets}
