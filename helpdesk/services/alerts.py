"""Alerts in the teams' work chat: short Markdown cards for WeCom, DingTalk and Feishu bots.

A card says what happened, the ticket's reference, subject, priority, the time left (or how
long overdue) and links to the ticket in the admin; it never carries the description or any
message text, which may be private to the customer. It is written in the channel's language.

Platform formats (each platform's group-bot documentation):

- WeCom 企业微信: `{"msgtype": "markdown", "markdown": {"content": …}}`;
- DingTalk 钉钉: `{"msgtype": "markdown", "markdown": {"title": …, "text": …}}`;
- Feishu 飞书: `{"msg_type": "interactive", "card": {header, elements}}` with a lark_md block
  and a button.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from core.clock import resolve_now
from helpdesk.models import (
    AlertEvent,
    OutboundRequest,
    Platform,
    SlaTarget,
    TeamAlertChannel,
    Ticket,
    TicketEvent,
)
from helpdesk.models.integrations import TEST_ALERT

from .http_outbox import queue_request
from .integrations import public_url

SUBJECT_CHARS = 120
# Characters that would turn typed text into markup: links, mentions (<@all>, <at id=all>),
# colours, emphasis, headings. They become their full-width look-alikes.
_MARKUP = str.maketrans(
    {"<": "＜", ">": "＞", "[": "［", "]": "］", "*": "＊", "`": "｀", "#": "＃", "|": "｜"}
)
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")

SEVERITY = {
    AlertEvent.NEW_P1: "red",
    AlertEvent.SLA_BREACH: "red",
    AlertEvent.ESCALATION: "red",
    AlertEvent.SLA_WARNING: "orange",
    AlertEvent.CUSTOMER_WAITING: "blue",
    TEST_ALERT: "grey",
}


@dataclass(frozen=True)
class Card:
    """A message before it is put in a platform's format."""

    title: str
    lines: tuple[tuple[str, str], ...]
    link: str
    link_text: str
    severity: str


def plain(text: str, *, limit: int = SUBJECT_CHARS) -> str:
    """Typed text made safe for a card: one line, no markup, at most `limit` characters."""
    flat = " ".join(_CONTROLS.sub(" ", text or "").split()).translate(_MARKUP)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _due(label: str, due_at: datetime | None, now: datetime) -> tuple[str, str] | None:
    if due_at is None:
        return None
    if due_at > now:
        return label, _("due in %(time)s") % {"time": timeuntil(due_at, now, depth=2)}
    return label, _("overdue by %(time)s") % {"time": timesince(due_at, now, depth=2)}


def _next_due(ticket: Ticket, now: datetime) -> tuple[str, str] | None:
    if ticket.first_response_at is None and ticket.first_response_due_at:
        return _due(str(SlaTarget.FIRST_RESPONSE.label).capitalize(), ticket.first_response_due_at, now)
    if ticket.next_response_due_at:
        return _due(str(SlaTarget.NEXT_RESPONSE.label).capitalize(), ticket.next_response_due_at, now)
    return _due(str(SlaTarget.RESOLUTION.label).capitalize(), ticket.resolution_due_at, now)


def _target_due(audit: TicketEvent, now: datetime) -> tuple[str, str] | None:
    data = audit.data or {}
    try:
        label = str(SlaTarget(data.get("target")).label).capitalize()
        due_at = datetime.fromisoformat(data["due_at"])
    except (ValueError, KeyError, TypeError):
        return _next_due(audit.ticket, now)
    return _due(label, due_at, now)


def _titles() -> dict[str, str]:
    return {
        AlertEvent.NEW_P1: _("New P1 ticket %(ref)s"),
        AlertEvent.SLA_WARNING: _("SLA warning: %(ref)s"),
        AlertEvent.SLA_BREACH: _("SLA breached: %(ref)s"),
        AlertEvent.ESCALATION: _("Escalated: %(ref)s"),
        AlertEvent.CUSTOMER_WAITING: _("%(ref)s: the customer replied and waits on an agent"),
    }


def ticket_card(event: str, *, audit: TicketEvent, now: datetime) -> Card:
    """The card for an alert `event` about `audit.ticket`, in the active language."""
    ticket = audit.ticket
    lines = [(_("Subject"), plain(ticket.subject)), (_("Priority"), str(ticket.get_priority_display()))]
    if ticket.team is not None:
        lines.append((_("Team"), plain(ticket.team.name, limit=60)))
    lines.append(
        (_("Assignee"), plain(str(ticket.assignee), limit=60) if ticket.assignee else _("nobody yet"))
    )
    due = (
        _target_due(audit, now)
        if event in (AlertEvent.SLA_WARNING, AlertEvent.SLA_BREACH)
        else _next_due(ticket, now)
    )
    if due is not None:
        lines.append(due)
    return Card(
        title=_titles()[event] % {"ref": ticket.reference},
        lines=tuple(lines),
        link=public_url(reverse("admin:helpdesk_ticket_change", args=[ticket.pk])),
        link_text=_("Open %(ref)s in the admin") % {"ref": ticket.reference},
        severity=SEVERITY[event],
    )


