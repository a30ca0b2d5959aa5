"""The one place that reads the wall clock.

Everything else calls `now()` or accepts a `now` argument and passes it to `resolve_now`;
ruff's banned-API rule (TID251) refuses `timezone.now()` and `datetime.now()` elsewhere.
Tests move time with time-machine, which this module honours like any other caller.
"""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """The current moment, timezone-aware (UTC)."""
    return timezone.now()  # noqa: TID251


def resolve_now(value: datetime | None) -> datetime:
    """Return `value` if given (must be aware), else the current time."""
    if value is None:
        return now()
    if timezone.is_naive(value):
        raise ValueError("now must be timezone-aware")
    return value
