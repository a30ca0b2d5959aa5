"""Load BusinessCalendar rows into the pure business_time.BusinessCalendar, cached per process.

A calendar is reloaded when its `updated_at` changes; every edit of hours or overrides
touches the calendar (admin saves it with its inlines; import_cn_holidays touches it).
"""

from datetime import datetime
from threading import Lock

from core.clock import now
from helpdesk.models import BusinessCalendar as CalendarRow

from . import business_time

_cache: dict[int, tuple[datetime, business_time.BusinessCalendar]] = {}
_lock = Lock()


def build_calendar(row: CalendarRow) -> business_time.BusinessCalendar:
    weekly: dict[int, list[tuple[int, int]]] = {day: [] for day in range(7)}
    for hours in row.hours.all():
        weekly[hours.weekday].append((hours.start_minute, hours.end_minute))
    overrides = {
        override.date: (tuple((int(a), int(b)) for a, b in override.intervals) if override.is_working else ())
        for override in row.overrides.all()
    }
    return business_time.BusinessCalendar(
        timezone=row.timezone,
        weekly={day: tuple(sorted(intervals)) for day, intervals in weekly.items()},
        overrides=overrides,
    )


def load_calendar(calendar_id: int) -> business_time.BusinessCalendar:
    """The pure calendar for a row id; one small query when cached, three when (re)loading."""
    stamp = CalendarRow.objects.filter(pk=calendar_id).values_list("updated_at", flat=True).get()
    cached = _cache.get(calendar_id)
    if cached and cached[0] == stamp:
        return cached[1]
    row = CalendarRow.objects.prefetch_related("hours", "overrides").get(pk=calendar_id)
    calendar = build_calendar(row)
    with _lock:
        _cache[calendar_id] = (row.updated_at, calendar)
    return calendar


def touch_calendar(calendar_id: int) -> None:
    """Mark a calendar changed so every process reloads it."""
    CalendarRow.objects.filter(pk=calendar_id).update(updated_at=now())
    from helpdesk.selectors.reference import bump_version  # it builds on this module

    bump_version()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def load_calendars(calendar_ids) -> dict[int, business_time.BusinessCalendar]:
    """Several calendars at once: one query when all are cached (for list pages)."""
    ids = {pk for pk in calendar_ids if pk is not None}
    if not ids:
        return {}
    stamps = dict(CalendarRow.objects.filter(pk__in=ids).values_list("pk", "updated_at"))
    stale = [pk for pk, stamp in stamps.items() if pk not in _cache or _cache[pk][0] != stamp]
    if stale:
        rows = CalendarRow.objects.prefetch_related("hours", "overrides").filter(pk__in=stale)
        with _lock:
            for row in rows:
                _cache[row.pk] = (row.updated_at, build_calendar(row))
    return {pk: _cache[pk][1] for pk in stamps if pk in _cache}
