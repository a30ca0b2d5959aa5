"""The mail outbox: queue a message in the caller's transaction, send it with retries later.

Delivery is claimed with a conditional UPDATE, so two workers never send one row twice.
A row stuck in "sending" (the worker died mid-send) is retried after CLAIM_TIMEOUT: a crash
at exactly that moment may send twice, which beats losing mail.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q

from core.clock import resolve_now
from helpdesk.models import EmailKind, OutboundEmail, Ticket

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=10)
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600


def queue_email(
    *,
    to: list[str],
    subject: str,
    body: str,
    kind: EmailKind,
    ticket: Ticket | None = None,
    reply_to: str = "",
    headers: dict | None = None,
    not_before: datetime | None = None,
    now: datetime | None = None,
) -> OutboundEmail | None:
    """Write an outbox row in the current transaction; a task sends it after commit.

    `not_before` holds the mail back (e.g. until a team's working hours start).
    Returns None when there is nobody to send to; ValueError for a kind not in EmailKind.
    """
    kind = EmailKind(kind)
    now = resolve_now(now)
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    if not recipients:
        return None
    email = OutboundEmail.objects.create(
        to=recipients,
        subject=subject[:255],
        body=body,
        kind=kind,
        ticket=ticket,
        reply_to=reply_to,
        headers=headers or {},
        next_attempt_at=max(now, not_before) if not_before else now,
    )
    if email.next_attempt_at <= now:
        transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _enqueue(email_id: int) -> None:
    from helpdesk.tasks import send_outbound_email

    try:
        send_outbound_email.enqueue(email_id=email_id)
    except Exception:  # the periodic flush picks the row up anyway
        logger.exception("could not enqueue outbound email %s", email_id)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def deliver(*, email_id: int, now: datetime | None = None) -> str:
    """Try to send one outbox row if it is due; return its state afterwards."""
    now = resolve_now(now)
    claimable = Q(state=OutboundEmail.State.PENDING, next_attempt_at__lte=now) | Q(
        state=OutboundEmail.State.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    claimed = OutboundEmail.objects.filter(claimable, pk=email_id).update(
        state=OutboundEmail.State.SENDING, claimed_at=now
    )
    if not claimed:
        return OutboundEmail.objects.filter(pk=email_id).values_list("state", flat=True).first() or ""
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        reply_to=[email.reply_to] if email.reply_to else None,
        headers=email.headers or None,
    )
    attempts = email.attempts + 1
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # any SMTP/network failure: keep the row and retry later
        gave_up = attempts >= settings.OUTBOX_MAX_ATTEMPTS
        OutboundEmail.objects.filter(pk=email_id).update(
            state=OutboundEmail.State.FAILED if gave_up else OutboundEmail.State.PENDING,
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=now + backoff(attempts),
            claimed_at=None,
        )
        logger.warning("outbound email %s failed (attempt %s): %s", email_id, attempts, exc)
        return OutboundEmail.State.FAILED if gave_up else OutboundEmail.State.PENDING
    OutboundEmail.objects.filter(pk=email_id).update(
        state=OutboundEmail.State.SENT, attempts=attempts, sent_at=now, last_error=""
    )
    return OutboundEmail.State.SENT


def due_email_ids(*, now: datetime | None = None, limit: int = 100) -> list[int]:
    now = resolve_now(now)
    return list(
        OutboundEmail.objects.filter(
            Q(state=OutboundEmail.State.PENDING, next_attempt_at__lte=now)
            | Q(state=OutboundEmail.State.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def flush_outbox(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send every due row (retries included); what the periodic loop calls."""
    counts: dict[str, int] = {}
    for email_id in due_email_ids(now=now, limit=limit):
        state = deliver(email_id=email_id, now=now)
        counts[state] = counts.get(state, 0) + 1
    return counts


def retry_now(*, email_ids: list[int], now: datetime | None = None) -> int:
    """Admin action: put failed or pending rows back in line for immediate sending."""
    now = resolve_now(now)
    return OutboundEmail.objects.filter(
        pk__in=email_ids, state__in=[OutboundEmail.State.PENDING, OutboundEmail.State.FAILED]
    ).update(state=OutboundEmail.State.PENDING, next_attempt_at=now, attempts=0)
