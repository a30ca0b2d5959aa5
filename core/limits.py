"""Counters that hold across processes: sign-in attempts, account mails, inbound mail per address.

Each bucket is a fixed number of slots in the shared cache (the database cache, or Redis when
scaled out). A slot is taken with `cache.add`, which only one writer can win: an INSERT
against the cache table's primary key, SET NX on Redis. Counting with get + set instead would
let parallel requests all read the same count and all pass. Every slot expires on its own,
`window` after it was taken, so a bucket refills one slot at a time.

Time here is the cache's own expiry, not `core.clock`: the cache backends read the clock to
expire rows, and a limit only needs "within the last `window`".
"""

import hashlib
from datetime import timedelta

from django.core.cache import cache

KEY_PREFIX = "kx-limit"


def _slot_keys(*, bucket: str, limit: int) -> list[str]:
    # Hashed: buckets carry what visitors typed (emails), which is not a safe cache key.
    digest = hashlib.sha256(bucket.encode()).hexdigest()
    return [f"{KEY_PREFIX}:{digest}:{index}" for index in range(limit)]


def take_slot(*, bucket: str, limit: int, window: timedelta, label: str = "") -> str | None:
    """Take one of `limit` slots in `bucket` for `window`; the slot's key, or None when all are taken.

    `label` is stored in the slot, so `release_labelled` can give back the slots of one
    account in a bucket that many accounts share (an IP address).
    """
    keys = _slot_keys(bucket=bucket, limit=limit)
    taken = cache.get_many(keys)
    timeout = max(int(window.total_seconds()), 1)
    for key in keys:
        if key not in taken and cache.add(key, label, timeout=timeout):
            return key
    return None


def release_labelled(*, bucket: str, limit: int, label: str) -> None:
    """Give back the slots in `bucket` that were taken with `label`."""
    taken = cache.get_many(_slot_keys(bucket=bucket, limit=limit))
    cache.delete_many([key for key, value in taken.items() if value == label])


def clear_bucket(*, bucket: str, limit: int) -> None:
    """Empty a bucket (reset on success)."""
    cache.delete_many(_slot_keys(bucket=bucket, limit=limit))


def slots_taken(*, bucket: str, limit: int) -> int:
    return len(cache.get_many(_slot_keys(bucket=bucket, limit=limit)))
