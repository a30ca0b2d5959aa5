"""Tests for the pure business-time maths (no database, no Django needed)."""

import copy
import pickle
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from helpdesk.sla.business_time import (
    BusinessCalendar,
    add_business_minutes,
    business_seconds_between,
    is_24x7,
    is_open,
    next_open,
)
from helpdesk.sla.cn_holidays import cn_overrides, has_data_for
from helpdesk.tests.sla.calendars import (
    ALWAYS,
    BERLIN,
    CN,
    STANDARD,
    WORKDAY,
    ny,
    sh,
    utc,
)

# --- chinesecalendar data and the CN override helper -----------------------------


def test_chinesecalendar_has_2025_and_2026_but_not_2099() -> None:
    assert has_data_for(2025) and has_data_for(2026)
    assert not has_data_for(2099)


def test_cn_overrides_content() -> None:
    ov = cn_overrides(years=[2025, 2026], workday_intervals=WORKDAY)
    for d in range(1, 9):  # National Day + Mid-autumn 2025 (weekdays among them closed)
        day = date(2025, 10, d)
        assert ov.get(day, ()) == () and (day.weekday() >= 5 or day in ov)
    assert ov[date(2025, 10, 11)] == WORKDAY  # adjusted working Saturday
    assert ov[date(2025, 9, 28)] == WORKDAY  # adjusted working Sunday
    assert ov[date(2026, 2, 14)] == WORKDAY and ov[date(2026, 2, 28)] == WORKDAY
    assert all(ov[date(2026, 2, d)] == () for d in (16, 17, 18, 19, 20, 23))
    assert date(2026, 2, 15) not in ov  # a Sunday holiday needs no override
    assert date(2025, 11, 3) not in ov  # an ordinary Monday


def test_cn_overrides_rejects_years_without_data() -> None:
    with pytest.raises(ValueError, match="^chinesecalendar has no holiday data for 2099$"):
        cn_overrides(years=[2099], workday_intervals=WORKDAY)


# --- worked examples ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "minutes", "pauses", "due"),
    [
        (sh(2025, 9, 30, 17), 240, [], sh(2025, 10, 9, 12)),
        (sh(2025, 10, 10, 16), 480, [], sh(2025, 10, 11, 16)),  # adjusted Saturday
        (sh(2026, 2, 13, 10), 1440, [], sh(2026, 2, 25, 10)),  # Spring Festival
        (sh(2025, 11, 3, 9), 480, [], sh(2025, 11, 3, 18)),  # ends exactly at 18:00
        (sh(2025, 11, 3, 9), 480, [(sh(2025, 11, 3, 10), sh(2025, 11, 3, 15))], sh(2025, 11, 4, 14)),
        (sh(2025, 11, 3, 9), 480, [(sh(2025, 11, 3, 10), None)], None),
    ],
)
def test_worked_examples_cn(start: datetime, minutes: int, pauses: list, due: datetime | None) -> None:
    assert add_business_minutes(CN, start, minutes, pauses) == due


def test_worked_example_24x7() -> None:
    assert add_business_minutes(ALWAYS, sh(2026, 2, 16, 23, 30), 60) == sh(2026, 2, 17, 0, 30)


def test_standard_calendar_friday_to_monday() -> None:
    assert add_business_minutes(STANDARD, sh(2025, 11, 7, 16), 1440) == sh(2025, 11, 10, 16)
    # Across National Day: Sep 30 16:00 + 24h -> Oct 9 16:00 (holidays closed).
    assert add_business_minutes(STANDARD, sh(2025, 9, 30, 16), 1440) == sh(2025, 10, 9, 16)


# --- basic rules -----------------------------------------------------------------


def test_result_is_utc_aware() -> None:
    due = add_business_minutes(CN, sh(2025, 11, 3, 9), 60)
    assert due is not None and due.tzinfo is UTC
    found = next_open(CN, sh(2025, 11, 1, 9))
    assert found is not None and found.tzinfo is UTC


def naive_message(name: str) -> str:
    return "^" + re.escape(f"{name} must be timezone-aware, got naive {datetime(2025, 11, 3, 9)!r}") + "$"


