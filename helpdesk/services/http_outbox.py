"""The HTTP outbox: webhook deliveries and chat alerts, queued in the caller's transaction and
delivered by the task worker with retries, exactly once.

The same three steps as the mail outbox (`helpdesk.services.outbox`), so SQLite's write lock
is never held while a worker waits on a remote server:

1. **Claim** in a short durable transaction: a conditional UPDATE takes a lease
   (`claimed_until`, `OUTBOX_LEASE_SECONDS`) with a fresh `claim_token` and counts the attempt.
2. **Send**, outside any transaction: the row's target signs the request now (receivers
   refuse stale timestamps), with a timeout, to an address checked to be public
   (`safe_http`: every address the host resolves to, and the connection pinned to it).
3. **Mark** delivered on a 2xx answer the platform calls a success; otherwise back to
   "pending" with the mail outbox's backoff, or "failed" after `OUTBOX_MAX_ATTEMPTS`, only
   while still holding the claim.

A worker that dies between 1 and 3 leaves a "sending" row whose lease runs out; the next
flush claims it again. The one window for a second delivery is a crash after the receiver
answered and before the mark committed; the resend carries the same `X-Kuaixiang-Delivery`
id, by which a receiver drops the duplicate.
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction

from core.clock import resolve_now
from core.db_retry import retry_when_locked
from helpdesk.models import OutboundRequest, TeamAlertChannel, Ticket, WebhookEndpoint

from . import claims, safe_http
from .claims import backoff, lease

logger = logging.getLogger(__name__)

RESPONSE_KEPT_CHARS = 2000
USER_AGENT = "Kuaixiang-Webhooks/1.0"


@dataclass(frozen=True)
class PreparedRequest:
    """What goes on the wire for one attempt."""

    url: str
    headers: dict[str, str]
    body: bytes


class DeliveryError(Exception):
    """The receiver did not take the request; the message says why (kept on the row)."""

    def __init__(self, message: str, *, status: int | None = None, response: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.response = response


def queue_request(
    *,
    kind: str,
    event: str,
    url: str,
    body: dict,
    headers: dict | None = None,
    endpoint: WebhookEndpoint | None = None,
    channel: TeamAlertChannel | None = None,
    ticket: Ticket | None = None,
    not_before: datetime | None = None,
    now: datetime | None = None,
) -> OutboundRequest:
    """Write an outbox row in the current transaction (one INSERT); a task delivers it after
    commit, so a rolled-back change sends nothing and a slow platform slows no request.

    `kind` is an OutboundRequest.Kind (ValueError otherwise); `not_before` holds it back.
    """
    kind = OutboundRequest.Kind(kind)
    now = resolve_now(now)
    row = OutboundRequest.objects.create(
        kind=kind,
        event=event,
        url=url,
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
        headers=headers or {},
        endpoint=endpoint,
        channel=channel,
        ticket=ticket,
        next_attempt_at=max(now, not_before) if not_before else now,
        created_at=now,
    )
    if row.next_attempt_at <= now:
        transaction.on_commit(lambda: _enqueue(row.pk))
    return row


def _enqueue(request_id: int) -> None:
    from helpdesk.tasks import deliver_outbound_request

    try:
        deliver_outbound_request.enqueue(request_id=request_id)
    except Exception:  # the periodic flush picks the row up anyway
        logger.exception("could not enqueue outbound request %s", request_id)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is the receiver's mistake (or an attempt to point us elsewhere): report it.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# Direct connections to the checked address only (safe_http): no proxy, no redirects.
_opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), safe_http.PinnedHTTPHandler, safe_http.PinnedHTTPSHandler, _NoRedirects
)


def _post(prepared: PreparedRequest, *, method: str) -> tuple[int, str]:
    request = urllib.request.Request(
        prepared.url,
        data=prepared.body,
        method=method,
        headers={
            "User-Agent": USER_AGENT,
            "Content-Type": "application/json; charset=utf-8",
            **prepared.headers,
        },
    )
    safe_http.pin(request)
    try:
        with _opener.open(request, timeout=settings.OUTBOUND_HTTP_TIMEOUT_SECONDS) as response:
            text = response.read(RESPONSE_KEPT_CHARS * 4).decode("utf-8", "replace")
            return response.status, text[:RESPONSE_KEPT_CHARS]
    except urllib.error.HTTPError as error:
        text = error.read(RESPONSE_KEPT_CHARS * 4).decode("utf-8", "replace")[:RESPONSE_KEPT_CHARS]
        raise DeliveryError(f"HTTP {error.code} {error.reason}", status=error.code, response=text) from error


def deliver_request(*, request_id: int, now: datetime | None = None) -> str:
    """Try to deliver one row if it is due; return its state afterwards.

    Call it outside any transaction (the claim is durable and raises inside one).
    """
    from . import signing

    now = resolve_now(now)
    claim = claims.claim(OutboundRequest, pk=request_id, now=now, related=("endpoint", "channel"))
    if claim is None:
        return OutboundRequest.objects.filter(pk=request_id).values_list("state", flat=True).first() or ""
    row, token = claim
    try:
        prepared = signing.prepare(row, now=now)
        status, text = _post(prepared, method=row.method)
        signing.check_answer(row, status=status, text=text)
    except (signing.CannotSend, safe_http.UnsafeAddress) as error:  # gone, off or not public: final
        return _record_failure(row=row, token=token, error=error, now=now, final=True)
    except Exception as error:  # network, timeout, refusal: keep the row and retry later
        return _record_failure(row=row, token=token, error=error, now=now)
    _mark_delivered(request_id=row.pk, status=status, text=text, now=now)
    return OutboundRequest.State.DELIVERED


def _mark_delivered(*, request_id: int, status: int, text: str, now: datetime) -> None:
    # Unconditional on the claim: the receiver has it, whichever worker holds the row now.
    def mark() -> None:
        OutboundRequest.objects.filter(pk=request_id).update(
            state=OutboundRequest.State.DELIVERED,
            delivered_at=now,
            response_status=status,
            response_body=text,
            last_error="",
            claimed_until=None,
            claim_token="",
        )

    try:
        retry_when_locked(
            mark, what=f"mark outbound request {request_id} delivered", budget=lease().total_seconds() / 2
        )
    except Exception:
        logger.critical(
            "outbound request %s was delivered but could not be marked; it will be sent again "
            "when its lease runs out (same X-Kuaixiang-Delivery id)",
            request_id,
        )
        raise


def _record_failure(
    *, row: OutboundRequest, token: str, error: Exception, now: datetime, final: bool = False
) -> str:
    gave_up = final or row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    state = OutboundRequest.State.FAILED if gave_up else OutboundRequest.State.PENDING
    status = getattr(error, "status", None)
    response = getattr(error, "response", "")

    def record() -> int:
        # Only while the claim is ours (see the mail outbox).
        return OutboundRequest.objects.filter(
            pk=row.pk, state=OutboundRequest.State.SENDING, claim_token=token
        ).update(
            state=state,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            response_status=status,
            response_body=response,
            next_attempt_at=now + backoff(row.attempts),
            claimed_until=None,
            claim_token="",
        )

    retry_when_locked(record, what=f"record the failure of outbound request {row.pk}", attempts=4)
    logger.warning("outbound request %s failed (attempt %s): %s", row.pk, row.attempts, error)
    return state


def give_up_abandoned(*, now: datetime | None = None) -> int:
    """Mark as failed the abandoned "sending" requests that have used up their attempts."""
    return claims.give_up_abandoned(OutboundRequest, now=now)


def flush_http_outbox(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Deliver every due row: new, retries, held-back alerts and rows whose worker died."""
    counts: dict[str, int] = {}
    given_up = give_up_abandoned(now=now)
    if given_up:
        counts[OutboundRequest.State.FAILED] = given_up
    due = list(
        OutboundRequest.objects.filter(claims.claimable(OutboundRequest, resolve_now(now)))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for request_id in due:
        state = deliver_request(request_id=request_id, now=now)
        counts[state] = counts.get(state, 0) + 1
    return counts


@transaction.atomic
def retry_requests(*, request_ids: list[int], now: datetime | None = None) -> int:
    """Put pending or failed rows back in line for delivery now (their delivery ids stay)."""
    now = resolve_now(now)
    ids = list(
        OutboundRequest.objects.filter(
            pk__in=request_ids, state__in=[OutboundRequest.State.PENDING, OutboundRequest.State.FAILED]
        ).values_list("pk", flat=True)
    )
    OutboundRequest.objects.filter(pk__in=ids).update(
        state=OutboundRequest.State.PENDING, next_attempt_at=now, attempts=0
    )
    for request_id in ids:
        transaction.on_commit(lambda request_id=request_id: _enqueue(request_id))
    return len(ids)


@transaction.atomic
def resend_request(*, request: OutboundRequest, now: datetime | None = None) -> OutboundRequest:
    """Deliver a row's body again as a new row (a new delivery id; the event id in the body
    stays, so a receiver can tell it already has the event)."""
    now = resolve_now(now)
    copy = OutboundRequest.objects.create(
        kind=request.kind,
        event=request.event,
        url=request.url,
        method=request.method,
        headers=request.headers,
        body=request.body,
        endpoint_id=request.endpoint_id,
        channel_id=request.channel_id,
        ticket_id=request.ticket_id,
        next_attempt_at=now,
        created_at=now,
    )
    transaction.on_commit(lambda: _enqueue(copy.pk))
    return copy
