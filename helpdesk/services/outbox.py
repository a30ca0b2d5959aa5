"""The mail outbox: queue a message in the caller's transaction, send it with retries later.

Delivery takes three steps, so that SQLite's one write lock is never held while a worker
talks to the SMTP server:

1. **Claim.** One short transaction marks the row "sending" with a lease (`claimed_until`,
   `lease()` from now) and a fresh `claim_token`, and counts the attempt. The UPDATE is
   conditional, so two workers never both hold a row.
2. **Send**, outside any transaction.
3. **Mark.** "sent" once the server accepted the message; otherwise back to "pending" with
   backoff (or "failed" after `OUTBOX_MAX_ATTEMPTS`), but only while still holding the claim.

A worker that dies between 1 and 3 leaves a "sending" row whose lease runs out; the next
flush claims it again. A mail the SMTP server had not accepted therefore goes out exactly
once. The one window that can send twice is after the server accepted and before the mark
committed. The mark is retried while the database is locked, and a mail sent again after a
crash in that window carries the same Message-ID, by which receiving systems drop the
duplicate.
"""

import logging
import smtplib
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email import policy as mime_policy
from email.header import Header
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F

from core.clock import resolve_now
from core.db_retry import retry_when_locked
from core.headers import is_single_line, single_line
from core.mail import text_to_html
from helpdesk.models import EmailKind, OutboundEmail, Ticket

from . import claims
from .claims import backoff, lease