def render(platform: str, card: Card) -> dict:
    """The JSON body a platform's group bot takes for `card`."""
    if platform == Platform.WECOM:
        colour = "warning" if card.severity in ("red", "orange") else "info"
        text = "\n".join(
            [f'**<font color="{colour}">{card.title}</font>**']
            + [f"> {label}: {value}" for label, value in card.lines]
            + [f"[{card.link_text}]({card.link})"]
        )
        return {"msgtype": "markdown", "markdown": {"content": text}}
    if platform == Platform.DINGTALK:
        # DingTalk's Markdown needs a blank line between lines to break them.
        text = "\n\n".join(
            [f"#### {card.title}"]
            + [f"- **{label}**: {value}" for label, value in card.lines]
            + [f"[{card.link_text}]({card.link})"]
        )
        return {"msgtype": "markdown", "markdown": {"title": card.title, "text": text}}
    if platform == Platform.FEISHU:
        text = "\n".join(f"**{label}**: {value}" for label, value in card.lines)
        return {
            "msg_type": "interactive",
            "card": {
                "config": {"wide_screen_mode": True},
                "header": {"template": card.severity, "title": {"tag": "plain_text", "content": card.title}},
                "elements": [
                    {"tag": "div", "text": {"tag": "lark_md", "content": text}},
                    {
                        "tag": "action",
                        "actions": [
                            {
                                "tag": "button",
                                "type": "primary",
                                "text": {"tag": "plain_text", "content": card.link_text},
                                "url": card.link,
                            }
                        ],
                    },
                ],
            },
        }
    raise ValueError(f"unknown platform: {platform!r}")


def _not_before(event: str, ticket: Ticket, now: datetime) -> datetime | None:
    if event != AlertEvent.SLA_WARNING:
        return None
    # A warning waits for the team's hours when the plan says so, as its mail does.
    from .sla_watch import warning_not_before

    return warning_not_before(ticket, now=now)


def queue_alert(event: str, *, audit: TicketEvent, targets) -> list[OutboundRequest]:
    """One alert per channel (`integrations.ChannelTarget`), rendered once per language."""
    now = audit.created_at
    not_before = _not_before(event, audit.ticket, now)
    cards: dict[str, Card] = {}
    rows = []
    for target in targets:
        if target.language not in cards:
            with translation.override(target.language):
                cards[target.language] = ticket_card(event, audit=audit, now=now)
        rows.append(
            queue_request(
                kind=target.platform,
                event=event,
                url=target.url,
                body=render(target.platform, cards[target.language]),
                channel=TeamAlertChannel(pk=target.id),
                ticket=audit.ticket,
                not_before=not_before,
                now=now,
            )
        )
    return rows


@transaction.atomic
def send_test_alert(*, channel: TeamAlertChannel, now: datetime | None = None) -> OutboundRequest:
    """Queue a test message to the channel's group (active or not), signed like any other."""
    now = resolve_now(now)
    if channel.pk is None:
        raise ValidationError(_("Save the channel first."))
    with translation.override(channel.language):
        card = Card(
            title=_("Test message from Kuaixiang 快响"),
            lines=(
                (_("Team"), plain(channel.team.name, limit=60)),
                (
                    _("Events"),
                    ", ".join(str(AlertEvent(e).label) for e in channel.events if e in AlertEvent.values),
                ),
            ),
            link=public_url(reverse("admin:helpdesk_teamalertchannel_change", args=[channel.pk])),
            link_text=_("Alert channel settings"),
            severity=SEVERITY[TEST_ALERT],
        )
    return queue_request(
        kind=channel.platform,
        event=TEST_ALERT,
        url=channel.url,
        body=render(channel.platform, card),
        channel=channel,
        now=now,
    )


@transaction.atomic
def save_channel(*, channel: TeamAlertChannel, secret: str | None = None) -> TeamAlertChannel:
    """Validate and save a team's alert channel; `secret=None` keeps the stored secret (the
    admin never shows it back), "" removes it."""
    if secret is not None:
        channel.secret = secret.strip()
    channel.events = list(dict.fromkeys(channel.events))
    channel.full_clean()
    channel.save()
    return channel
