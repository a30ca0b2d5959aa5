"""China's statutory holidays and adjusted working days (调休) as calendar overrides.

Pure helper (no Django): turns the ``chinesecalendar`` package's data into the
``overrides`` mapping of :class:`helpdesk.sla.business_time.BusinessCalendar`.
Only dates that differ from an ordinary Mon-Fri week are emitted:

* a statutory holiday falling on Monday..Friday -> ``()`` (closed);
* a Saturday/Sunday that is an adjusted working day -> the working-day intervals.

Holidays on weekends need no override: a Mon-Fri calendar is closed then anyway.
"""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import chinese_calendar

__all__ = ["cn_overrides", "has_data_for"]


def has_data_for(year: int) -> bool:
    """Whether the installed ``chinesecalendar`` covers the whole of ``year``.

    The package raises NotImplementedError for years it has no data for; probe
    both ends of the year because coverage is per year.
    """
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
        chinese_calendar.is_workday(date(year, 12, 31))
    except NotImplementedError:
        return False
    return True


def cn_overrides(
    *, years: Iterable[int], workday_intervals: Sequence[tuple[int, int]]
) -> dict[date, tuple[tuple[int, int], ...]]:
    """Override mapping for ``years``, given the intervals of an ordinary working day.

    Precondition: ``has_data_for(year)`` for every year; otherwise ValueError,
    because silently omitting a year's holidays would produce wrong due times.
    """
    intervals = tuple((int(a), int(b)) for a, b in workday_intervals)
    out: dict[date, tuple[tuple[int, int], ...]] = {}
    for year in years:
        if not has_data_for(year):
            raise ValueError(f"chinesecalendar has no holiday data for {year}")
        day, stop = date(year, 1, 1), date(year + 1, 1, 1)
        while day < stop:
            workday = chinese_calendar.is_workday(day)
            if day.weekday() < 5 and not workday:
                out[day] = ()
            elif day.weekday() >= 5 and workday:
                out[day] = intervals
            day += timedelta(days=1)
    return out