def test_naive_datetimes_rejected() -> None:
    naive = datetime(2025, 11, 3, 9)
    aware = sh(2025, 11, 3, 9)
    with pytest.raises(ValueError, match=naive_message("start")):
        add_business_minutes(CN, naive, 10)
    with pytest.raises(ValueError, match=naive_message("pause start")):
        add_business_minutes(CN, aware, 10, [(naive, None)])
    with pytest.raises(ValueError, match=naive_message("pause end")):
        add_business_minutes(CN, aware, 10, [(aware, naive)])
    with pytest.raises(ValueError, match=naive_message("end")):
        business_seconds_between(CN, aware, naive)
    with pytest.raises(ValueError, match=naive_message("start")):
        business_seconds_between(CN, naive, aware)
    with pytest.raises(ValueError, match=naive_message("at")):
        is_open(CN, naive)
    with pytest.raises(ValueError, match=naive_message("at")):
        next_open(CN, naive)


def test_negative_minutes_rejected() -> None:
    with pytest.raises(ValueError, match="^minutes must be >= 0, got -1$"):
        add_business_minutes(CN, sh(2025, 11, 3, 9), -1)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (sh(2025, 11, 3, 10, 15), sh(2025, 11, 3, 10, 15)),  # already working
        (sh(2025, 11, 3, 12), sh(2025, 11, 3, 13)),  # interval end is closed
        (sh(2025, 11, 3, 12, 30), sh(2025, 11, 3, 13)),  # lunch
        (sh(2025, 11, 3, 18), sh(2025, 11, 4, 9)),  # evening
        (sh(2025, 11, 8, 11), sh(2025, 11, 10, 9)),  # Saturday
        (sh(2025, 9, 30, 18), sh(2025, 10, 9, 9)),  # into a holiday week
    ],
)
def test_zero_minutes_moves_to_next_working_minute(start: datetime, expected: datetime) -> None:
    assert add_business_minutes(CN, start, 0) == expected


def test_zero_minutes_skips_pauses() -> None:
    start = sh(2025, 11, 3, 10)
    pause = [(sh(2025, 11, 3, 9, 30), sh(2025, 11, 3, 12, 30))]
    assert add_business_minutes(CN, start, 0, pause) == sh(2025, 11, 3, 13)
    assert add_business_minutes(CN, start, 0, [(sh(2025, 11, 3, 9), None)]) is None
    assert add_business_minutes(CN, start, 0, [(sh(2025, 11, 3, 11), None)]) == start


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        (sh(2025, 11, 3, 7), 60, sh(2025, 11, 3, 10)),  # before opening
        (sh(2025, 11, 3, 12, 30), 30, sh(2025, 11, 3, 13, 30)),  # lunch
        (sh(2025, 11, 2, 20), 60, sh(2025, 11, 3, 10)),  # Sunday evening
        (sh(2025, 11, 3, 20), 180, sh(2025, 11, 4, 12)),  # ends exactly at 12:00
        (sh(2025, 11, 3, 11), 60, sh(2025, 11, 3, 12)),  # not 13:00
        (sh(2025, 11, 3, 11), 61, sh(2025, 11, 3, 13, 1)),
    ],
)
def test_clock_outside_working_time_and_interval_ends(start: datetime, minutes: int, due: datetime) -> None:
    assert add_business_minutes(CN, start, minutes) == due


def test_sub_minute_starts_are_exact() -> None:
    start = sh(2025, 11, 3, 11, 59, 30, 250_000)
    due = add_business_minutes(CN, start, 1)
    assert due == sh(2025, 11, 3, 13, 0, 30, 250_000)
    assert business_seconds_between(CN, start, due) == 60


# --- pauses ----------------------------------------------------------------------


def test_pause_in_non_working_time_removes_nothing() -> None:
    night = [(sh(2025, 11, 3, 19), sh(2025, 11, 4, 8))]
    lunch = [(sh(2025, 11, 3, 12), sh(2025, 11, 3, 13))]
    for pause in (night, lunch):
        assert add_business_minutes(CN, sh(2025, 11, 3, 9), 600, pause) == sh(2025, 11, 4, 11)


def test_overlapping_pauses_are_merged() -> None:
    start = sh(2025, 11, 3, 9)
    pieces = [
        (sh(2025, 11, 3, 10), sh(2025, 11, 3, 14)),
        (sh(2025, 11, 3, 11), sh(2025, 11, 3, 15)),
        (sh(2025, 11, 3, 10, 30), sh(2025, 11, 3, 11)),
    ]
    union = [(sh(2025, 11, 3, 10), sh(2025, 11, 3, 15))]
    assert add_business_minutes(CN, start, 480, pieces) == sh(2025, 11, 4, 14)
    assert add_business_minutes(CN, start, 480, list(reversed(pieces))) == sh(2025, 11, 4, 14)
    end = sh(2025, 11, 5, 12)
    assert business_seconds_between(CN, start, end, pieces) == business_seconds_between(CN, start, end, union)


