"""The one door through which a ticket is born, whatever the channel.

Portal wizard, agents opening a ticket on a customer's behalf (phone, chat), the API,
inbound mail, forum escalation and live chat all call `open_ticket`. It owns every rule of a
good request, so a new channel adds a translator, never a copy of a rule:

- the description-quality gate (`helpdesk.quality`, the same translated messages everywhere)
  and what the channel's `IntakePolicy` does with a vague request: refuse it with per-field
  errors (portal, API) or accept it, flag it "needs details" and ask the requester for what
  is missing (agent on behalf, email, forum, chat);
- the priority policy (blocked voucher posting → P2 on every channel);
- requester and organization, files (uploaded or staged), de-duplication of double
  submits and retries (`idempotency_key`), routing, SLA snapshot, audit event, search
  indexing and notifications.

Reads, scoring, routing, validation and the SLA snapshot happen before the write
transaction opens, from per-process caches of the teams, categories, plans, targets and
calendars (`helpdesk.selectors.reference`), so SQLite's write lock is held only for a few
inserts: the ticket, its files, the audit event and one task row (plus whatever outbox rows
the event hooks add). The task, `announce_new_ticket`, runs in the task worker: it indexes
the ticket and renders the mails (received, new ticket for the team, details needed) into
the outbox. Written in the same transaction as the ticket, the task is as durable as the
ticket itself, and it is idempotent, so a worker that dies mid-task and runs it again sends
nothing twice.
"""

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.clock import resolve_now
from core.headers import single_line
from helpdesk.models import (
    DESCRIPTION_FIELDS,
    Category,
    Channel,
    OutboundEmail,
    Priority,
    Ticket,
    TicketEvent,
    User,
)
from helpdesk.quality import QualityReport, score_description
from helpdesk.search import analyse_tickets
from helpdesk.selectors.reference import reference_data
from helpdesk.selectors.tickets import ticket_with_key
from helpdesk.sla import clock
from search.services import write_documents

from . import notifications, outbox, rollups, staging
from .attachments import store_attachment
from .conversation import record_customer_reply
from .events import record_event
from .organizations import note_versions
from .routing import route_team
from .tickets import _lock

logger = logging.getLogger(__name__)

# Foreign keys whose rows `prepare_ticket` already holds (read this request or from the
# reference cache): full_clean would otherwise spend a query on each to prove it exists.
# A row deleted meanwhile still fails the insert on its foreign-key constraint.
KNOWN_RELATIONS = ["category", "requester", "organization", "team", "created_by", "sla_plan", "sla_calendar"]

# Fields `open_ticket` accepts besides the structured description.
TICKET_FIELDS: tuple[str, ...] = ("category", "subject", *DESCRIPTION_FIELDS)
TEXT_FIELDS = frozenset(
    name
    for name in TICKET_FIELDS
    if isinstance(Ticket._meta.get_field(name), models.CharField | models.TextField)
)


class IntakePolicy(models.TextChoices):
    """What a channel does with a request that is not described well enough."""

    REFUSE_VAGUE = "refuse", gettext_lazy("Refuse with per-field errors")
    ACCEPT_AND_ASK = "ask", gettext_lazy("Accept, flag and ask the requester for the details")


# The policy each channel uses unless its door says otherwise. The portal and the API have
# a person (or a program) at the form who can fix the description now; a caller on the
# phone, a mail or a forum thread cannot be sent back, so the ticket is taken and the
# requester is asked for what is missing.
CHANNEL_POLICY: dict[str, IntakePolicy] = {
    Channel.WEB: IntakePolicy.REFUSE_VAGUE,
    Channel.API: IntakePolicy.REFUSE_VAGUE,
    Channel.PHONE: IntakePolicy.ACCEPT_AND_ASK,
    Channel.CHAT: IntakePolicy.ACCEPT_AND_ASK,
    Channel.EMAIL: IntakePolicy.ACCEPT_AND_ASK,
    Channel.FORUM: IntakePolicy.ACCEPT_AND_ASK,
}


