"""Where outgoing webhooks and chat alerts come from: one hook on the audit trail.

Every ticket service records what it did with `events.record_event`, which hands the event
to `ticket_event`. That decides, from a per-process copy of the subscriptions, which webhook
deliveries and team alerts the event causes and queues them in the HTTP outbox, in the
caller's transaction. With nothing subscribed it costs no query; with subscribers, one
INSERT per outgoing request.

Events that are not a ticket's (an article published, a forum topic solved) come through
`emit`, which the knowledge base and the forum call.
"""

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.clock import resolve_now
from helpdesk.models import (
    AlertEvent,
    Priority,
    Status,
    TeamAlertChannel,
    TicketEvent,
    WebhookEndpoint,
    WebhookEvent,
)

Kind = TicketEvent.Kind

# The webhook events each kind of audit event is, for integrators.
_UPDATES = {Kind.STATUS, Kind.ASSIGNMENT, Kind.TEAM, Kind.PRIORITY, Kind.CATEGORY}
_UPDATES |= {Kind.MERGED, Kind.REOPENED, Kind.DETAILS_ADDED}


@dataclass(frozen=True)
class EndpointTarget:
    id: int
    url: str


@dataclass(frozen=True)
class ChannelTarget:
    id: int
    platform: str
    url: str
    language: str


@dataclass
class Subscriptions:
    """Who wants what, as this process last read it."""

    endpoints: dict[str, list[EndpointTarget]] = field(default_factory=dict)
    channels: dict[tuple[int, str], list[ChannelTarget]] = field(default_factory=dict)
    loaded_at: float = 0.0


_lock = threading.Lock()
_cached: Subscriptions | None = None


def _load() -> Subscriptions:
    loaded = Subscriptions(loaded_at=time.monotonic())
    for pk, url, events in WebhookEndpoint.objects.filter(is_active=True).values_list("pk", "url", "events"):
        for event in events:
            loaded.endpoints.setdefault(event, []).append(EndpointTarget(id=pk, url=url))
    channels = TeamAlertChannel.objects.filter(is_active=True).values_list(
        "pk", "team_id", "platform", "url", "language", "events"
    )
    for pk, team_id, platform, url, language, events in channels:
        target = ChannelTarget(id=pk, platform=platform, url=url, language=language)
        for event in events:
            loaded.channels.setdefault((team_id, event), []).append(target)
    return loaded


def subscriptions() -> Subscriptions:
    """The subscriptions, reloaded when this process changed them or after
    `INTEGRATIONS_CACHE_SECONDS` (other processes' changes)."""
    global _cached
    current = _cached
    if current is None or time.monotonic() - current.loaded_at > settings.INTEGRATIONS_CACHE_SECONDS:
        with _lock:
            current = _cached = _load()
    return current


def clear_subscription_cache(*, empty: bool = False) -> None:
    """Forget the copy, so the next event reads the subscriptions again. `empty=True` instead
    records that there are none (a fresh test database), which costs no query to learn."""
    global _cached
    _cached = Subscriptions(loaded_at=time.monotonic()) if empty else None


@receiver(post_save, sender=WebhookEndpoint, dispatch_uid="integrations.endpoint_saved")
@receiver(post_delete, sender=WebhookEndpoint, dispatch_uid="integrations.endpoint_deleted")
@receiver(post_save, sender=TeamAlertChannel, dispatch_uid="integrations.channel_saved")
@receiver(post_delete, sender=TeamAlertChannel, dispatch_uid="integrations.channel_deleted")
def _subscriptions_changed(**kwargs) -> None:
    # Now, for the rest of this transaction, and again after commit, so a copy read in
    # between (seeing the uncommitted row) does not outlive a rollback by much.
    clear_subscription_cache()
    transaction.on_commit(clear_subscription_cache)


def public_url(path: str) -> str:
    """An absolute link to `path` on the public site (`PORTAL_BASE_URL`)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def wants(event: str) -> bool:
    """Whether any active endpoint subscribes to the webhook `event` (no query when cached)."""
    return bool(subscriptions().endpoints.get(event))


def webhook_events_for(event: TicketEvent) -> list[str]:
    kind = event.kind
    found: list[str] = []
    if kind == Kind.CREATED:
        found.append(WebhookEvent.TICKET_CREATED)
    if kind in _UPDATES:
        found.append(WebhookEvent.TICKET_UPDATED)
    if kind == Kind.STATUS and event.new_value == Status.RESOLVED:
        found.append(WebhookEvent.TICKET_RESOLVED)
    if kind in (Kind.REPLIED, Kind.CUSTOMER_REPLIED):
        found.append(WebhookEvent.TICKET_REPLIED)
    if kind == Kind.SLA_BREACHED:
        found.append(WebhookEvent.TICKET_SLA_BREACHED)
    return found


def alert_events_for(event: TicketEvent) -> list[str]:
    kind, ticket = event.kind, event.ticket
    if kind == Kind.CREATED and ticket.priority == Priority.P1:
        return [AlertEvent.NEW_P1]
    # Raised to P1 by a person; the watcher's raise is announced as the escalation instead.
    if kind == Kind.PRIORITY and ticket.priority == Priority.P1 and event.actor_id is not None:
        return [AlertEvent.NEW_P1]
    if kind == Kind.SLA_WARNED:
        return [AlertEvent.SLA_WARNING]
    # A late reply or resolve records the breach too; it is the agent's own doing, not news.
    if kind == Kind.SLA_BREACHED and (event.data or {}).get("detected") != "late_action":
        return [AlertEvent.SLA_BREACH]
    if kind == Kind.ESCALATED:
        return [AlertEvent.ESCALATION]
    # On hold is the agent's decision to wait (e.g. on a vendor fix): nobody is being awaited.
    if kind == Kind.CUSTOMER_REPLIED and ticket.status != Status.ON_HOLD:
        return [AlertEvent.CUSTOMER_WAITING]
    return []


def ticket_event(event: TicketEvent) -> None:
    """Queue the webhook deliveries and team alerts that `event` causes (called by
    `record_event`, inside the caller's transaction)."""
    current = subscriptions()
    if not current.endpoints and not current.channels:
        return
    from . import alerts, webhooks

    for name in webhook_events_for(event):
        targets = current.endpoints.get(name)
        if targets:
            webhooks.queue_ticket_event(name, audit=event, targets=targets)
    team_id = event.ticket.team_id
    if team_id is None:
        return
    for name in alert_events_for(event):
        targets = current.channels.get((team_id, name))
        if targets:
            alerts.queue_alert(name, audit=event, targets=targets)


def emit(event: str, *, data: dict, now: datetime | None = None) -> int:
    """Deliver a webhook `event` (a WebhookEvent such as article.published or topic.solved)
    with `data` to every endpoint subscribed to it, in the caller's transaction.

    Returns how many deliveries were queued; ValueError for an unknown event.
    """
    event = WebhookEvent(event)
    targets = subscriptions().endpoints.get(event)
    if not targets:
        return 0
    from . import webhooks

    return len(webhooks.queue_event(event, data=data, targets=targets, now=resolve_now(now)))