def test_pause_ending_before_start_is_ignored() -> None:
    old = [(sh(2025, 10, 30, 9), sh(2025, 10, 30, 17))]
    assert add_business_minutes(CN, sh(2025, 11, 3, 9), 480, old) == sh(2025, 11, 3, 18)
    assert business_seconds_between(CN, sh(2025, 11, 3, 9), sh(2025, 11, 3, 18), old) == 8 * 3600


def test_pause_started_before_start_delays_the_clock() -> None:
    pause = [(sh(2025, 11, 3, 8), sh(2025, 11, 3, 10))]
    assert add_business_minutes(CN, sh(2025, 11, 3, 9), 60, pause) == sh(2025, 11, 3, 11)


def test_open_pause_after_due_time_does_not_matter() -> None:
    start = sh(2025, 11, 3, 9)
    assert add_business_minutes(CN, start, 60, [(sh(2025, 11, 3, 11), None)]) == sh(2025, 11, 3, 10)
    # Starting exactly at the due time: the budget is already used up.
    assert add_business_minutes(CN, start, 60, [(sh(2025, 11, 3, 10), None)]) == sh(2025, 11, 3, 10)
    # A pause starting in closed time before the due time still stops the clock.
    assert add_business_minutes(CN, start, 600, [(sh(2025, 11, 3, 20), None)]) is None


def test_pause_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValueError, match="^a pause must not end before it starts$"):
        add_business_minutes(CN, sh(2025, 11, 3, 9), 60, [(sh(2025, 11, 3, 11), sh(2025, 11, 3, 10))])


def test_business_seconds_between_with_pauses() -> None:
    start, end = sh(2025, 11, 3, 9), sh(2025, 11, 4, 14)
    assert business_seconds_between(CN, start, end) == 12 * 3600
    closed = [(sh(2025, 11, 3, 10), sh(2025, 11, 3, 15))]
    assert business_seconds_between(CN, start, end, closed) == 8 * 3600
    # An open pause counts only up to its start.
    assert business_seconds_between(CN, start, end, [(sh(2025, 11, 3, 10), None)]) == 3600
    assert business_seconds_between(CN, start, end, [(sh(2025, 11, 2, 10), None)]) == 0


def test_business_seconds_between_reversed_or_empty_is_zero() -> None:
    assert business_seconds_between(CN, sh(2025, 11, 4, 9), sh(2025, 11, 3, 9)) == 0
    assert business_seconds_between(CN, sh(2025, 11, 3, 10), sh(2025, 11, 3, 10)) == 0
    assert business_seconds_between(ALWAYS, sh(2025, 11, 4), sh(2025, 11, 3)) == 0


def test_business_seconds_between_holidays() -> None:
    assert business_seconds_between(CN, sh(2025, 9, 30, 17), sh(2025, 10, 9, 12)) == 4 * 3600
    assert business_seconds_between(CN, sh(2025, 10, 1), sh(2025, 10, 9)) == 0


# --- 24x7, DST, midnight ------------------------------------------------------------


def test_24x7_counts_real_time_across_dst() -> None:
    cal = BusinessCalendar("Europe/Berlin", dict.fromkeys(range(7), ((0, 1440),)))
    assert is_24x7(cal)
    spring = datetime(2025, 3, 30, 1, 30, tzinfo=BERLIN)  # clocks jump 02:00 -> 03:00
    assert add_business_minutes(cal, spring, 60) == datetime(2025, 3, 30, 3, 30, tzinfo=BERLIN)
    autumn = datetime(2025, 10, 26, 1, 30, tzinfo=BERLIN)  # 03:00 -> 02:00
    due = add_business_minutes(cal, autumn, 120)
    # Real time, not wall time: 01:30 CEST + 2h = 02:30 CET (wall arithmetic says 03:30).
    assert due == utc(2025, 10, 25, 23, 30) + timedelta(hours=2) == utc(2025, 10, 26, 1, 30)
    assert (
        business_seconds_between(
            cal, datetime(2025, 10, 26, tzinfo=BERLIN), datetime(2025, 10, 27, tzinfo=BERLIN)
        )
        == 25 * 3600
    )
    pause = [(utc(2025, 10, 26, 0), utc(2025, 10, 26, 0, 30))]
    assert add_business_minutes(cal, autumn, 120, pause) == utc(2025, 10, 26, 2)


