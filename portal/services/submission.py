"""Turning a validated portal form into a ticket, with the kept uploads and the wizard's attempt."""

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from core.clock import resolve_now
from helpdesk.models import Category, Priority, Ticket, User
from helpdesk.services.tickets import submit_ticket
from portal import integrations

from . import staging


def priority_for(details: Mapping[str, Any]) -> str:
    """Blocked posting is what hurts a finance team most: it jumps the normal queue.

    Customers do not pick a priority (everyone would pick P1); agents adjust it in admin.
    """
    if details.get("posting_blocked"):
        return Priority.P2
    return Priority.P3


def submit_from_portal(
    *,
    requester: User,
    category: Category,
    subject: str,
    details: Mapping[str, Any],
    submission_key: uuid.UUID,
    staging_token: str | None,
    attempt_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Create the ticket with the staged files; the same submission key returns the same ticket.

    The staging folder is removed only after the transaction commits, so a failure keeps
    the user's files for the next try.
    """
    now = resolve_now(now)
    with transaction.atomic(), staging.opened_staged(user_id=requester.pk, token=staging_token) as files:
        ticket = submit_ticket(
            requester=requester,
            category=category,
            subject=subject,
            details=details,
            priority=priority_for(details),
            attachments=files,
            submission_key=submission_key,
            now=now,
        )
        if attempt_id is not None:
            integrations.link_ticket(attempt_id=attempt_id, user=requester, ticket=ticket, now=now)
    staging.clear_staged(user_id=requester.pk, token=staging_token)
    # Abandoned wizards leave staged files behind; every successful submission sweeps the
    # ones older than a day, so no scheduler is needed for it.
    staging.purge_stale()
    return ticket
