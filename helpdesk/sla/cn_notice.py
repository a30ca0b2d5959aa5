"""China's holidays for a year from the State Council's annual notice (pure Python, no Django).

Each December the General Office of the State Council publishes 《国务院办公厅关于XXXX年部分
节假日安排的通知》, months before the `chinesecalendar` package has the year. Its wording is
fixed: one numbered line per holiday, the days off first, then the adjusted working days:

    二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。
    1月26日（周日）、2月8日（周六）上班。

`parse_notice` reads that wording: parentheticals (weekdays, lunar dates) are dropped, each
sentence with 放假 gives a range of days off (the end may omit the month or year, which then
carry over from the start), each sentence ending in 上班 lists working days. "共N天" and
"放假N天", when given, must match the range, so a garbled paste is refused instead of
half-imported. Sentences that are neither (鼓励各单位…休息, 与周末连休) are ignored.
See docs/architecture.md ("The holiday notice parser").
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = ["NoticeError", "NoticeSchedule", "parse_notice"]

_NUMERALS = "一二三四五六七八九十"
_TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年部分节假日安排")
_ITEM = re.compile(rf"^\s*[{_NUMERALS}]+\s*[、.．]\s*([^：:]{{1,30}})[：:](.+)$")
_PAREN = re.compile(r"[（(][^）)]*[）)]")
_DATE = r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日"
_RANGE = re.compile(rf"^{_DATE}(?:(?:至|到|-|—|~|～){_DATE})?$")
_COUNT = re.compile(r"(?:共|放假)\s*(\d{1,2})\s*天")


class NoticeError(ValueError):
    """The text is not a holiday notice this parser can read; `line` is 1-based (0: whole text)."""

    def __init__(self, message: str, *, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class NoticeSchedule:
    """A year's days off and adjusted working days, each with the holiday's name."""

    year: int
    days_off: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)
    holidays: list[str] = field(default_factory=list)

    def is_workday(self, day: date) -> bool:
        """Whether the notice makes `day` a working day (an ordinary Mon–Fri week otherwise)."""
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.days_off


def _day(
    year: str | None, month: str | None, day: str, *, default_year: int, default_month: int | None
) -> date:
    m = int(month) if month else default_month
    if m is None:
        raise ValueError("a date without its month")
    return date(int(year) if year else default_year, m, int(day))


def _parse_range(text: str, *, year: int) -> list[date]:
    match = _RANGE.match(text)
    if not match:
        raise ValueError(text)
    y1, m1, d1, y2, m2, d2 = match.groups()
    if m1 is None:
        raise ValueError(text)
    start = _day(y1, m1, d1, default_year=year, default_month=None)
    if d2 is None:
        return [start]
    end = _day(
        y2, m2, d2, default_year=int(y2) if y2 else start.year, default_month=start.month if not m2 else None
    )
    if end < start and not y2:  # 12月30日至1月1日
        end = end.replace(year=end.year + 1)
    if not timedelta(0) <= end - start <= timedelta(days=15):
        raise ValueError(text)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _sentences(body: str) -> list[str]:
    return [part.strip().replace(" ", "") for part in re.split(r"[。；;]", body) if part.strip()]


def parse_notice(text: str, *, year: int | None = None) -> NoticeSchedule:
    """The schedule in a pasted notice. `year` is needed only when the title is not pasted.

    Raises NoticeError (with the line) for a holiday line it cannot read, for day counts that
    disagree with the dates, for a date both off and working, or when no holiday was found.
    """
    found = _TITLE_YEAR.search(text or "")
    if found:
        year = int(found.group(1))
    if year is None:
        raise NoticeError("no year: paste the notice with its title (关于XXXX年部分节假日安排的通知)")
    schedule = NoticeSchedule(year=year)
    for number, raw in enumerate((text or "").splitlines(), 1):
        item = _ITEM.match(raw.strip())
        if not item or ("放假" not in raw and "上班" not in raw):
            continue
        name = item.group(1).strip()
        body = _PAREN.sub("", item.group(2))
        schedule.holidays.append(name)
        for sentence in _sentences(body):
            try:
                _read_sentence(sentence, name=name, schedule=schedule)
            except ValueError:
                raise NoticeError(f"cannot read the dates in “{sentence}”", line=number) from None
    if not schedule.days_off:
        raise NoticeError("no holiday lines found (一、元旦：…放假…)")
    both = sorted(set(schedule.days_off) & set(schedule.workdays))
    if both:
        raise NoticeError(f"{both[0].isoformat()} is both a day off and a working day")
    return schedule


def _read_sentence(sentence: str, *, name: str, schedule: NoticeSchedule) -> None:
    if "放假" in sentence:
        dates_text = sentence.split("放假", 1)[0].rstrip("，,")
        days = _parse_range(dates_text, year=schedule.year)
        count = _COUNT.search(sentence)
        if count and int(count.group(1)) != len(days):
            raise ValueError(sentence)
        for day in days:
            schedule.days_off[day] = name
    elif sentence.endswith("上班"):
        for part in re.split(r"[、，,和]", sentence[: -len("上班")]):
            if part:
                (day,) = _parse_range(part, year=schedule.year)
                schedule.workdays[day] = name
