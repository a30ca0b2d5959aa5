"""Project-wide pytest fixtures."""

from datetime import UTC, datetime

import pytest

from helpdesk.sla.calendars import clear_cache


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # The calendar cache is per process; test databases roll back underneath it.
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def monday_9am() -> datetime:
    """2025-11-03 09:00 in Asia/Shanghai: a plain working Monday."""
    return datetime(2025, 11, 3, 1, 0, tzinfo=UTC)