def test_is_24x7() -> None:
    assert is_24x7(ALWAYS)
    assert not is_24x7(CN) and not is_24x7(STANDARD)
    closed_day = BusinessCalendar(
        "Asia/Shanghai", dict.fromkeys(range(7), ((0, 1440),)), {date(2025, 10, 1): ()}
    )
    assert not is_24x7(closed_day)
    assert add_business_minutes(closed_day, sh(2025, 9, 30, 23), 120) == sh(2025, 10, 2, 1)


def test_dst_gap_moves_to_first_valid_instant() -> None:
    # 2025-03-09: New York clocks jump from 02:00 EST to 03:00 EDT.
    gap_only = BusinessCalendar("America/New_York", {6: ((120, 180),)})
    day_start, day_end = ny(2025, 3, 9), ny(2025, 3, 10)
    assert business_seconds_between(gap_only, day_start, day_end) == 0
    assert business_seconds_between(gap_only, ny(2025, 3, 16), ny(2025, 3, 17)) == 3600
    across = BusinessCalendar("America/New_York", {6: ((60, 180),)})  # 01:00 EST - 03:00 EDT
    assert business_seconds_between(across, day_start, day_end) == 3600
    assert add_business_minutes(across, day_start, 60) == utc(2025, 3, 9, 7)
    half = BusinessCalendar("America/New_York", {6: ((150, 240),)})  # 02:30 -> 03:00 EDT
    assert next_open(half, day_start) == ny(2025, 3, 9, 3) == utc(2025, 3, 9, 7)
    assert business_seconds_between(half, day_start, day_end) == 3600


def test_dst_fold_takes_first_occurrence() -> None:
    # 2025-11-02: New York clocks fall back from 02:00 EDT to 01:00 EST.
    cal = BusinessCalendar("America/New_York", {6: ((60, 120),)})
    # 01:00 EDT = 05:00 UTC. (Ambiguous local times never compare equal across
    # zones in Python, so compare in UTC.)
    first = utc(2025, 11, 2, 5)
    assert ny(2025, 11, 2, 1).astimezone(UTC) == first
    assert next_open(cal, ny(2025, 11, 2)) == first
    # 01:00 EDT .. 02:00 EST is two real hours.
    assert business_seconds_between(cal, ny(2025, 11, 2), ny(2025, 11, 3)) == 7200
    assert is_open(cal, ny(2025, 11, 2, 1, 30, fold=1))
    assert add_business_minutes(cal, first, 120) == utc(2025, 11, 2, 7)


def test_midnight_intervals_are_continuous() -> None:
    cal = BusinessCalendar("Asia/Shanghai", {0: ((1200, 1440),), 1: ((0, 240), (600, 660))})
    assert add_business_minutes(cal, sh(2025, 11, 3, 23), 120) == sh(2025, 11, 4, 1)
    assert add_business_minutes(cal, sh(2025, 11, 3, 20), 240) == sh(2025, 11, 4)
    assert is_open(cal, sh(2025, 11, 4)) and is_open(cal, sh(2025, 11, 3, 23, 59))
    assert business_seconds_between(cal, sh(2025, 11, 3, 22), sh(2025, 11, 4, 2)) == 4 * 3600
    assert add_business_minutes(cal, sh(2025, 11, 4, 4), 0) == sh(2025, 11, 4, 10)
    # Same across a year boundary (years are precomputed separately).
    new_year = BusinessCalendar("Asia/Shanghai", {2: ((1380, 1440),), 3: ((0, 60),)})
    assert add_business_minutes(new_year, sh(2025, 12, 31, 23, 30), 60) == sh(2026, 1, 1, 0, 30)
    assert is_open(new_year, sh(2026, 1, 1))


# --- is_open / next_open ---------------------------------------------------------------


def test_is_open_and_next_open() -> None:
    assert is_open(CN, sh(2025, 11, 3, 9))
    assert not is_open(CN, sh(2025, 11, 3, 12))
    assert not is_open(CN, sh(2025, 10, 1, 10))  # National Day
    assert is_open(CN, sh(2025, 10, 11, 10))  # adjusted Saturday
    assert is_open(ALWAYS, sh(2025, 10, 1, 3))
    assert next_open(CN, sh(2025, 11, 3, 10)) == sh(2025, 11, 3, 10)
    assert next_open(CN, sh(2025, 11, 3, 12, 1)) == sh(2025, 11, 3, 13)
    assert next_open(CN, sh(2026, 2, 14, 18)) == sh(2026, 2, 24, 9)