logger = logging.getLogger(__name__)


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
    The text `body` is also sent as HTML (core.mail.text_to_html). The subject and header
    values are put on one line. Returns None when there is nobody to send to; an address a
    mail cannot be built for is left out, and when none is left the row is written "failed"
    with the reason (visible in the outbox admin). ValueError for a kind not in EmailKind.
    """
    kind = EmailKind(kind)
    now = resolve_now(now)
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    if not recipients:
        return None
    valid = [address for address in recipients if is_valid_address(address)]
    invalid = [address for address in recipients if address not in valid]
    if invalid:
        # Recorded, never raised: the change that caused the mail must still be saved.
        logger.warning("outbound %s mail: skipped invalid addresses %r", kind, invalid)
    fields = {
        "subject": single_line(subject)[:255],
        "body": body,
        "kind": kind,
        "ticket": ticket,
        "reply_to": reply_to if is_valid_address(reply_to) else "",
        # A header value with a line break cannot be built into a mail; clean it here.
        "headers": {single_line(name): single_line(value) for name, value in (headers or {}).items()},
        "message_id": new_message_id(),
        "next_attempt_at": max(now, not_before) if not_before else now,
    }
    if not valid:
        return OutboundEmail.objects.create(
            to=recipients,
            state=OutboundEmail.State.FAILED,
            last_error=f"Invalid address: {', '.join(invalid)}"[:2000],
            **fields,
        )
    email = OutboundEmail.objects.create(to=valid, **fields)
    if email.next_attempt_at <= now:
        collected = getattr(_local, "collected", None)
        if collected is not None:
            collected.append(email.pk)  # the caller sends it (collecting())
        else:
            transaction.on_commit(lambda: _enqueue(email.pk))
    return email


_local = threading.local()


@contextmanager
def collecting() -> Iterator[list[int]]:
    """Within it, the mails `queue_email` writes that are due now are left to the caller
    instead of a `send_outbound_email` task each: their ids are appended to the yielded list,
    for `deliver_batch` after the commit. A task that writes several mails thus sends them
    itself, with one claim and one mark for all of them, instead of queueing one task per
    mail (each claimed, run and marked on its own). A row the caller never sends is still
    sent by the periodic flush.
    """
    previous = getattr(_local, "collected", None)
    _local.collected = ids = []
    try:
        yield ids
    finally:
        _local.collected = previous


def is_valid_address(address: str) -> bool:
    """An address a mail can be built for: `name <user@host>` or `user@host`, one line."""
    if not address or not is_single_line(address):
        return False
    name, bare = parseaddr(address)
    try:
        validate_email(bare)
    except ValidationError:
        return False
    return True


def mail_domain() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "kuaixiang.invalid"


def new_message_id() -> str:
    return f"<kx.{uuid.uuid4().hex}@{mail_domain()}>"


def _enqueue(email_id: int) -> None:
    from helpdesk.tasks import send_outbound_email

    try:
        send_outbound_email.enqueue(email_id=email_id)
    except Exception:  # the periodic flush picks the row up anyway
        logger.exception("could not enqueue outbound email %s", email_id)


def message_id(email: OutboundEmail) -> str:
    """The Message-ID of a row, the same on every attempt, so a resend is a recognisable duplicate."""
    if email.message_id:
        return email.message_id
    # Rows written before the id was stored. The creation time keeps ids unique when a
    # restored backup hands out row ids again.
    return f"<outbox-{email.pk}.{email.created_at:%Y%m%d%H%M%S%f}@{mail_domain()}>"


class _BuiltOnce(EmailMultiAlternatives):
    """A mail whose MIME tree is built once: `_built` builds it to find a bad header or
    address before sending, and the backend sends that same tree (building it again, with
    its header parsing, cost as much as the rest of a new ticket's work in the worker). The
    policy only changes how the tree is written out (SMTP: CRLF), so it is set per use."""

    _tree = None

    def message(self, *, policy=mime_policy.default):
        if self._tree is None:
            self._tree = super().message(policy=policy)
            if not self.subject.isascii():
                self._tree.replace_header("Subject", EncodedSubject(self._tree["Subject"]))
        self._tree.policy = policy
        return self._tree


class EncodedSubject(str):
    """A non-ASCII Subject written as RFC 2047 encoded words that keep every space.

    Python 3.12's folder (`email.policy.default`) may put the space between two encoded words
    into the fold, where readers drop it (RFC 2047 §6.2): "升级到 3.1.4 后凭证模板" arrived as
    "3.1.4后凭证模板", in 119 of 2,000 random mixed subjects (CPython gh-144156, fixed after
    3.12). The `email.header.Header` encoder keeps each space inside an encoded word; the
    policy writes a header object that has `name` and `fold` by calling its `fold`.
    """

    name = "Subject"

    def fold(self, *, policy) -> str:
        encoded = Header(str(self), "utf-8", maxlinelen=policy.max_line_length, header_name=self.name)
        return f"{self.name}: {encoded.encode(linesep=policy.linesep)}{policy.linesep}"


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    headers = dict(email.headers or {})
    if not any(name.lower() == "message-id" for name in headers):
        headers["Message-ID"] = message_id(email)
    message = _BuiltOnce(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        reply_to=[email.reply_to] if email.reply_to else None,
        headers=headers,
    )
    # Rendered here, at sending time, outside any transaction.
    message.attach_alternative(text_to_html(subject=email.subject, body=email.body), "text/html")
    return message


class Unbuildable(Exception):
    """The row cannot become a mail (a header, an address): retrying cannot help."""


def _built(email: OutboundEmail) -> EmailMultiAlternatives:
    message = _message(email)
    try:
        message.message()  # builds the MIME tree: a bad header or address raises here
    except (ValueError, TypeError, UnicodeError, LookupError) as exc:
        raise Unbuildable(f"{type(exc).__name__}: {exc}") from exc
    return message


def _is_permanent(error: Exception) -> bool:
    """An SMTP answer that a later attempt would get again (5xx): give up at once."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return isinstance(error, Unbuildable)


def deliver(*, email_id: int, now: datetime | None = None) -> str:
    """Try to send one outbox row if it is due; return its state afterwards.

    Call it outside any transaction (the claim is durable and raises inside one).
    """
    now = resolve_now(now)
    claim = claims.claim(OutboundEmail, pk=email_id, now=now)
    if claim is None:
        return OutboundEmail.objects.filter(pk=email_id).values_list("state", flat=True).first() or ""
    email, token = claim
    began = time.monotonic()
    try:
        _built(email).send(fail_silently=False)
    except Exception as exc:  # any SMTP/network failure: keep the row and retry later
        return _record_failure(email=email, token=token, error=exc, now=now)
    took = time.monotonic() - began
    if took > lease().total_seconds():
        logger.warning(
            "outbound email %s took %.0f s to send, longer than its lease: another worker may "
            "have sent it too (same Message-ID)",
            email_id,
            took,
        )
    _mark_sent(email_ids=[email_id], now=now)
    return OutboundEmail.State.SENT


def deliver_batch(*, email_ids: list[int], now: datetime | None = None) -> dict[str, int]:
    """Send these outbox rows, those still due: one claim for all, then each mail, then one
    mark for all that the server accepted. Returns how many ended in each state.

    For the few mails of one change (a new ticket's), sent at once: a long list would keep
    its later rows' leases ticking while the earlier ones are sent (flush_outbox claims row
    by row for that reason). Call it outside any transaction, like `deliver`.
    """
    now = resolve_now(now)
    if not email_ids:
        return {}
    token = uuid.uuid4().hex
    with transaction.atomic(durable=True):
        OutboundEmail.objects.filter(claims.claimable(OutboundEmail, now), pk__in=email_ids).update(
            state=OutboundEmail.State.SENDING,
            claimed_at=now,
            claimed_until=now + lease(),
            claim_token=token,
            attempts=F("attempts") + 1,
        )
        claimed = list(OutboundEmail.objects.filter(pk__in=email_ids, claim_token=token).order_by("pk"))
    counts: dict[str, int] = {}
    sent: list[int] = []
    if not claimed:
        return counts
    # One connection (one SMTP session) for the batch instead of one per mail.
    connection = mailers.default
    try:
        connection.open()
    except Exception as exc:  # the server is down: every mail waits for a retry
        for email in claimed:
            state = _record_failure(email=email, token=token, error=exc, now=now)
            counts[state] = counts.get(state, 0) + 1
        return counts
    try:
        for email in claimed:
            try:
                connection.send_messages([_built(email)])
            except Exception as exc:  # this mail waits for a retry; the others go on
                state = _record_failure(email=email, token=token, error=exc, now=now)
                counts[state] = counts.get(state, 0) + 1
            else:
                sent.append(email.pk)
    finally:
        try:
            connection.close()
        except Exception:  # the mails it took are sent; a failed QUIT changes nothing
            logger.warning("closing the mail connection failed", exc_info=True)
    if sent:
        _mark_sent(email_ids=sent, now=now)
        counts[OutboundEmail.State.SENT] = len(sent)
    return counts


def _mark_sent(*, email_ids: list[int], now: datetime) -> None:
    # Unconditional on the claim: the server has the message, whichever worker holds the row
    # now, so marking it sent can only prevent a duplicate, never lose a mail.
    def mark() -> None:
        OutboundEmail.objects.filter(pk__in=email_ids).update(
            state=OutboundEmail.State.SENT, sent_at=now, last_error="", claimed_until=None, claim_token=""
        )

    try:
        # Within half the lease, so no other worker has reclaimed the row meanwhile.
        retry_when_locked(
            mark,
            what=f"mark outbound email {email_ids} sent",
            attempts=12,
            budget=lease().total_seconds() / 2,
        )
    except Exception:
        logger.critical(
            "outbound email %s was accepted by the SMTP server but could not be marked sent; "
            "it will be sent again when its lease runs out (same Message-ID)",
            email_ids,
        )
        raise


def _record_failure(*, email: OutboundEmail, token: str, error: Exception, now: datetime) -> str:
    # A mail that cannot be built, or that the server refuses for good, fails at once with
    # its reason rather than eight times in silence.
    gave_up = email.attempts >= settings.OUTBOX_MAX_ATTEMPTS or _is_permanent(error)
    state = OutboundEmail.State.FAILED if gave_up else OutboundEmail.State.PENDING

    def record() -> int:
        # Only while the claim is ours: a worker that outlived its lease must not put a row
        # that another worker has claimed since back in line.
        return OutboundEmail.objects.filter(
            pk=email.pk, state=OutboundEmail.State.SENDING, claim_token=token
        ).update(
            state=state,
            last_error=(str(error) if isinstance(error, Unbuildable) else f"{type(error).__name__}: {error}")[
                :2000
            ],
            next_attempt_at=now + backoff(email.attempts),
            claimed_until=None,
            claim_token="",
        )

    # If this cannot be written the row keeps its lease and is retried when the lease ends.
    retry_when_locked(record, what=f"record the failure of outbound email {email.pk}", attempts=4)
    logger.warning("outbound email %s failed (attempt %s): %s", email.pk, email.attempts, error)
    return state


def give_up_abandoned(*, now: datetime | None = None) -> int:
    """Mark as failed the abandoned "sending" mails that have used up their attempts."""
    return claims.give_up_abandoned(OutboundEmail, now=now)


def due_email_ids(*, now: datetime | None = None, limit: int = 100) -> list[int]:
    now = resolve_now(now)
    return list(
        OutboundEmail.objects.filter(claims.claimable(OutboundEmail, now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def flush_outbox(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send every due row: new, retries, and rows whose worker died (lease ran out).

    `now=None` reads the clock for each row, so a lease taken late in a long flush still
    lasts its full length.
    """
    counts: dict[str, int] = {}
    given_up = give_up_abandoned(now=now)
    if given_up:
        counts[OutboundEmail.State.FAILED] = given_up
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