@dataclass(frozen=True)
class Intake:
    """A request checked and prepared outside the write transaction."""

    ticket: Ticket
    report: QualityReport


def priority_for(fields: Mapping[str, Any], *, requested: str | None = None) -> str:
    """Blocked voucher posting is what hurts a finance team most: at least P2, on every channel.

    Customers never choose a priority (everyone would choose P1). An agent opening a ticket
    chooses one (`requested`), but a blocked posting never goes below P2.
    """
    if requested not in Priority.values:
        requested = None
    if fields.get("posting_blocked"):
        # Values sort in urgency order (p1 < p2 < …).
        return min(Priority.P2, requested or Priority.P2)
    return requested or Priority.P3


def quality_errors(report: QualityReport) -> dict[str, list[str]]:
    """The blocking findings as {field: [messages]}, the shape forms and the API show."""
    errors: dict[str, list[str]] = {}
    for finding in report.blocking:
        errors.setdefault(finding.field, []).append(str(finding.message))
    return errors


def normalise_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Known fields only (anything else is a programming error), text stripped, blanks as ""."""
    unknown = set(fields) - set(TICKET_FIELDS)
    if unknown:
        raise ValueError(f"unknown ticket fields: {sorted(unknown)}")
    data = dict(fields)
    for name in TEXT_FIELDS:
        value = data.get(name)
        data[name] = value.strip() if isinstance(value, str) else ("" if value is None else value)
    for name in ("long_standing", "no_error_shown", "posting_blocked"):
        data[name] = bool(data.get(name))
    data["subject"] = single_line(data["subject"])  # it becomes the Subject of every mail about it
    return data


def prepare_ticket(
    *,
    requester: User,
    channel: str,
    fields: Mapping[str, Any],
    attachment_count: int,
    policy: IntakePolicy,
    priority: str | None = None,
    created_by: User | None = None,
    now: datetime,
) -> Intake:
    """Check a request and build the unsaved ticket: quality gate, priority, routing, SLA.

    Raises ValidationError with per-field messages when the policy refuses vague requests
    (or the fields themselves are invalid). Reads only; no transaction needed.
    """
    data = normalise_fields(fields)
    category = data.pop("category", None)
    if not isinstance(category, Category):
        raise ValidationError({"category": [_("Choose what the request is about.")]})
    reference = reference_data()
    organization = _customer_organization(requester)
    if not data.get("erp_system") and organization.default_erp_system:
        data["erp_system"] = organization.default_erp_system
    report = score_description(data, category=category, attachment_count=attachment_count, now=now)
    if policy == IntakePolicy.REFUSE_VAGUE and not report.acceptable:
        raise ValidationError(quality_errors(report))
    ticket = Ticket(
        requester=requester,
        organization=organization,
        category=category,
        priority=priority_for(data, requested=priority),
        channel=channel,
        created_by=created_by,
        created_at=now,
        updated_at=now,
        quality_score=report.score,
        needs_details=not report.acceptable,
        **data,
    )
    # The cached category carries its default team (routing's fallback) already loaded.
    routed = reference.categories.get(category.pk, category)
    ticket.team = route_team(category=routed, erp_system=ticket.erp_system, teams=reference.teams)
    ticket.full_clean(exclude=["submission_key", *KNOWN_RELATIONS], validate_unique=False)
    plan = reference.plans.get(organization.sla_plan_id) or organization.sla_plan
    clock.snapshot_targets(
        ticket,
        plan=plan,
        target=reference.target(plan_id=plan.pk, priority=ticket.priority, complexity=category.complexity),
    )
    clock.refresh(ticket, pauses=[], calendar=reference.calendar(plan.calendar_id))
    return Intake(ticket=ticket, report=report)


def open_ticket(
    *,
    requester: User,
    channel: str,
    fields: Mapping[str, Any],
    attachments: "Iterable[UploadedFile] | staging.StagedUploads" = (),
    policy: IntakePolicy | None = None,
    priority: str | None = None,
    created_by: User | None = None,
    idempotency_key=None,
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket for `requester` (a customer with an organization) through `channel`.

    `fields` holds `category`, `subject` and the description fields (TICKET_FIELDS).
    `policy` defaults to the channel's (CHANNEL_POLICY). `created_by` is the agent who
    opened it on the customer's behalf; `priority` is an agent's explicit choice. The same
    `idempotency_key` twice returns the first ticket and does nothing else, so a double
    click, a resubmitted form or an integration's retry creates one ticket. The stored
    `quality_score` is the one the requester saw: files and the time of the problem count.
    """
    now = resolve_now(now)
    if idempotency_key is not None:
        existing = ticket_with_key(idempotency_key)
        if existing is not None:
            return existing
    policy = policy or CHANNEL_POLICY.get(channel, IntakePolicy.REFUSE_VAGUE)
    with staging.opened(attachments) as files:
        intake = prepare_ticket(
            requester=requester,
            channel=channel,
            fields=fields,
            attachment_count=len(files),
            policy=policy,
            priority=priority,
            created_by=created_by,
            now=now,
        )
        ticket = intake.ticket
        ticket.submission_key = idempotency_key
        try:
            with transaction.atomic():
                _save_new_ticket(intake, files=files, actor=created_by or requester, now=now)
        except IntegrityError:
            # Two requests with one key raced; the other one won.
            existing = Ticket.objects.filter(submission_key=idempotency_key).first()
            if idempotency_key is None or existing is None:
                raise
            return existing
    return ticket


