"""One inbound mail → a new ticket, a reply, a held message or nothing, recorded once.

A thin translator onto the two doors: new requests go through `intake.open_ticket` (email
channel: accepted, flagged and asked for what is missing), replies through
`conversation.add_reply`. What this module decides is only *which* door, and whether the
mail may go through one at all:

- machine mail (bounces, auto-replies, list mail) and our own mail coming back never open a
  ticket or post a message, so they can never trigger an auto-reply;
- a reply attaches to a ticket only through a signed reply address or the Message-ID of a
  mail we sent or received on it; a subject tag alone is held for review;
- a sender who is not a participant of the ticket is held for review, and so is an unknown
  sender unless the mailbox creates customers;
- one sender gets at most MAIL_SENDER_LIMIT messages through per window (a loop with
  another robot stops there);
- the same Message-ID twice is one message (a unique row; the ticket's idempotency key).
"""

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.clock import resolve_now
from core.limits import take_slot
from helpdesk.models import (
    Channel,
    InboundMessage,
    Mailbox,
    OutboundEmail,
    Ticket,
    TicketMessage,
    User,
)
from helpdesk.services import conversation, intake, tickets
from helpdesk.services.attachments import validate_upload
from helpdesk.services.customers import create_customer

from . import addresses
from .parse import MESSAGE_ID_RE, ParsedMail, parse_message
from .text import trim_reply

logger = logging.getLogger(__name__)

Outcome = InboundMessage.Outcome
Reason = InboundMessage.Reason
MAIL_NAMESPACE = uuid.UUID("1d8f0c52-5c1e-4d0a-9a57-6b0c2d6a1f11")
SUBJECT_TAG = re.compile(r"\bKX-?\d{1,12}\b", re.IGNORECASE)
CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_FILES = 20


@dataclass
class Result:
    outcome: str
    reason: str = ""
    detail: str = ""
    ticket: Ticket | None = None
    message: TicketMessage | None = None


def receive(*, mailbox: Mailbox, raw: bytes, now: datetime | None = None) -> InboundMessage:
    """Process one raw message that arrived in `mailbox`; the (possibly earlier) record of it.

    Idempotent by Message-ID: a message fetched or relayed twice returns the first record and
    changes nothing. A message over MAIL_MAX_BYTES is refused and only its headers kept.
    """
    now = resolve_now(now)
    too_large = len(raw) > settings.MAIL_MAX_BYTES
    # Over the limit only the headers are read and kept: the record shows what was refused.
    kept = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0][:65536] + b"\n\n" if too_large else raw
    parsed = parse_message(kept)
    existing = InboundMessage.objects.filter(message_id=parsed.message_id).first()
    if existing is not None:
        return existing
    record = InboundMessage(
        mailbox=mailbox,
        message_id=parsed.message_id,
        from_address=parsed.from_address[:255],
        subject=parsed.subject[:255],
        size=len(raw),
        received_at=now,
    )
    record.raw.save(f"{uuid.uuid4().hex}.eml", ContentFile(kept), save=False)
    if too_large:
        result = Result(
            Outcome.REFUSED,
            Reason.TOO_LARGE,
            _("%(size)s bytes; the limit is %(limit)s.")
            % {"size": len(raw), "limit": settings.MAIL_MAX_BYTES},
        )
    else:
        result = decide(mailbox=mailbox, parsed=parsed, now=now)
    _fill(record, result)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # Another fetcher recorded the same Message-ID meanwhile; its ticket is the one
        # (open_ticket's idempotency key made sure there is only one).
        record.raw.delete(save=False)
        return InboundMessage.objects.get(message_id=parsed.message_id)
    return record


def release(*, record: InboundMessage, reviewer: User, now: datetime | None = None) -> InboundMessage:
    """An agent accepts a held message: it goes through the door it was held before, with
    the reason it was held waived (an unknown sender becomes a customer of the mailbox's
    organization, a non-participant's reply is posted, a subject tag is believed)."""
    now = resolve_now(now)
    if record.outcome != Outcome.HELD:
        raise ValidationError(_("Only held messages can be accepted."))
    with record.raw.open("rb") as handle:
        parsed = parse_message(handle.read())
    result = decide(mailbox=record.mailbox, parsed=parsed, now=now, waive=record.reason)
    _fill(record, result)
    record.reviewed_by = reviewer
    record.save()
    return record


def discard(*, record: InboundMessage, reviewer: User) -> InboundMessage:
    if record.outcome != Outcome.HELD:
        raise ValidationError(_("Only held messages can be discarded."))
    record.outcome = Outcome.DISCARDED
    record.reviewed_by = reviewer
    record.save(update_fields=["outcome", "reviewed_by"])
    return record


def _fill(record: InboundMessage, result: Result) -> None:
    record.outcome = result.outcome
    record.reason = result.reason
    record.detail = result.detail[:4000]
    record.ticket = result.ticket
    record.ticket_message = result.message


