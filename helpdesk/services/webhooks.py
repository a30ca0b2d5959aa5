"""Integrators' webhook endpoints: registering them, their secrets, the payloads they get.

A payload names what happened and carries a small, stable summary of the object (ids,
reference, subject, status, links), never message text or the description: the receiver
reads those through the API with its own key, whose scopes and access rules apply there.

    {"id": "<event uuid>", "type": "ticket.replied", "created_at": "…",
     "data": {"ticket": {…}, "change": {"event": "replied", "old": "", "new": ""}}}
"""

import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import OutboundRequest, Ticket, TicketEvent, User, WebhookEndpoint, WebhookEvent
from helpdesk.models.integrations import PING_EVENT

from .http_outbox import queue_request
from .integrations import public_url


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def _check(endpoint: WebhookEndpoint) -> None:
    endpoint.full_clean(exclude=["secret", "created_at"])


@transaction.atomic
def create_endpoint(
    *, name: str, url: str, events: Iterable[str], actor: User | None, now: datetime | None = None
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret (shown to the admin once)."""
    now = resolve_now(now)
    endpoint = WebhookEndpoint(
        name=name.strip(),
        url=url.strip(),
        events=list(dict.fromkeys(events)),
        created_by=actor,
        created_at=now,
    )
    _check(endpoint)
    endpoint.secret = new_secret()
    endpoint.save()
    return endpoint, endpoint.secret


@transaction.atomic
def update_endpoint(
    *, endpoint: WebhookEndpoint, name: str, url: str, events: Iterable[str], is_active: bool
) -> WebhookEndpoint:
    endpoint.name, endpoint.url, endpoint.is_active = name.strip(), url.strip(), is_active
    endpoint.events = list(dict.fromkeys(events))
    _check(endpoint)
    endpoint.save(update_fields=["name", "url", "events", "is_active"])
    return endpoint


@transaction.atomic
def rotate_secret(*, endpoint: WebhookEndpoint, now: datetime | None = None) -> str:
    """A new signing secret, from the next attempt on (deliveries waiting to be retried are
    signed with it too); returns it to be shown once."""
    endpoint.secret = new_secret()
    endpoint.secret_rotated_at = resolve_now(now)
    endpoint.save(update_fields=["secret", "secret_rotated_at"])
    return endpoint.secret


def ticket_summary(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "organization_id": ticket.organization_id,
        "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "first_response_due_at": _iso(ticket.first_response_due_at),
        "next_response_due_at": _iso(ticket.next_response_due_at),
        "resolution_due_at": _iso(ticket.resolution_due_at),
        "resolved_at": _iso(ticket.resolved_at),
        "admin_url": public_url(reverse("admin:helpdesk_ticket_change", args=[ticket.pk])),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def envelope(event: str, *, data: dict, now: datetime) -> dict:
    return {"id": str(uuid.uuid4()), "type": str(event), "created_at": now.isoformat(), "data": data}


def _change(event: TicketEvent) -> dict:
    change = {"event": event.kind, "old": event.old_value, "new": event.new_value}
    if event.kind in (TicketEvent.Kind.REPLIED, TicketEvent.Kind.CUSTOMER_REPLIED):
        change["message_id"] = (event.data or {}).get("message")
        change["author"] = "agent" if event.kind == TicketEvent.Kind.REPLIED else "customer"
    if event.kind == TicketEvent.Kind.SLA_BREACHED:
        change["target"] = (event.data or {}).get("target")
        change["due_at"] = (event.data or {}).get("due_at")
    return change


def queue_event(event: str, *, data: dict, targets, ticket: Ticket | None = None, now: datetime) -> list:
    """One delivery per target (`integrations.EndpointTarget`), all carrying one event id."""
    body = envelope(event, data=data, now=now)
    return [
        queue_request(
            kind=OutboundRequest.Kind.WEBHOOK,
            event=event,
            url=target.url,
            body=body,
            endpoint=WebhookEndpoint(pk=target.id),
            ticket=ticket,
            now=now,
        )
        for target in targets
    ]


def queue_ticket_event(event: str, *, audit: TicketEvent, targets) -> list:
    """The deliveries of a ticket's webhook `event`, caused by the audit event `audit`."""
    ticket = audit.ticket
    data = {"ticket": ticket_summary(ticket), "change": _change(audit)}
    return queue_event(event, data=data, targets=targets, ticket=ticket, now=audit.created_at)


@transaction.atomic
def send_test_event(
    *, endpoint: WebhookEndpoint, actor: User | None, now: datetime | None = None
) -> OutboundRequest:
    """Queue a `ping` delivery to the endpoint (active or not), signed like any other."""
    now = resolve_now(now)
    if endpoint.pk is None:
        raise ValidationError(_("Save the endpoint first."))
    data = {
        "endpoint": {"id": endpoint.pk, "name": endpoint.name},
        "message": _("A test event from Kuaixiang. If the signature checks out, your endpoint is set up."),
        "sent_by": actor.get_username() if actor is not None else None,
    }
    return queue_request(
        kind=OutboundRequest.Kind.WEBHOOK,
        event=PING_EVENT,
        url=endpoint.url,
        body=envelope(PING_EVENT, data=data, now=now),
        endpoint=endpoint,
        now=now,
    )


__all__ = [
    "WebhookEvent",
    "create_endpoint",
    "rotate_secret",
    "send_test_event",
    "ticket_summary",
    "update_endpoint",
]
