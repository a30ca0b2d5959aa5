"""The wizard's last step: the ticket through the intake door, then the attempt it ends."""

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from core.clock import resolve_now
from helpdesk.models import Channel, Ticket, User
from helpdesk.services import intake
from helpdesk.services.staging import StagedUploads
from portal import integrations


def submit_from_portal(
    *,
    requester: User,
    fields: Mapping[str, Any],
    submission_key: uuid.UUID,
    staging_token: str | None,
    attempt_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Open the ticket with the files kept in the form; the same key returns the same ticket.

    Refusals (a vague description, a bad file) come back as the intake's ValidationError.
    """
    now = resolve_now(now)
    ticket = intake.open_ticket(
        requester=requester,
        channel=Channel.WEB,
        fields=fields,
        attachments=StagedUploads(user_id=requester.pk, token=staging_token),
        idempotency_key=submission_key,
        now=now,
    )
    if attempt_id is not None:
        integrations.link_ticket(attempt_id=attempt_id, user=requester, ticket=ticket, now=now)
    return ticket
