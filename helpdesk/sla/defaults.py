"""The seeded SLA configuration: three calendars, the three sold tiers and their targets.

Plain data plus one installer that takes model classes, so a data migration can run it
with historical models. Rows are editable in admin afterwards; nothing reads this module
at run time.
"""

from datetime import date

import chinese_calendar

from core.bilingual import split_bilingual
from helpdesk.models.sla import OverrideSource

from .cn_holidays import cn_overrides, has_data_for

WORKDAY_ALL_DAY = ((0, 1440),)
OFFICE_HOURS = ((540, 720), (780, 1080))  # 09:00–12:00, 13:00–18:00

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}

CALENDARS = {
    "standard": {
        "name": "中国工作日全天 · Working days, all day",
        "timezone": "Asia/Shanghai",
        "weekly": dict.fromkeys(range(5), WORKDAY_ALL_DAY),
        "follows_cn_holidays": True,
        "description": "Counts whole working days (Mon–Fri, plus adjusted working days); closed on weekends and statutory holidays.",
    },
    "advanced": {
        "name": "中国工作时间 · Business hours 09–12, 13–18",
        "timezone": "Asia/Shanghai",
        "weekly": dict.fromkeys(range(5), OFFICE_HOURS),
        "follows_cn_holidays": True,
        "description": "Mon–Fri 09:00–12:00 and 13:00–18:00 Beijing time, with China's holidays and adjusted working days.",
    },
    "urgent": {
        "name": "7×24",
        "timezone": "Asia/Shanghai",
        "weekly": dict.fromkeys(range(7), WORKDAY_ALL_DAY),
        "follows_cn_holidays": False,
        "description": "Around the clock, every day of the year.",
    },
}

PLANS = {
    "standard": {
        "name": "Standard 标准",
        "position": 1,
        "description": "首次响应：工作日内 24 小时（只计工作日，周末和法定节假日不计，调休上班日计入）。\nFirst response within 24 hours counted on working days only.",
        # priority: (first response, next response, resolution) in business minutes
        "targets": {
            "p1": (1440, 1440, 3 * 1440),
            "p2": (1440, 1440, 5 * 1440),
            "p3": (1440, 2880, 10 * 1440),
            "p4": (1440, 2880, 20 * 1440),
        },
    },
    "advanced": {
        "name": "Advanced 高级",
        "position": 2,
        "description": "首次响应：P1/P2 4 个工作小时内，P3/P4 8 个工作小时内（北京时间 09:00–12:00、13:00–18:00）。\nFirst response within 4 business hours (P1/P2) or 8 business hours (P3/P4).",
        "targets": {
            "p1": (240, 240, 540),
            "p2": (240, 480, 2 * 540),
            "p3": (480, 540, 5 * 540),
            "p4": (480, 1080, 10 * 540),
        },
    },
    "urgent": {
        "name": "Urgent 紧急",
        "position": 3,
        "description": "首次响应：1 小时内，7×24 小时全天候。\nFirst response within 1 hour, around the clock.",
        "targets": {
            "p1": (60, 60, 8 * 60),
            "p2": (60, 120, 24 * 60),
            "p3": (60, 240, 72 * 60),
            "p4": (60, 480, 7 * 24 * 60),
        },
    },
}
# Resolution targets scale with the category's complexity; the blank row covers "standard".
COMPLEXITY_FACTORS = {"simple": 0.5, "complex": 2.0}
DEFAULT_WARN_PERCENT = 75


def holiday_name(day: date) -> str:
    try:
        _is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    if not name:
        return ""
    label = getattr(name, "value", name)
    return HOLIDAY_NAMES_ZH.get(label, label)


def override_rows(*, years, workday_intervals) -> list[dict]:
    """Rows for CalendarOverride: holidays closed, adjusted weekend workdays open."""
    years = [year for year in years if has_data_for(year)]
    rows = []
    for day, intervals in sorted(cn_overrides(years=years, workday_intervals=workday_intervals).items()):
        working = bool(intervals)
        name = holiday_name(day)
        rows.append(
            {
                "date": day,
                "is_working": working,
                "intervals": [list(pair) for pair in intervals],
                "name": f"{name} 调休上班"
                if working and name
                else (name or ("调休上班" if working else "节假日")),
                "source": OverrideSource.CHINESECALENDAR,
            }
        )
    return rows


def _plan_texts(Plan, spec: dict) -> dict:
    """The plan's name and description: one bilingual value each for the historical model of
    migration 0002, a value per language once the model has them (helpdesk/translation.py)."""
    if not any(field.name == "name_zh_hans" for field in Plan._meta.get_fields()):
        return {"name": spec["name"], "description": spec["description"]}
    texts = {}
    for field in ("name", "description"):
        chinese, english = split_bilingual(spec[field])
        texts |= {f"{field}_zh_hans": chinese, f"{field}_en": english}
    return texts


def install_defaults(*, Calendar, Hours, Override, Plan, Target, years=(2025, 2026, 2027)) -> None:
    """Create the default calendars, plans and targets if absent (idempotent)."""
    calendars = {}
    for key, spec in CALENDARS.items():
        calendar, created = Calendar.objects.get_or_create(
            name=spec["name"],
            defaults={
                "timezone": spec["timezone"],
                "follows_cn_holidays": spec["follows_cn_holidays"],
                "description": spec["description"],
            },
        )
        calendars[key] = calendar
        if not created:
            continue
        Hours.objects.bulk_create(
            Hours(calendar=calendar, weekday=day, start_minute=start, end_minute=end)
            for day, intervals in spec["weekly"].items()
            for start, end in intervals
        )
        if spec["follows_cn_holidays"]:
            workday = spec["weekly"][0]
            Override.objects.bulk_create(
                Override(calendar=calendar, **row)
                for row in override_rows(years=years, workday_intervals=workday)
            )
    for tier, spec in PLANS.items():
        plan, created = Plan.objects.get_or_create(
            tier=tier,
            defaults={
                **_plan_texts(Plan, spec),
                "calendar": calendars[tier],
                "position": spec["position"],
            },
        )
        if not created:
            continue
        rows = []
        for priority, (first, nxt, resolution) in spec["targets"].items():
            rows.append(
                Target(
                    plan=plan,
                    priority=priority,
                    complexity="",
                    first_response_minutes=first,
                    next_response_minutes=nxt,
                    resolution_minutes=resolution,
                    warn_at_percent=DEFAULT_WARN_PERCENT,
                )
            )
            for complexity, factor in COMPLEXITY_FACTORS.items():
                rows.append(
                    Target(
                        plan=plan,
                        priority=priority,
                        complexity=complexity,
                        first_response_minutes=first,
                        next_response_minutes=nxt,
                        resolution_minutes=int(resolution * factor),
                        warn_at_percent=DEFAULT_WARN_PERCENT,
                    )
                )
        Target.objects.bulk_create(rows)