def decide(*, mailbox: Mailbox, parsed: ParsedMail, now: datetime, waive: str = "") -> Result:
    """Which door the mail goes through, and go through it."""
    if not parsed.from_address:
        return Result(Outcome.REFUSED, Reason.NO_SENDER, _("The message has no usable From address."))
    if _is_loop(parsed, mailbox):
        return Result(Outcome.IGNORED, Reason.LOOP, _("Our own mail came back."))
    thread_ticket = _thread_ticket(parsed, mailbox=mailbox)
    if parsed.automatic == "bounce":
        return _bounce(parsed, ticket=thread_ticket)
    if parsed.automatic:
        return Result(Outcome.IGNORED, Reason.AUTO_SUBMITTED, "", ticket=thread_ticket)
    if waive != Reason.RATE_LIMITED and not _within_rate(parsed.from_address):
        return Result(
            Outcome.HELD,
            Reason.RATE_LIMITED,
            _("More than %(limit)s messages from this address within %(minutes)s minutes.")
            % {"limit": settings.MAIL_SENDER_LIMIT, "minutes": settings.MAIL_SENDER_WINDOW_SECONDS // 60},
            ticket=thread_ticket,
        )
    sender = User.objects.filter(email__iexact=parsed.from_address).select_related("customer_profile").first()
    if thread_ticket is None and waive == Reason.UNVERIFIED_REFERENCE:
        thread_ticket = _claimed_ticket(parsed)
    if thread_ticket is not None:
        return _reply(parsed, ticket=thread_ticket, sender=sender, now=now, waive=waive)
    if waive != Reason.UNVERIFIED_REFERENCE and _claims_a_ticket(parsed):
        return Result(
            Outcome.HELD,
            Reason.UNVERIFIED_REFERENCE,
            _(
                "The message names a ticket but was not sent to its signed reply address nor in reply to our mail."
            ),
            ticket=_claimed_ticket(parsed),
        )
    return _new_ticket(parsed, mailbox=mailbox, sender=sender, now=now, waive=waive)


def _is_loop(parsed: ParsedMail, mailbox: Mailbox) -> bool:
    ours = {mailbox.address.lower(), addresses.base_address().lower()}
    if parsed.from_address in ours or parsed.our_ticket_header:
        return True
    return OutboundEmail.objects.filter(message_id=parsed.message_id).exists()


def _thread_ticket(parsed: ParsedMail, *, mailbox: Mailbox) -> Ticket | None:
    pk, _tagged = addresses.ticket_pk_from_recipients(parsed.recipients)
    if pk is None and parsed.thread_ids:
        ids = parsed.thread_ids[:50]
        pk = (
            OutboundEmail.objects.filter(message_id__in=ids, ticket__isnull=False)
            .values_list("ticket_id", flat=True)
            .first()
            or InboundMessage.objects.filter(message_id__in=ids, ticket__isnull=False)
            .values_list("ticket_id", flat=True)
            .first()
        )
    if pk is None:
        return None
    return Ticket.objects.select_related("requester", "organization").filter(pk=pk).first()


def _claims_a_ticket(parsed: ParsedMail) -> bool:
    _pk, tagged = addresses.ticket_pk_from_recipients(parsed.recipients)
    return tagged or bool(SUBJECT_TAG.search(parsed.subject))


def _claimed_ticket(parsed: ParsedMail) -> Ticket | None:
    match = SUBJECT_TAG.search(parsed.subject)
    pk = Ticket.pk_from_reference(match.group(0)) if match else None
    return Ticket.objects.filter(pk=pk).first() if pk else None


def _bounce(parsed: ParsedMail, *, ticket: Ticket | None) -> Result:
    """Note the bounce on the outbox rows it names, so the outbox admin shows it."""
    # The bounced mail's headers come back in the report (text/rfc822-headers).
    reported = " ".join(
        file.content.decode("utf-8", "replace")
        for file in parsed.files
        if file.content_type.startswith("text/")
    )
    ids = set(parsed.thread_ids) | set(MESSAGE_ID_RE.findall(parsed.text + " " + reported))
    summary = " ".join(parsed.text.split())[:300]
    bounced = 0
    if ids:
        bounced = OutboundEmail.objects.filter(message_id__in=list(ids)[:50]).update(
            last_error=f"Bounced: {summary}"[:2000]
        )
    return Result(
        Outcome.IGNORED,
        Reason.BOUNCE,
        _("Bounce for %(count)s of our mails.") % {"count": bounced} if bounced else "",
        ticket=ticket,
    )


def _within_rate(address: str) -> bool:
    return (
        take_slot(
            bucket=f"mail-sender:{address.lower()}",
            limit=settings.MAIL_SENDER_LIMIT,
            window=timedelta(seconds=settings.MAIL_SENDER_WINDOW_SECONDS),
        )
        is not None
    )


def _is_participant(ticket: Ticket, sender: User | None) -> bool:
    if sender is None or not sender.is_active or sender.is_staff:
        return False
    if sender.pk == ticket.requester_id:
        return True
    profile = getattr(sender, "customer_profile", None)
    return bool(profile and profile.is_org_admin and profile.organization_id == ticket.organization_id)


def _reply(parsed: ParsedMail, *, ticket: Ticket, sender: User | None, now: datetime, waive: str) -> Result:
    customer = sender is not None and sender.is_active and not sender.is_staff
    if not _is_participant(ticket, sender) and not (waive == Reason.NOT_PARTICIPANT and customer):
        return Result(
            Outcome.HELD,
            Reason.NOT_PARTICIPANT,
            _("%(sender)s may not post to %(ref)s.")
            % {"sender": parsed.from_address, "ref": ticket.reference},
            ticket=ticket,
        )
    # Recorded already (a fetcher that crashed before its record was saved): one message.
    posted = TicketMessage.objects.filter(ticket=ticket, email_message_id=parsed.message_id).first()
    if posted is not None:
        return Result(Outcome.REPLY, ticket=ticket, message=posted)
    files, notes = _uploads(parsed)
    body = trim_reply(parsed.text)
    with translation.override(_language_of(sender)):
        if not body.strip() and files:
            body = _("(See the attached files.)")
        if notes:
            body = "\n\n".join([body, *notes]).strip()
    try:
        with transaction.atomic():
            message = conversation.add_reply(
                ticket=ticket, author=sender, body=body, channel=Channel.EMAIL, attachments=files, now=now
            )
            TicketMessage.objects.filter(pk=message.pk).update(email_message_id=parsed.message_id)
            message.email_message_id = parsed.message_id
    except ValidationError as refused:
        return Result(Outcome.HELD, Reason.SERVICE, " ".join(refused.messages), ticket=ticket)
    return Result(Outcome.REPLY, ticket=ticket, message=message, detail="\n".join(notes))


def _new_ticket(
    parsed: ParsedMail, *, mailbox: Mailbox, sender: User | None, now: datetime, waive: str
) -> Result:
    if sender is not None and (
        sender.is_staff or not sender.is_active or not hasattr(sender, "customer_profile")
    ):
        return Result(
            Outcome.HELD,
            Reason.UNKNOWN_SENDER,
            _("%(sender)s is not an active customer.") % {"sender": parsed.from_address},
        )
    if sender is None:
        creates = mailbox.unknown_sender == Mailbox.UnknownSender.CREATE or waive == Reason.UNKNOWN_SENDER
        if not creates or mailbox.default_organization is None:
            return Result(
                Outcome.HELD,
                Reason.UNKNOWN_SENDER,
                _("%(sender)s is not a customer yet.") % {"sender": parsed.from_address},
            )
        sender = create_customer(
            email=parsed.from_address,
            full_name=parsed.from_name,
            organization=mailbox.default_organization,
            language="zh-hans" if CJK.search(parsed.subject + parsed.text[:2000]) else "en",
        )
    files, notes = _uploads(parsed)
    with translation.override(_language_of(sender)):
        subject = parsed.subject or _("(no subject)")
    symptoms = "\n\n".join([parsed.text.strip(), *notes]).strip()
    try:
        ticket = intake.open_ticket(
            requester=sender,
            channel=Channel.EMAIL,
            fields={"category": mailbox.category, "subject": subject[:200], "symptoms": symptoms},
            attachments=files,
            idempotency_key=uuid.uuid5(MAIL_NAMESPACE, parsed.message_id),
            now=now,
        )
    except ValidationError as refused:
        return Result(Outcome.HELD, Reason.SERVICE, " ".join(refused.messages))
    if mailbox.team_id and ticket.team_id != mailbox.team_id:
        ticket = tickets.set_team(ticket=ticket, team=mailbox.team, actor=None, now=now)
    return Result(Outcome.TICKET, ticket=ticket, detail="\n".join(notes))


def _uploads(parsed: ParsedMail) -> tuple[list[SimpleUploadedFile], list[str]]:
    """The mail's files that pass the attachment rules, and a line for each one that did not."""
    accepted: list[SimpleUploadedFile] = []
    notes: list[str] = []
    for file in parsed.files:
        upload = SimpleUploadedFile(file.name, file.content, content_type=file.content_type)
        if len(accepted) >= MAX_FILES:
            notes.append(
                _("“%(name)s” was not kept: at most %(count)s files per mail.")
                % {"name": file.name, "count": MAX_FILES}
            )
            continue
        try:
            validate_upload(upload)
        except ValidationError as refused:
            notes.append(_("Attachment not kept: %(reason)s") % {"reason": " ".join(refused.messages)})
            continue
        upload.seek(0)
        accepted.append(upload)
    return accepted, notes


def _language_of(user: User | None) -> str:
    profile = getattr(user, "customer_profile", None) if user else None
    return (profile.language if profile and profile.language else None) or settings.LANGUAGE_CODE


__all__ = ["Result", "decide", "discard", "receive", "release"]
