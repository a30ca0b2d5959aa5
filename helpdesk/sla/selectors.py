"""Reads about SLA configuration that admin pages show: is holiday data missing?"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from helpdesk.models import BusinessCalendar, CalendarOverride

from .cn_holidays import has_data_for


@dataclass(frozen=True)
class MissingHolidays:
    """A calendar that follows China's holidays but has no override rows for `year`."""

    calendar_id: int
    calendar_name: str
    year: int
    package_has_data: bool  # True: run import_cn_holidays; False: the package must be upgraded


def years_to_check(today: date) -> list[int]:
    """This year always; from December on, next year too (its schedule is due by then)."""
    return [today.year, today.year + 1] if today.month == 12 else [today.year]


def missing_holiday_years(*, today: date | None = None) -> list[MissingHolidays]:
    """Calendars following China's holidays without any override rows for a year that
    matters now. Without them every holiday would silently count as a working day.

    `today` is the local date (default: today in the site's time zone). Two queries.
    """
    today = today or timezone.localdate()
    years = years_to_check(today)
    calendars = list(BusinessCalendar.objects.filter(follows_cn_holidays=True).values_list("pk", "name"))
    if not calendars:
        return []
    covered = set(
        CalendarOverride.objects.filter(calendar__follows_cn_holidays=True, date__year__in=years)
        .values_list("calendar_id", "date__year")
        .distinct()
    )
    return [
        MissingHolidays(pk, name, year, has_data_for(year))
        for year in years
        for pk, name in calendars
        if (pk, year) not in covered
    ]
