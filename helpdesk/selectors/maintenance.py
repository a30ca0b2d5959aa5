"""Maintenance windows customers should know about, for every portal page.

The banner sits on every page, so the answer is kept per process for MEMO_SECONDS: the
process that saves a window forgets at once (`forget`), the others within half a minute.
"""

import threading
import time
from datetime import datetime, timedelta

from core.clock import resolve_now
from helpdesk.models import MaintenanceWindow

# Announced this far ahead on the portal.
HORIZON = timedelta(days=14)
MEMO_SECONDS = 30.0

_lock = threading.Lock()
_memo: dict[str, object] = {"until": 0.0, "windows": []}


def forget() -> None:
    with _lock:
        _memo["until"] = 0.0


def remember(windows: list[MaintenanceWindow]) -> None:
    with _lock:
        _memo.update(until=time.monotonic() + MEMO_SECONDS, windows=windows)


def _load(now: datetime) -> list[MaintenanceWindow]:
    # Everything announced that has not ended: the horizon is applied per call, so a window
    # that comes within it while memoised still shows.
    return list(
        MaintenanceWindow.objects.filter(is_published=True, ends_at__gt=now)
        .order_by("starts_at")
        .only("title_zh_hans", "title_en", "services_zh_hans", "services_en", "starts_at", "ends_at")[:20]
    )


def announced_windows(*, now: datetime | None = None) -> list[MaintenanceWindow]:
    """Current and upcoming announced windows (within HORIZON), soonest first."""
    now = resolve_now(now)
    with _lock:
        fresh = time.monotonic() < _memo["until"]
        windows = _memo["windows"]
    if not fresh:
        windows = _load(now)
        remember(windows)
    return [w for w in windows if w.ends_at > now and w.starts_at < now + HORIZON]


def current_window(*, now: datetime | None = None) -> MaintenanceWindow | None:
    now = resolve_now(now)
    return next((w for w in announced_windows(now=now) if w.is_current(now)), None)
