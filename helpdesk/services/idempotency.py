"""Idempotency keys for API writes: the first request with a key runs, every retry replays it.

A key is claimed by inserting its row before the write runs; the unique (user, key) pair
makes a second request, even one arriving at the same moment in another process, find the
row instead of writing again. That second request waits for the first one's answer and
replays it. A claim whose request died (the row never completed) is taken over after
CLAIM_LEASE, so a crashed worker does not block a key forever.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import IdempotentRequest, User

CLAIM_LEASE = timedelta(minutes=2)
# How long a key is remembered: a retry a day later is a new request (Stripe's choice too).
KEEP = timedelta(hours=24)
# How long a retry waits for the first request's answer before it is told to come back.
WAIT_SECONDS = 15.0
POLL_SECONDS = 0.05
MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class Replay:
    status_code: int
    response: Any


class KeyInUse(ValidationError):
    """Another request with this key is still running (past the wait): try again shortly."""


class KeyReused(ValidationError):
    """The key was used for a different request (another method or address)."""


def _check_key(key: str) -> None:
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationError(
            {"Idempotency-Key": [_("At most %(n)s characters.") % {"n": MAX_KEY_LENGTH}]}, code="invalid"
        )


def claim(
    *,
    user: User,
    key: str,
    method: str,
    path: str,
    now: datetime | None = None,
    wait: float | None = None,
) -> IdempotentRequest | Replay:
    """Claim `key` for this request (the row to `complete` or `release` afterwards), or the
    answer of the earlier request that used it."""
    _check_key(key)
    deadline = time.monotonic() + (WAIT_SECONDS if wait is None else wait)
    while True:
        moment = resolve_now(now)
        try:
            with transaction.atomic(durable=True):
                # The user's own expired keys go as they claim a new one: no sweeper needed,
                # and a key past KEEP may be claimed afresh.
                IdempotentRequest.objects.filter(user=user, created_at__lt=moment - KEEP).delete()
                return IdempotentRequest.objects.create(
                    user=user, key=key, method=method, path=path[:500], created_at=moment
                )
        except IntegrityError:
            pass
        earlier = IdempotentRequest.objects.filter(user=user, key=key).first()
        if earlier is None:
            continue  # released meanwhile: claim it again
        if (earlier.method, earlier.path) != (method, path[:500]):
            raise KeyReused(
                _("This Idempotency-Key was already used for another request (%(method)s %(path)s).")
                % {"method": earlier.method, "path": earlier.path},
                code="idempotency_key_reused",
            )
        if earlier.completed_at is not None:
            return Replay(status_code=earlier.status_code, response=earlier.response)
        if earlier.created_at < moment - CLAIM_LEASE:
            # The request that claimed it died: take the claim over (once, conditionally).
            taken = IdempotentRequest.objects.filter(
                pk=earlier.pk, completed_at__isnull=True, created_at=earlier.created_at
            ).update(created_at=moment)
            if taken:
                earlier.created_at = moment
                return earlier
            continue
        if time.monotonic() >= deadline:
            raise KeyInUse(
                _("A request with this Idempotency-Key is still being processed; retry in a moment."),
                code="idempotency_key_in_use",
            )
        time.sleep(POLL_SECONDS)


def complete(
    *, request: IdempotentRequest, status_code: int, response: Any, now: datetime | None = None
) -> None:
    """Keep the answer for the retries."""
    IdempotentRequest.objects.filter(pk=request.pk).update(
        status_code=status_code, response=response, completed_at=resolve_now(now)
    )


def release(*, request: IdempotentRequest) -> None:
    """The request was refused or failed: forget the key, so that a corrected retry runs."""
    IdempotentRequest.objects.filter(pk=request.pk, completed_at__isnull=True).delete()
