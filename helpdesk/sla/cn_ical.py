"""China's holidays for a year from an iCalendar file (.ics), read with the standard library.

Holiday calendars published for China mark each event as days off or as an adjusted working
day in its SUMMARY ("春节 休" / "春节 班", "国庆节调休上班", "Spring Festival (workday)"). An
event whose summary contains 班 or "work" is a working day, any other event days off; all-day
events span DTSTART up to (not including) DTEND. Pure Python.

Only what holiday feeds use is read: unfolded content lines, VEVENT blocks, DTSTART/DTEND
as DATE or DATE-TIME, SUMMARY with RFC 5545 text escapes. The `icalendar` library would do
this too, but it brings `tzdata`, whose zoneinfo tree changes how the standard library
answers an unknown zone name ("America" becomes IsADirectoryError), which the time-zone
validation here relies on. See docs/architecture.md.
"""

import re
from collections import Counter
from datetime import date, datetime, timedelta

from .cn_notice import NoticeError, NoticeSchedule

__all__ = ["parse_ics"]

MAX_EVENT_DAYS = 15


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _as_date(value: str) -> date:
    digits = value.strip()[:8]
    if not re.fullmatch(r"\d{8}", digits):
        raise ValueError(value)
    return datetime.strptime(digits, "%Y%m%d").date()  # noqa: DTZ007 (a calendar date, no time)


def _events(text: str) -> list[dict[str, str]]:
    events, current = [], None
    for line in _unfold(text):
        name, _, value = line.partition(":")
        key = name.split(";", 1)[0].upper()
        if key == "BEGIN" and value.strip().upper() == "VEVENT":
            current = {}
        elif key == "END" and value.strip().upper() == "VEVENT" and current is not None:
            events.append(current)
            current = None
        elif current is not None and key in {"DTSTART", "DTEND", "SUMMARY"}:
            current[key] = value
    return events


def _name(summary: str) -> str:
    for marker in ("调休上班", "上班", "补班", "（班）", "(班)", "（休）", "(休)", " 班", " 休"):
        summary = summary.replace(marker, "")
    return summary.strip() or "节假日"


def parse_ics(data: bytes, *, year: int | None = None) -> NoticeSchedule:
    """The days off and working days of `year` (default: the year most events fall in)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NoticeError("not an iCalendar file (not UTF-8 text)") from None
    if "BEGIN:VCALENDAR" not in text.upper():
        raise NoticeError("not an iCalendar file (no BEGIN:VCALENDAR)")
    entries: list[tuple[date, str, bool]] = []
    for event in _events(text):
        try:
            start = _as_date(event["DTSTART"])
            end = _as_date(event["DTEND"]) if "DTEND" in event else start + timedelta(days=1)
        except (KeyError, ValueError):
            continue
        if not timedelta(0) < end - start <= timedelta(days=MAX_EVENT_DAYS):
            end = start + timedelta(days=1)
        summary = _unescape(event.get("SUMMARY", ""))
        working = "班" in summary or "work" in summary.lower()
        day = start
        while day < end:
            entries.append((day, _name(summary), working))
            day += timedelta(days=1)
    if not entries:
        raise NoticeError("the file has no events")
    years = Counter(day.year for day, _, working in entries if not working) or Counter(
        d.year for d, *_ in entries
    )
    year = year or years.most_common(1)[0][0]
    schedule = NoticeSchedule(year=year)
    for day, name, working in entries:
        if day.year != year:
            continue
        (schedule.workdays if working else schedule.days_off)[day] = name
        if name not in schedule.holidays:
            schedule.holidays.append(name)
    if not schedule.days_off:
        raise NoticeError(f"no days off in {year}")
    both = sorted(set(schedule.days_off) & set(schedule.workdays))
    if both:
        raise NoticeError(f"{both[0].isoformat()} is both a day off and a working day")
    return schedule
