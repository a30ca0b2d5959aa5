"""Leased claims on outbox rows, shared by the mail outbox and the HTTP outbox.

Both outboxes keep a row per message with the same delivery columns (`state` with "pending"
and "sending" values, `next_attempt_at`, `attempts`, `claimed_at`, `claimed_until`,
`claim_token`), and both deliver in three steps: claim, send outside any transaction, mark.
This module is the first step and the queries that decide which rows it may take:

- `claimable(model, now)`: due "pending" rows, and "sending" rows whose worker died (lease
  ran out) that still have attempts left;
- `claim(model, pk=, now=)`: one conditional UPDATE in a short durable transaction, so two
  workers never both hold a row and SQLite's write lock is never held while sending;
- `give_up_abandoned(model, now=)`: "failed" for abandoned rows that used up their attempts,
  so a message that kills the worker every time does not kill it forever.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q

from core.clock import resolve_now

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600


def lease() -> timedelta:
    """How long a claim keeps other workers off a row (setting `OUTBOX_LEASE_SECONDS`)."""
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """How long a row waits after its `attempts`-th failed attempt (doubling, capped)."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def abandoned(model: type[models.Model], now: datetime) -> Q:
    """ "Sending" rows whose lease has run out: their worker is presumed dead."""
    # A "sending" row without a lease was set by hand or by code older than the lease.
    return Q(state=model.State.SENDING) & (Q(claimed_until__lt=now) | Q(claimed_until__isnull=True))


def claimable(model: type[models.Model], now: datetime) -> Q:
    """Rows a worker may claim at `now`: due ones, and abandoned ones with attempts left."""
    due = Q(state=model.State.PENDING, next_attempt_at__lte=now)
    # An abandoned row that has used up its attempts is given up by give_up_abandoned instead.
    return due | (abandoned(model, now) & Q(attempts__lt=settings.OUTBOX_MAX_ATTEMPTS))


def claim[Row: models.Model](
    model: type[Row], *, pk: int, now: datetime, related: Iterable[str] = ()
) -> tuple[Row, str] | None:
    """Take row `pk` for one attempt if it is claimable: mark it "sending" with a lease and a
    fresh claim token, count the attempt, and return the row (with `related` selected) and
    the token; None when it is not due or another worker holds it.

    Call it outside any transaction: it is durable (and raises inside one), because a caller's
    open transaction would keep the write lock through the SMTP or HTTP talk that follows.
    """
    token = uuid.uuid4().hex
    with transaction.atomic(durable=True):
        claimed = model.objects.filter(claimable(model, now), pk=pk).update(
            state=model.State.SENDING,
            claimed_at=now,
            claimed_until=now + lease(),
            claim_token=token,
            attempts=F("attempts") + 1,
        )
        if not claimed:
            return None
        rows = model.objects.all()
        related = tuple(related)
        if related:  # select_related() with no names would follow every non-null key
            rows = rows.select_related(*related)
        return rows.get(pk=pk), token


def give_up_abandoned(model: type[models.Model], *, now: datetime | None = None) -> int:
    """Mark as failed the abandoned "sending" rows that have used up their attempts."""
    now = resolve_now(now)
    return model.objects.filter(abandoned(model, now), attempts__gte=settings.OUTBOX_MAX_ATTEMPTS).update(
        state=model.State.FAILED,
        last_error="The worker stopped while sending, on every attempt (lease ran out).",
        claimed_until=None,
        claim_token="",
    )