def test_never_open_calendars() -> None:
    never = BusinessCalendar("Asia/Shanghai", {})
    assert next_open(never, sh(2025, 1, 1)) is None
    assert not is_open(never, sh(2025, 1, 1))
    assert add_business_minutes(never, sh(2025, 1, 1), 10) is None
    only_one_day = BusinessCalendar("Asia/Shanghai", {}, {date(2026, 1, 5): WORKDAY})
    assert add_business_minutes(only_one_day, sh(2025, 1, 1), 60) == sh(2026, 1, 5, 10)
    assert add_business_minutes(only_one_day, sh(2025, 1, 1), 481) is None
    assert next_open(only_one_day, sh(2024, 1, 1)) is None  # more than 400 days away
    assert next_open(only_one_day, sh(2025, 6, 1)) == sh(2026, 1, 5, 9)


def test_far_start_is_precomputed_lazily() -> None:
    assert add_business_minutes(CN, sh(2030, 7, 1, 9), 60) == sh(2030, 7, 1, 10)
    assert add_business_minutes(CN, sh(2019, 7, 1, 9), 60) == sh(2019, 7, 1, 10)
    assert business_seconds_between(CN, sh(2019, 7, 1, 9), sh(2019, 7, 1, 10)) == 3600


# --- the calendar value ------------------------------------------------------------------


OUT_OF_RANGE = "weekday 0: need 0 <= start < end <= 1440, got "
UNSORTED = "weekday 0: intervals must be sorted and non-overlapping"


@pytest.mark.parametrize(
    ("weekly", "overrides", "message"),
    [
        ({0: ((600, 540),)}, {}, OUT_OF_RANGE + "(600, 540)"),  # end before start
        ({0: ((540, 540),)}, {}, OUT_OF_RANGE + "(540, 540)"),  # empty
        ({0: ((-1, 60),)}, {}, OUT_OF_RANGE + "(-1, 60)"),
        ({0: ((0, 1441),)}, {}, OUT_OF_RANGE + "(0, 1441)"),
        ({0: ((780, 1080), (540, 720))}, {}, UNSORTED),  # unsorted
        ({0: ((540, 800), (780, 1080))}, {}, UNSORTED),  # overlapping
        ({7: ((540, 720),)}, {}, "weekday must be 0 (Monday)..6, got 7"),  # no such weekday
        ({0: ((540.0, 720),)}, {}, "weekday 0: bounds must be integers, got (540.0, 720)"),
        ({0: (540, 720)}, {}, "weekday 0: intervals must be (start, end) pairs"),  # not pairs
        (
            {},
            {date(2025, 1, 1): ((720, 540),)},
            "override 2025-01-01: need 0 <= start < end <= 1440, got (720, 540)",
        ),
        (
            {},
            {datetime(2025, 1, 1, tzinfo=UTC): ()},
            f"override keys must be dates, got {datetime(2025, 1, 1, tzinfo=UTC)!r}",
        ),
    ],
)
def test_invalid_calendars_rejected(weekly: dict, overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        BusinessCalendar("Asia/Shanghai", weekly, overrides)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd", "America"])
def test_unknown_timezone_rejected(zone: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(f"unknown timezone {zone!r}") + "$"):
        BusinessCalendar(zone, {0: WORKDAY})


def test_calendar_equality_hashing_and_immutability() -> None:
    weekly = {d: [list(iv) for iv in WORKDAY] for d in range(5)}
    a = BusinessCalendar("Asia/Shanghai", weekly)
    b = BusinessCalendar("Asia/Shanghai", {**dict.fromkeys(range(5), WORKDAY), 5: ()})
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != BusinessCalendar("Europe/Berlin", weekly)
    weekly[0] = []  # mutating the caller's dict cannot change the calendar
    assert a.weekly[0] == WORKDAY and a == b
    with pytest.raises(TypeError, match="'mappingproxy' object does not support item assignment"):
        a.weekly[0] = ()  # type: ignore[index]
    for clone in (pickle.loads(pickle.dumps(CN)), copy.deepcopy(CN)):
        assert clone == CN
        assert add_business_minutes(clone, sh(2025, 9, 30, 17), 240) == sh(2025, 10, 9, 12)
