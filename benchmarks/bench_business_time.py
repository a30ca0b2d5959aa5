"""Throughput of helpdesk.sla.business_time.

Run from the repository root: ``python benchmarks/bench_business_time.py``.
Uses 100,000 calls with varied starts (2025-2026, Asia/Shanghai) and budgets
(1..2880 minutes). Precomputation is warmed up first, so the numbers measure
the steady state a long-running worker sees.
"""

import random
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpdesk.sla.business_time import (
    BusinessCalendar,
    add_business_minutes,
    business_seconds_between,
)
from helpdesk.sla.cn_holidays import cn_overrides

N = 100_000
SH = ZoneInfo("Asia/Shanghai")
WORKDAY = ((540, 720), (780, 1080))


def calendars() -> dict[str, BusinessCalendar]:
    return {
        "CN 09-12/13-18 + holidays": BusinessCalendar(
            timezone="Asia/Shanghai",
            weekly=dict.fromkeys(range(5), WORKDAY),
            overrides=cn_overrides(years=[2025, 2026], workday_intervals=WORKDAY),
        ),
        "24x7": BusinessCalendar(timezone="Asia/Shanghai", weekly=dict.fromkeys(range(7), ((0, 1440),))),
    }


def timed(label: str, n: int, what: str, fn: Callable[[], None]) -> None:
    began = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - began
    print(f"{label}: {n:,} {what} in {elapsed:.2f} s ({n / elapsed:,.0f}/s)", flush=True)


def main() -> None:
    rng = random.Random(20251103)
    base = datetime(2025, 1, 1, tzinfo=SH)
    span_s = 2 * 365 * 86_400
    starts = [base + timedelta(seconds=rng.randrange(span_s)) for _ in range(N)]
    minutes = [rng.randint(1, 2880) for _ in range(N)]
    ends = [s + timedelta(seconds=rng.randrange(30 * 86_400)) for s in starts]
    # One closed pause of up to 3 days starting up to 2 days after the start.
    pauses = []
    for s in starts:
        p0 = s + timedelta(seconds=rng.randrange(2 * 86_400))
        pauses.append([(p0, p0 + timedelta(seconds=rng.randrange(3 * 86_400)))])
    for name, cal in calendars().items():
        # Cold start: the first call builds the arrays of the years it touches.
        began = time.perf_counter()
        add_business_minutes(cal, starts[0], minutes[0])
        cold_ms = 1000 * (time.perf_counter() - began)
        print(f"[{name}] first call (builds precomputation): {cold_ms:.1f} ms", flush=True)
        # Warm-up: builds the remaining years the runs below touch.
        for s, m in zip(starts[:2000], minutes[:2000], strict=True):
            add_business_minutes(cal, s, m)
        add_business_minutes(cal, base + timedelta(days=800), 5000)

        def run_add(cal: BusinessCalendar = cal) -> None:
            for s, m in zip(starts, minutes, strict=True):
                add_business_minutes(cal, s, m)

        def run_add_paused(cal: BusinessCalendar = cal) -> None:
            for s, m, p in zip(starts, minutes, pauses, strict=True):
                add_business_minutes(cal, s, m, p)

        def run_between(cal: BusinessCalendar = cal) -> None:
            for s, e in zip(starts, ends, strict=True):
                business_seconds_between(cal, s, e)

        timed("  add_business_minutes", N, "due times", run_add)
        timed("  add_business_minutes (1 pause)", N, "due times", run_add_paused)
        timed("  business_seconds_between", N, "durations", run_between)


if __name__ == "__main__":
    main()