def _save_new_ticket(intake: Intake, *, files: list[UploadedFile], actor: User, now: datetime) -> None:
    ticket = intake.ticket
    ticket.save()
    for upload in files:
        store_attachment(ticket=ticket, upload=upload, uploaded_by=ticket.requester)
    missing = [str(finding.message) for finding in intake.report.blocking]
    record_event(
        ticket=ticket,
        kind=TicketEvent.Kind.CREATED,
        actor=actor,
        now=now,
        fold=False,  # announce_new_ticket folds it, in the worker
        new=ticket.get_channel_display(),
        data={
            "team": ticket.team.name if ticket.team else None,
            "sla": ticket.sla_snapshot,
            "first_response_due_at": _iso(ticket.first_response_due_at),
            "quality_score": ticket.quality_score,
            "needs_details": missing,
        },
    )
    note_versions(
        ticket.organization, plugin_version=ticket.plugin_version, erp_version=ticket.erp_version, now=now
    )
    from helpdesk.tasks import announce_new_ticket as announce_task  # tasks imports the services

    # In this transaction, not on commit: with the database task backend the row commits
    # with the ticket or not at all, and no worker sees it before the ticket exists.
    announce_task.enqueue(ticket_id=ticket.pk, missing=missing)


def announce_new_ticket(*, ticket_id: int, missing: list[str]) -> bool:
    """The task worker's half of a new ticket: index it, fold it into the report rollups,
    queue its mails and send them (the task `announce_new_ticket`). Running it twice queues
    nothing twice; False when the mails had already been queued (or the ticket is gone).

    `missing` holds the gaps in the description as the requester was told them; a ticket
    with gaps gets one mail to the requester, the receipt that lists them with the link to
    add them (`details_needed`), instead of a receipt and a second mail. The mails
    are written in this task's transaction and sent after its commit (outbox.deliver_batch);
    one not sent then (the worker died, the server was down) goes with the periodic flush.
    """
    return announce_new_tickets(tickets=[(ticket_id, missing)])[0]


# What the worker reads of a new ticket for its index document, rollups and mails.
ANNOUNCED_RELATIONS = ("requester__customer_profile__organization", "organization", "team", "category")


