"""Changing business calendars: import China's holidays, and move the due times of open
tickets when a calendar changes.

Moving the due times touches every open ticket on the calendar, so it leaves the request:
`calendar_changed` queues the `recompute_due_times` task once the edit commits.
Resolved and closed tickets keep the due times they had: their outcome is history.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import (
    OPEN_STATUSES,
    BusinessCalendar,
    CalendarOverride,
    OverrideSource,
    Ticket,
    TicketEvent,
)
from helpdesk.sla import business_time, clock
from helpdesk.sla.calendars import load_calendar, touch_calendar
from helpdesk.sla.cn_holidays import has_data_for
from helpdesk.sla.cn_notice import NoticeSchedule
from helpdesk.sla.defaults import override_rows

from .events import record_event

logger = logging.getLogger(__name__)

DUE_FIELDS = tuple(fields.due_field for fields in clock.TARGET_FIELDS.values())


class HolidayImportError(Exception):
    """The import cannot run as asked (no data for the year, unknown calendar)."""


@dataclass(frozen=True)
class HolidayImport:
    """What an import did to one calendar."""

    calendar: str
    created: int
    updated: int
    unchanged: int
    removed: int
    kept_manual: int
    recompute_queued: bool  # the calendar changed: its open tickets are recomputed in the background


def calendar_changed(*, calendar_id: int) -> None:
    """Call in the transaction that changed a calendar's hours or overrides.

    Marks the calendar changed at once (every process reloads it, so new tickets get the
    new hours) and, after commit, queues the task that moves its open tickets' due times.
    Nothing is queued if the transaction rolls back.
    """
    touch_calendar(calendar_id)
    transaction.on_commit(partial(_enqueue_recompute, calendar_id))


def _enqueue_recompute(calendar_id: int) -> None:
    from helpdesk.tasks import recompute_due_times

    try:
        recompute_due_times.enqueue(calendar_id=calendar_id)
    except Exception:  # the edit is saved; an operator can rerun the recompute
        logger.exception("could not enqueue the due-time recompute of calendar %s", calendar_id)


def recompute_open_tickets(*, calendar_id: int, now: datetime | None = None) -> int:
    """Recompute due times of the open tickets whose clocks run on this calendar.

    The body of the `recompute_due_times` task (editors call `calendar_changed`). It marks
    the calendar changed too, so every process reloads it. Each ticket is updated in its own
    short transaction and gets an SLA_RECOMPUTED event if one of its due times moved.
    Returns that count.
    """
    now = resolve_now(now)
    touch_calendar(calendar_id)
    calendar = load_calendar(calendar_id)
    ids = list(
        Ticket.objects.filter(sla_calendar_id=calendar_id, status__in=OPEN_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(_recompute_one(pk=pk, calendar=calendar, now=now) for pk in ids)


@transaction.atomic
def _recompute_one(*, pk: int, calendar: business_time.BusinessCalendar, now: datetime) -> bool:
    ticket = Ticket.objects.select_for_update().filter(pk=pk, status__in=OPEN_STATUSES).first()
    if ticket is None:  # closed meanwhile
        return False
    before = {name: getattr(ticket, name) for name in DUE_FIELDS}
    check_before = ticket.sla_next_check_at
    clock.refresh(ticket, calendar=calendar)
    moved = {
        name: [_iso(old), _iso(getattr(ticket, name))]
        for name, old in before.items()
        if getattr(ticket, name) != old
    }
    if not moved and ticket.sla_next_check_at == check_before:
        return False
    ticket.save(update_fields=clock.SLA_FIELDS)
    if not moved:
        return False
    record_event(
        ticket=ticket,
        kind=TicketEvent.Kind.SLA_RECOMPUTED,
        actor=None,
        now=now,
        new=", ".join(moved),
        data={"calendar": ticket.sla_calendar_id, **moved},
    )
    return True


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def import_cn_holidays(*, year: int, calendar_name: str | None = None) -> list[HolidayImport]:
    """Upsert China's holidays and adjusted working days of `year` as override rows of every
    calendar that follows them (or only the one named), then queue the recompute of its open
    tickets (see calendar_changed).

    Idempotent. Rows an admin edited (source other than chinesecalendar) are left alone.
    Raises HolidayImportError when the installed chinesecalendar has no data for `year`:
    importing nothing would silently treat that year's holidays as working days.
    """
    if not has_data_for(year):
        raise HolidayImportError(
            _(
                "The installed chinesecalendar package has no holiday data for %(year)s. "
                "Upgrade it (pip install -U chinesecalendar) once the State Council has "
                "published the schedule, or enter the dates by hand in the admin."
            )
            % {"year": year}
        )
    calendars = BusinessCalendar.objects.filter(follows_cn_holidays=True).prefetch_related("hours")
    if calendar_name:
        calendars = calendars.filter(name=calendar_name)
        if not calendars:
            raise HolidayImportError(
                _("No calendar named “%(name)s” follows China's holidays.") % {"name": calendar_name}
            )
    return [_import_into(calendar, year=year) for calendar in calendars]


def workday_intervals(calendar: BusinessCalendar) -> list[tuple[int, int]]:
    """An ordinary working day's intervals: Monday's, else the first weekday that has any."""
    by_day: dict[int, list[tuple[int, int]]] = {}
    for hours in calendar.hours.all():
        by_day.setdefault(hours.weekday, []).append((hours.start_minute, hours.end_minute))
    if not by_day:
        return []
    return sorted(by_day[min(by_day)])


@transaction.atomic
def _import_into(calendar: BusinessCalendar, *, year: int) -> HolidayImport:
    intervals = workday_intervals(calendar)
    if not intervals:
        raise HolidayImportError(
            _("Calendar “%(name)s” has no working hours to give adjusted working days.")
            % {"name": calendar.name}
        )
    wanted = {row["date"]: row for row in override_rows(years=[year], workday_intervals=intervals)}
    return _upsert_year(calendar, year=year, wanted=wanted, source=OverrideSource.CHINESECALENDAR)


def _upsert_year(
    calendar: BusinessCalendar, *, year: int, wanted: dict, source: OverrideSource
) -> HolidayImport:
    """Make the calendar's `source` rows of `year` exactly `wanted`; rows of any other source
    (an admin's edits, another import) are kept as they are."""
    existing = {o.date: o for o in calendar.overrides.filter(date__year=year)}
    created = updated = unchanged = kept = 0
    for day, row in wanted.items():
        current = existing.get(day)
        if current is None:
            CalendarOverride.objects.create(calendar=calendar, **row)
            created += 1
        elif current.source != source:
            kept += 1
        elif (current.is_working, current.intervals, current.name) != (
            row["is_working"],
            row["intervals"],
            row["name"],
        ):
            current.is_working, current.intervals, current.name = (
                row["is_working"],
                row["intervals"],
                row["name"],
            )
            current.save(update_fields=["is_working", "intervals", "name"])
            updated += 1
        else:
            unchanged += 1
    # Imported rows the package no longer lists (a corrected schedule) go away.
    stale = [o.pk for day, o in existing.items() if day not in wanted and o.source == source]
    CalendarOverride.objects.filter(pk__in=stale).delete()
    changed = bool(created or updated or stale)
    if changed:
        calendar_changed(calendar_id=calendar.pk)
    return HolidayImport(
        calendar=calendar.name,
        created=created,
        updated=updated,
        unchanged=unchanged,
        removed=len(stale),
        kept_manual=kept,
        recompute_queued=changed,
    )


def schedule_rows(schedule: NoticeSchedule, *, workday_intervals: list[tuple[int, int]]) -> dict:
    """Override rows for the schedule's year, like the chinesecalendar import's: days off that
    fall on Mon–Fri closed, adjusted working days on a weekend open with a working day's hours."""
    rows = {}
    for day, name in sorted(schedule.days_off.items()):
        if day.year == schedule.year and day.weekday() < 5:
            rows[day] = {"date": day, "is_working": False, "intervals": [], "name": name[:120],
                         "source": OverrideSource.NOTICE}  # fmt: skip
    for day, name in sorted(schedule.workdays.items()):
        if day.year == schedule.year and day.weekday() >= 5:
            rows[day] = {"date": day, "is_working": True, "intervals": [list(p) for p in workday_intervals],
                         "name": f"{name} 调休上班"[:120], "source": OverrideSource.NOTICE}  # fmt: skip
    return rows


def apply_holiday_schedule(
    *, schedule: NoticeSchedule, calendars: list[BusinessCalendar]
) -> list[HolidayImport]:
    """Write a pasted notice's (or an .ics file's) holidays of one year into each calendar as
    override rows of source "notice", then queue the recompute of their open tickets.

    Idempotent: applying the same schedule again changes nothing; a corrected one replaces the
    earlier notice rows of that year. Rows entered by hand or imported from chinesecalendar
    are left alone (counted as kept).
    """
    results = []
    for calendar in calendars:
        intervals = workday_intervals(calendar)
        if not intervals:
            raise HolidayImportError(
                _("Calendar “%(name)s” has no working hours to give adjusted working days.")
                % {"name": calendar.name}
            )
        with transaction.atomic():
            wanted = schedule_rows(schedule, workday_intervals=intervals)
            results.append(
                _upsert_year(calendar, year=schedule.year, wanted=wanted, source=OverrideSource.NOTICE)
            )
    return results
