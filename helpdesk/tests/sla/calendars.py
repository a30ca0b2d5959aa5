"""Calendars and time helpers shared by the business-time tests (pure, no Django)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from helpdesk.sla.business_time import BusinessCalendar
from helpdesk.sla.cn_holidays import cn_overrides

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
WORKDAY = ((540, 720), (780, 1080))  # 09:00-12:00, 13:00-18:00

CN = BusinessCalendar(
    timezone="Asia/Shanghai",
    weekly=dict.fromkeys(range(5), WORKDAY),
    overrides=cn_overrides(years=[2025, 2026], workday_intervals=WORKDAY),
)
STANDARD = BusinessCalendar(
    timezone="Asia/Shanghai",
    weekly=dict.fromkeys(range(5), ((0, 1440),)),
    overrides=cn_overrides(years=[2025, 2026], workday_intervals=((0, 1440),)),
)
ALWAYS = BusinessCalendar(timezone="Asia/Shanghai", weekly=dict.fromkeys(range(7), ((0, 1440),)))
BERLIN_SHOP = BusinessCalendar(timezone="Europe/Berlin", weekly=dict.fromkeys(range(6), ((480, 1200),)))
# Working hours straddling New York's DST switches (Sundays 02:00) and midnights.
NY_NIGHTS = BusinessCalendar(
    timezone="America/New_York",
    weekly={**dict.fromkeys(range(5), ((540, 1020),)), 5: ((1320, 1440),), 6: ((0, 150), (170, 240))},
)
# Open all day but split, so it goes through the per-year arrays, not the 24x7 fast path.
BERLIN_SPLIT_ALWAYS = BusinessCalendar("Europe/Berlin", dict.fromkeys(range(7), ((0, 720), (720, 1440))))
BERLIN_ALWAYS = BusinessCalendar("Europe/Berlin", dict.fromkeys(range(7), ((0, 1440),)))


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def ny(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=NY, fold=fold)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
