"""Signatures for outgoing requests, made at each attempt with the target's current secret.

- Integration webhooks: `X-Kuaixiang-Signature: sha256=<hex HMAC-SHA256 of "timestamp.body">`
  keyed with the endpoint's secret, `X-Kuaixiang-Timestamp` in Unix seconds.
- DingTalk (加签): `timestamp` (milliseconds) and `sign` query parameters; sign is the
  base64 HMAC-SHA256 of "timestamp\\nsecret" keyed with the secret, URL-encoded.
- Feishu / Lark (签名校验): `timestamp` (seconds) and `sign` in the JSON body; sign is the
  base64 HMAC-SHA256 of an empty message keyed with "timestamp\\nsecret".
- WeCom group bots have no signature (the key in the URL is the credential).

The chat platforms answer HTTP 200 even when they refuse a message; their `errcode` /
`code` says whether it was taken, so `check_answer` reads it.
"""

import base64
import hashlib
import hmac
import json
from datetime import datetime
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from helpdesk.models import OutboundRequest

from .http_outbox import DeliveryError, PreparedRequest

# How far a receiver should let a webhook's timestamp stray from its clock (replay window).
DEFAULT_TOLERANCE_SECONDS = 300


class CannotSend(Exception):
    """The row's target was deleted or switched off: no attempt is made, none would help."""


def webhook_signature(*, secret: str, timestamp: int | str, body: bytes) -> str:
    """The `X-Kuaixiang-Signature` value for a body sent at `timestamp` (Unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_webhook_signature(
    *,
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    now: datetime,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver checks: the timestamp is recent and the signature matches (compared in
    constant time). A reference for receivers written in Python and for our tests."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now.timestamp() - sent) > tolerance:
        return False
    expected = webhook_signature(secret=secret, timestamp=sent, body=body)
    return hmac.compare_digest(expected, signature)


def dingtalk_sign(*, secret: str, timestamp_ms: int) -> str:
    """DingTalk's `sign` parameter, before URL encoding."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(*, secret: str, timestamp: int) -> str:
    """Feishu's `sign` body field: the key is "timestamp\\nsecret", the message empty."""
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    # Drop stale values, e.g. from a URL pasted together with a sign from the platform's page.
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query += list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote_plus)))


def _secret(row: OutboundRequest) -> str:
    if row.kind == OutboundRequest.Kind.WEBHOOK:
        target = row.endpoint
        missing = "The webhook endpoint was deleted."
        inactive = "The webhook endpoint is switched off."
    else:
        target = row.channel
        missing = "The alert channel was deleted."
        inactive = "The alert channel is switched off."
    # A test delivery goes out to a switched-off target too: that is how an admin checks it.
    if target is None:
        raise CannotSend(missing)
    if not target.is_active and row.event not in ("ping", "test"):
        raise CannotSend(inactive)
    return target.secret


def prepare(row: OutboundRequest, *, now: datetime) -> PreparedRequest:
    """The URL, headers and body for this attempt, signed as the row's kind requires."""
    secret = _secret(row)
    headers = {str(k): str(v) for k, v in (row.headers or {}).items()}
    body = row.body.encode()
    url = row.url
    if row.kind == OutboundRequest.Kind.WEBHOOK:
        timestamp = int(now.timestamp())
        headers.update(
            {
                "X-Kuaixiang-Event": row.event,
                "X-Kuaixiang-Delivery": str(row.delivery_id),
                "X-Kuaixiang-Timestamp": str(timestamp),
                "X-Kuaixiang-Signature": webhook_signature(secret=secret, timestamp=timestamp, body=body),
            }
        )
    elif row.kind == OutboundRequest.Kind.DINGTALK and secret:
        timestamp_ms = int(now.timestamp() * 1000)
        url = _with_query(
            url, timestamp=str(timestamp_ms), sign=dingtalk_sign(secret=secret, timestamp_ms=timestamp_ms)
        )
    elif row.kind == OutboundRequest.Kind.FEISHU and secret:
        timestamp = int(now.timestamp())
        payload = json.loads(row.body)
        payload.update(timestamp=str(timestamp), sign=feishu_sign(secret=secret, timestamp=timestamp))
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    return PreparedRequest(url=url, headers=headers, body=body)


def check_answer(row: OutboundRequest, *, status: int, text: str) -> None:
    """Raise DeliveryError unless the receiver took the request."""
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}", status=status, response=text)
    if row.kind == OutboundRequest.Kind.WEBHOOK:
        return
    try:
        answer = json.loads(text)
    except ValueError:
        raise DeliveryError("The platform's answer is not JSON.", status=status, response=text) from None
    if not isinstance(answer, dict):
        raise DeliveryError("The platform's answer is not a JSON object.", status=status, response=text)
    # WeCom and DingTalk: errcode; Feishu: code (older bots: StatusCode).
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode")))
    if code != 0:
        message = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or ""
        raise DeliveryError(
            f"The platform refused the message: {code} {message}".strip(), status=status, response=text
        )
