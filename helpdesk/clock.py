"""The one place that reads the wall clock, so tests can pass `now` explicitly instead."""

from datetime import datetime

from django.utils import timezone


def resolve_now(now: datetime | None) -> datetime:
    """Return `now` if given (must be aware), else the current time."""
    if now is None:
        return timezone.now()
    if timezone.is_naive(now):
        raise ValueError("now must be timezone-aware")
    return now
