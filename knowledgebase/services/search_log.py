"""The search log behind the admin's search analytics, written off the request path.

A search (the search page's first page, a wizard summary) is appended to a small per-process
buffer; the rows are written together, in one short transaction, after a response has gone
out (Django's `request_finished`) once the buffer holds `SEARCH_LOG_BATCH` searches or its
oldest is `SEARCH_LOG_MAX_AGE` seconds old, and when the process exits. No search writes a
row inside its request, and a busy site takes the write lock once per batch instead of once
per search. The price: a process killed outright loses the searches still buffered (at
most one batch, a few seconds' worth) — acceptable for analytics, unlike tickets or votes.
"""

import atexit
import logging
import threading
import time
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.signals import request_finished
from django.db import DatabaseError, transaction

from core.clock import resolve_now
from knowledgebase.models import SearchQuery

logger = logging.getLogger(__name__)

# Beyond this many unwritten searches (a database down for long) the oldest are dropped.
MAX_BUFFERED = 10_000

_buffer: list[SearchQuery] = []
_oldest: float | None = None
_lock = threading.Lock()


def _batch_size() -> int:
    return int(getattr(settings, "SEARCH_LOG_BATCH", 50))


def _max_age() -> float:
    return float(getattr(settings, "SEARCH_LOG_MAX_AGE", 10.0))


def log_search(*, query: str, results: int, user, now: datetime | None = None) -> None:
    """Remember one search; it is written with the next batch (see the module docstring)."""
    global _oldest
    entry = SearchQuery(
        query=" ".join(query.split())[:200],
        results=max(int(results), 0),
        user_id=user.pk if user is not None and user.is_authenticated else None,
        created_at=resolve_now(now),
    )
    with _lock:
        _buffer.append(entry)
        if _oldest is None:
            _oldest = time.monotonic()
        del _buffer[:-MAX_BUFFERED]


def discard() -> None:
    """Forget the buffered searches (tests, or an operator emptying a process)."""
    global _oldest
    with _lock:
        _buffer.clear()
        _oldest = None


def pending() -> int:
    """How many searches wait to be written."""
    return len(_buffer)


def due() -> bool:
    with _lock:
        return bool(_buffer) and (
            len(_buffer) >= _batch_size() or time.monotonic() - (_oldest or 0.0) >= _max_age()
        )


def flush() -> int:
    """Write every buffered search in one transaction; returns how many were written."""
    global _oldest
    with _lock:
        batch = list(_buffer)
        _buffer.clear()
        _oldest = None
    if not batch:
        return 0
    try:
        with transaction.atomic():
            # A user deleted since the search leaves an anonymous row, not a failed batch.
            ids = {e.user_id for e in batch if e.user_id is not None}
            known = set(get_user_model().objects.filter(pk__in=ids).values_list("pk", flat=True))
            for entry in batch:
                if entry.user_id not in known:
                    entry.user_id = None
            SearchQuery.objects.bulk_create(batch)
    except DatabaseError:
        logger.exception(
            "could not write %s searches to the search log; they are kept for the next try", len(batch)
        )
        with _lock:
            _buffer[:0] = batch
            del _buffer[:-MAX_BUFFERED]
            _oldest = _oldest or time.monotonic()
        return 0
    return len(batch)


def _after_response(**kwargs) -> None:
    if due():
        flush()


def _at_exit() -> None:
    if not getattr(settings, "SEARCH_LOG_FLUSH_AT_EXIT", True):
        return
    try:
        flush()
    except Exception:  # the interpreter is going away; nothing left to tell
        logger.exception("could not write the search log at exit")


request_finished.connect(_after_response, dispatch_uid="knowledgebase.search_log.flush")
atexit.register(_at_exit)
