"""Plain data for the calendar admin's pictures: a week grid of working hours and a year of
month sheets with holidays and adjusted working days. No Django; templates render it."""

import calendar as stdlib_calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

Intervals = Sequence[tuple[int, int]]


@dataclass(frozen=True)
class GridRow:
    """One time slot of the week grid: its label and, per weekday, how much of it is open."""

    label: str
    cells: tuple[str, ...]  # "open" | "partial" | "closed", Monday first


@dataclass(frozen=True)
class Day:
    day: date
    kind: str  # "workday" | "closed" (a weekday without hours) | "holiday" | "adjusted"
    name: str = ""


@dataclass(frozen=True)
class MonthSheet:
    year: int
    month: int
    weeks: tuple[tuple[Day | None, ...], ...]  # Monday first; None pads other months' days

    @property
    def marked(self) -> list[Day]:
        """Holidays and adjusted working days, in date order (the sheet's legend)."""
        return [d for week in self.weeks for d in week if d and d.kind in ("holiday", "adjusted")]

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def week_grid(weekly: Mapping[int, Intervals], *, step: int = 60) -> list[GridRow]:
    """Rows of `step` minutes from 00:00 to 24:00; each cell says how much of the slot is open."""
    rows = []
    for start in range(0, 1440, step):
        end = start + step
        cells = []
        for weekday in range(7):
            covered = sum(max(0, min(b, end) - max(a, start)) for a, b in weekly.get(weekday, ()) if a < end)
            cells.append("open" if covered >= step else "partial" if covered else "closed")
        rows.append(GridRow(format_minute(start), tuple(cells)))
    return rows


def trim_closed_rows(rows: list[GridRow]) -> list[GridRow]:
    """Drop closed slots before the earliest and after the latest opening (a 9-to-6 week
    needs no rows for the night); a calendar closed all week keeps every row."""
    open_at = [i for i, row in enumerate(rows) if any(c != "closed" for c in row.cells)]
    if not open_at:
        return rows
    return rows[open_at[0] : open_at[-1] + 1]


def year_sheets(
    year: int, weekly: Mapping[int, Intervals], overrides: Mapping[date, tuple[bool, str]]
) -> list[MonthSheet]:
    """Twelve month sheets. `overrides` maps a date to (is_working, name)."""
    weeks_of = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar
    sheets = []
    for month in range(1, 13):
        weeks = []
        for week in weeks_of(year, month):
            weeks.append(tuple(_day(d, weekly, overrides) if d.month == month else None for d in week))
        sheets.append(MonthSheet(year, month, tuple(weeks)))
    return sheets


def _day(day: date, weekly: Mapping[int, Intervals], overrides: Mapping[date, tuple[bool, str]]) -> Day:
    normally_open = bool(weekly.get(day.weekday()))
    if day in overrides:
        working, name = overrides[day]
        if working and not normally_open:
            return Day(day, "adjusted", name)
        if not working and normally_open:
            return Day(day, "holiday", name)
        return Day(day, "workday" if working else "closed", name)
    return Day(day, "workday" if normally_open else "closed")
