"""Retry a unit of background work that lost a race for a database lock.

SQLite has one write lock for the whole file. A writer that cannot get it within the busy
timeout (5 s, `config/settings/base.py`) gets `OperationalError("database is locked")`; on
PostgreSQL the cousins are deadlocks and serialization failures. None of them means the
work is wrong, only that it came at a bad moment, so the loops (task worker, SLA watcher,
outbox flush) retry it after a growing pause instead of dying or waiting a whole interval.
"""

import logging
import random
import time
from collections.abc import Callable

from django.db import OperationalError

logger = logging.getLogger(__name__)

# Lower-cased fragments of the messages SQLite and PostgreSQL use for a lost lock race.
_TRANSIENT = (
    "database is locked",
    "database table is locked",
    "deadlock detected",
    "could not obtain lock",
    "could not serialize access",
)


def is_transient_lock_error(exc: BaseException) -> bool:
    """True for an OperationalError that says another connection held a lock."""
    if not isinstance(exc, OperationalError):
        return False
    text = " ".join(str(arg) for arg in exc.args).lower()
    return any(fragment in text for fragment in _TRANSIENT)


def retry_when_locked[T](
    fn: Callable[[], T],
    *,
    what: str,
    attempts: int = 6,
    first_delay: float = 0.25,
    max_delay: float = 8.0,
    budget: float | None = None,
    sleep: Callable[[float], None] | None = None,
) -> T:
    """Call `fn()`; on a transient lock error wait and call it again.

    The pause doubles from `first_delay` up to `max_delay`, with jitter so that processes
    that collided once do not collide again in step. It gives up after `attempts` calls or
    once `budget` seconds have passed, re-raising the last error; any other exception
    propagates at once. `fn` must be safe to repeat: each call is a fresh transaction.
    """
    began = time.monotonic()
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except OperationalError as exc:
            if not is_transient_lock_error(exc):
                raise
            spent = time.monotonic() - began
            if attempt == attempts or (budget is not None and spent + delay > budget):
                logger.error("%s: still locked after %d attempts (%.1f s); giving up", what, attempt, spent)
                raise
            pause = delay * (0.5 + random.random())
            logger.warning("%s: %s (attempt %d); retrying in %.2f s", what, exc, attempt, pause)
            (sleep or time.sleep)(pause)
            delay = min(delay * 2, max_delay)
    raise AssertionError("unreachable")  # the loop returns or raises
