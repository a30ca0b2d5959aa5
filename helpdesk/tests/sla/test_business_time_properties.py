"""Property tests and the purity rule for the business-time maths (no database needed)."""

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk.sla import business_time as bt
from helpdesk.sla.business_time import (
    BusinessCalendar,
    add_business_minutes,
    business_seconds_between,
    is_24x7,
    is_open,
    next_open,
)
from helpdesk.tests.sla.calendars import (
    ALWAYS,
    BERLIN,
    BERLIN_ALWAYS,
    BERLIN_SHOP,
    BERLIN_SPLIT_ALWAYS,
    CN,
    NY,
    NY_NIGHTS,
    SH,
    STANDARD,
    ny,
    sh,
)

# --- property: adding then measuring round-trips ---------------------------------------

BASE = datetime(2025, 1, 1, tzinfo=UTC)
TWO_YEARS_US = 2 * 365 * 86_400 * 1_000_000
starts = st.integers(0, TWO_YEARS_US).map(lambda us: BASE + timedelta(microseconds=us))
zones = st.sampled_from([UTC, SH, BERLIN, NY])


@settings(max_examples=300, deadline=None)
@given(
    cal=st.sampled_from([CN, BERLIN_SHOP, ALWAYS, STANDARD, NY_NIGHTS, BERLIN_SPLIT_ALWAYS]),
    start=starts,
    zone=zones,
    minutes=st.integers(0, 5000),
)
def test_add_then_measure_round_trips(
    cal: BusinessCalendar, start: datetime, zone: ZoneInfo, minutes: int
) -> None:
    start = start.astimezone(zone)  # the caller's zone must not matter
    due = add_business_minutes(cal, start, minutes)
    assert due is not None and due >= start
    assert business_seconds_between(cal, start, due) == 60 * minutes
    if minutes:  # the due time is the earliest instant: one microsecond earlier is short
        short = business_seconds_between(cal, start, due - timedelta(microseconds=1))
        assert short < 60 * minutes
    else:
        assert is_open(cal, due) and due == next_open(cal, start)


@settings(max_examples=200, deadline=None)
@given(
    cal=st.sampled_from([CN, BERLIN_SHOP, ALWAYS, NY_NIGHTS]),
    start=starts,
    minutes=st.integers(1, 5000),
    raw_pauses=st.lists(
        st.tuples(st.integers(-3 * 86_400, 20 * 86_400), st.integers(0, 5 * 86_400)),
        max_size=4,
    ),
)
def test_add_then_measure_round_trips_with_pauses(
    cal: BusinessCalendar, start: datetime, minutes: int, raw_pauses: list[tuple[int, int]]
) -> None:
    pauses = [(start + timedelta(seconds=a), start + timedelta(seconds=a + n)) for a, n in raw_pauses]
    due = add_business_minutes(cal, start, minutes, pauses)
    assert due is not None
    assert business_seconds_between(cal, start, due, pauses) == 60 * minutes
    without = add_business_minutes(cal, start, minutes)
    assert without is not None and due >= without


@settings(max_examples=200, deadline=None)
@given(start=starts, minutes=st.integers(0, 5000), span=st.integers(0, 10**13))
def test_split_full_days_match_the_24x7_fast_path(start: datetime, minutes: int, span: int) -> None:
    assert not is_24x7(BERLIN_SPLIT_ALWAYS) and is_24x7(BERLIN_ALWAYS)
    due = add_business_minutes(BERLIN_SPLIT_ALWAYS, start, minutes)
    assert due == add_business_minutes(BERLIN_ALWAYS, start, minutes) == start + timedelta(minutes=minutes)
    end = start + timedelta(microseconds=span)
    assert business_seconds_between(BERLIN_SPLIT_ALWAYS, start, end) == int((end - start).total_seconds())


def test_dst_calendar_round_trips_over_the_switch_days() -> None:
    # Every minute offset across the 2025 spring-forward and fall-back Sundays.
    for day in (ny(2025, 3, 8, 21), ny(2025, 11, 1, 21)):
        for step in range(0, 10 * 60, 7):
            start = day + timedelta(minutes=step)
            for minutes in (0, 1, 30, 59, 60, 61, 150, 600):
                due = add_business_minutes(NY_NIGHTS, start, minutes)
                assert due is not None
                assert business_seconds_between(NY_NIGHTS, start, due) == 60 * minutes


def test_many_far_years_and_year_range() -> None:
    # More distinct years than a timeline keeps cached: results stay correct.
    for year in range(2030, 2130):
        monday = date(year, 6, 1) + timedelta(days=-date(year, 6, 1).weekday() % 7)
        start = datetime(monday.year, monday.month, monday.day, 9, tzinfo=SH)
        assert add_business_minutes(CN, start, 480) == start + timedelta(hours=9)
    assert business_seconds_between(CN, sh(2025, 1, 6, 9), sh(2125, 1, 7, 9)) > 0
    with pytest.raises(ValueError, match=r"^year 1849 outside 1900\.\.9998$"):
        add_business_minutes(CN, sh(1850, 1, 1), 10)


def test_concurrent_first_use_is_consistent() -> None:
    # A fresh (uncached) calendar hit by several threads while years are being built.
    cal = BusinessCalendar("Asia/Shanghai", dict.fromkeys(range(5), ((540, 720), (780, 1079))))
    jobs = [(sh(2020 + k % 12, 1 + k % 12, 1 + k % 28, 8), 1 + 37 * k % 3000) for k in range(400)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda job: add_business_minutes(cal, *job), jobs))
    fresh = BusinessCalendar("Asia/Shanghai", {d: [(540, 720), (780, 1079)] for d in range(5)})
    bt._shared_timeline.cache_clear()
    assert parallel == [add_business_minutes(fresh, *job) for job in jobs]


# --- purity ------------------------------------------------------------------------------


def test_business_time_imports_nothing_from_django() -> None:
    source = Path(bt.__file__).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        assert not any(name.split(".")[0] == "django" for name in names), names
    root = Path(bt.__file__).resolve().parents[2]
    code = (
        "import sys; import helpdesk.sla.business_time; "
        "assert not any(m.startswith('django') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
