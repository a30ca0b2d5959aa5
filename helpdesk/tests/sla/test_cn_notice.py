"""The State Council's holiday notice and iCalendar files → a year's days off and 调休 days,
checked day by day against the chinesecalendar package for years it knows."""

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from helpdesk.sla.cn_ical import parse_ics
from helpdesk.sla.cn_notice import NoticeError, parse_notice

NOTICES = Path(__file__).parent / "notices"


def _days(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


@pytest.mark.parametrize(("name", "year"), [("2023.txt", 2023), ("2024.txt", 2024), ("2025.txt", 2025),
                                            ("2026-items-only.txt", 2026)])  # fmt: skip
def test_each_day_of_a_parsed_notice_agrees_with_chinesecalendar(name, year):
    schedule = parse_notice((NOTICES / name).read_text(encoding="utf-8"))
    assert schedule.year == year
    disagree = [d for d in _days(year) if schedule.is_workday(d) != chinese_calendar.is_workday(d)]
    assert disagree == []


def test_the_2025_notice_in_detail():
    schedule = parse_notice((NOTICES / "2025.txt").read_text(encoding="utf-8"))
    assert schedule.holidays == ["元旦", "春节", "清明节", "劳动节", "端午节", "国庆节、中秋节"]
    spring = [d for d, name in schedule.days_off.items() if name == "春节"]
    assert (min(spring), max(spring), len(spring)) == (date(2025, 1, 28), date(2025, 2, 4), 8)
    assert schedule.workdays == {date(2025, 1, 26): "春节", date(2025, 2, 8): "春节", date(2025, 4, 27): "劳动节",
                                 date(2025, 9, 28): "国庆节、中秋节", date(2025, 10, 11): "国庆节、中秋节"}  # fmt: skip


def test_a_range_across_the_new_year_and_the_encouraged_eve_are_read_right():
    notice_2023 = parse_notice((NOTICES / "2023.txt").read_text(encoding="utf-8"))
    assert {date(2022, 12, 31), date(2023, 1, 1), date(2023, 1, 2)} <= set(notice_2023.days_off)
    notice_2024 = parse_notice((NOTICES / "2024.txt").read_text(encoding="utf-8"))
    assert date(2024, 2, 9) not in notice_2024.days_off  # 鼓励…在除夕休息 is not a day off


def test_without_the_title_the_year_must_be_given():
    items = "一、元旦：1月1日（周三）放假1天，不调休。"
    with pytest.raises(NoticeError, match="no year"):
        parse_notice(items)
    assert parse_notice(items, year=2025).days_off == {date(2025, 1, 1): "元旦"}


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("二、春节：1月28日至2月4日放假调休，共7天。", "cannot read"),  # 8 days, says 7
        ("二、春节：一月二十八日放假。", "cannot read"),
        ("二、春节：1月28日至3月30日放假调休。", "cannot read"),  # not a holiday's length
        ("二、春节：1月28日放假。1月28日上班。", "both a day off and a working day"),
    ],
)
def test_a_garbled_notice_is_refused_with_the_line(line, why):
    with pytest.raises(NoticeError, match=why) as caught:
        parse_notice(f"国务院办公厅关于2025年部分节假日安排的通知\n{line}")
    assert caught.value.line in (0, 2)


def test_text_that_is_not_a_notice_is_refused():
    with pytest.raises(NoticeError, match="no holiday lines"):
        parse_notice("关于2025年部分节假日安排的通知\n春天来了。")


ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//CN holidays//ZH\r
BEGIN:VEVENT\r
UID:1@test\r
DTSTART;VALUE=DATE:20250128\r
DTEND;VALUE=DATE:20250205\r
SUMMARY:春节 休\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2@test\r
DTSTART;VALUE=DATE:20250126\r
SUMMARY:春节 班\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:3@test\r
DTSTART;VALUE=DATE:20250208\r
DTEND;VALUE=DATE:20250209\r
SUMMARY:春节调休上\r
 班\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:4@test\r
DTSTART:20250101T000000Z\r
SUMMARY:New Year\\, day off\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_an_ics_file_gives_days_off_and_working_days():
    schedule = parse_ics(ICS.encode())
    assert schedule.year == 2025
    assert sorted(schedule.days_off) == [date(2025, 1, 1)] + [
        date(2025, 1, 28) + timedelta(n) for n in range(8)
    ]
    assert schedule.days_off[date(2025, 1, 1)] == "New Year, day off"
    assert schedule.workdays == {date(2025, 1, 26): "春节", date(2025, 2, 8): "春节"}  # folded line unfolded
    assert all(schedule.is_workday(d) == chinese_calendar.is_workday(d)
               for d in [*schedule.days_off, *schedule.workdays])  # fmt: skip


@pytest.mark.parametrize(
    "data", [b"\xff\xfe not utf-8", b"BEGIN:VCARD\nEND:VCARD", b"BEGIN:VCALENDAR\nEND:VCALENDAR"]
)
def test_a_file_that_is_not_a_holiday_calendar_is_refused(data):
    with pytest.raises(NoticeError):
        parse_ics(data)