def announce_new_tickets(*, tickets: Sequence[tuple[int, list[str]]]) -> list[bool]:
    """`announce_new_ticket` for several tickets at once, as the task worker runs the announce
    tasks it claimed together (helpdesk/services/task_batches.py): one read of the tickets,
    their mails rendered before the write transaction, then one transaction that indexes
    them, folds them into the rollups and queues their mails, and after its commit one
    delivery of all those mails. `tickets` holds (ticket id, missing) pairs; the result says,
    for each pair, what `announce_new_ticket` would have returned.
    """
    loaded = Ticket.objects.select_related(*ANNOUNCED_RELATIONS).in_bulk([pk for pk, _ in tickets])
    # Rendering and the search analysis are the slow part: done here, before the write
    # transaction, so SQLite's write lock is not held meanwhile.
    documents = analyse_tickets(loaded.values())
    mails = {
        pk: notifications.new_ticket_mails(loaded[pk], missing=missing, now=loaded[pk].created_at)
        for pk, missing in tickets
        if pk in loaded
    }
    queued: set[int] = set()
    with outbox.collecting() as email_ids, transaction.atomic():
        if loaded:
            write_documents(documents)
            rollups.fold_tickets(loaded)  # idempotent; the watcher's sweep catches a miss
        announced = set(
            OutboundEmail.objects.filter(ticket__in=loaded.keys(), kind__in=notifications.RECEIPT_KINDS)
            .order_by()
            .values_list("ticket_id", flat=True)
            .distinct()
        )
        for pk, ticket_mails in mails.items():
            if pk in announced:
                continue
            for mail in ticket_mails:
                outbox.queue_email(**mail)
            announced.add(pk)  # a ticket listed twice is announced once
            queued.add(pk)
        transaction.on_commit(partial(_send_new_ticket_mails, email_ids), robust=True)
    results = []
    for pk, _missing in tickets:
        results.append(pk in queued)
        queued.discard(pk)  # the same ticket listed again was not announced again
    return results


def _send_new_ticket_mails(email_ids: list[int]) -> None:
    try:
        outbox.deliver_batch(email_ids=email_ids)
    except Exception:  # the rows are committed: the periodic flush sends them
        logger.exception("sending the mails %s of a new ticket failed; the outbox flush retries", email_ids)


@transaction.atomic
def complete_details(
    *,
    ticket: Ticket,
    author: User,
    fields: Mapping[str, Any],
    attachments: "Iterable[UploadedFile] | staging.StagedUploads" = (),
    now: datetime | None = None,
) -> Ticket:
    """The requester fills in what a "needs details" ticket was missing.

    The same quality gate as the portal form: a description that is still vague is refused
    with per-field errors and nothing changes. Accepted, the description is replaced, the
    flag cleared, the score updated, and the change enters the conversation as the
    customer's message (which resumes a clock waiting on them, like any reply).
    """
    now = resolve_now(now)
    ticket = _lock(ticket)
    data = normalise_fields({"category": ticket.category, **fields})
    data.pop("category")
    with staging.opened(attachments) as files:
        kept = ticket.attachments.filter(message__isnull=True).count()
        report = score_description(
            data, category=ticket.category, attachment_count=kept + len(files), now=now
        )
        if not report.acceptable:
            raise ValidationError(quality_errors(report))
        changed = [name for name, value in data.items() if getattr(ticket, name) != value]
        for name in changed:
            setattr(ticket, name, data[name])
        ticket.quality_score = report.score
        ticket.needs_details = False
        ticket.full_clean(exclude=["submission_key"], validate_unique=False)
        ticket.save(update_fields=[*changed, "quality_score", "needs_details"])
        record_event(
            ticket=ticket,
            kind=TicketEvent.Kind.DETAILS_ADDED,
            actor=author,
            now=now,
            new=str(report.score),
            data={"fields": changed},
        )
        labels = ", ".join(str(Ticket._meta.get_field(name).verbose_name) for name in changed)
        record_customer_reply(
            ticket=ticket,
            author=author,
            body=_("I added the missing details: %(fields)s.") % {"fields": labels or "—"},
            attachments=files,
            now=now,
        )
    return ticket


def _customer_organization(requester: User):
    profile = getattr(requester, "customer_profile", None)
    if profile is None:
        raise ValidationError(_("Only customers with an organization can have tickets."))
    return profile.organization


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


__all__ = [
    "CHANNEL_POLICY",
    "TICKET_FIELDS",
    "IntakePolicy",
    "complete_details",
    "open_ticket",
    "prepare_ticket",
    "priority_for",
    "quality_errors",
]
