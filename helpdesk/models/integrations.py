"""Outgoing HTTP: integrators' webhook endpoints, teams' chat-platform group bots, and the
HTTP outbox through which every request to them leaves (a row per request, written in the
transaction that causes it, delivered by the task worker with retries, exactly once)."""

import ipaddress
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class WebhookEvent(models.TextChoices):
    """What an integrator's endpoint may subscribe to; the value is the payload's `type`."""

    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_UPDATED = "ticket.updated", _("Ticket updated (status, assignee, team, priority, category)")
    TICKET_REPLIED = "ticket.replied", _("Ticket replied (agent or customer; never internal notes)")
    TICKET_RESOLVED = "ticket.resolved", _("Ticket resolved")
    TICKET_SLA_BREACHED = "ticket.sla_breached", _("SLA breached")
    ARTICLE_PUBLISHED = "article.published", _("Knowledge base article published")
    TOPIC_SOLVED = "topic.solved", _("Forum topic solved")


# Sent by the admin's "send test event"; never subscribed to.
PING_EVENT = "ping"


class AlertEvent(models.TextChoices):
    """What a team's group chat may be told."""

    NEW_P1 = "new_p1", _("New P1 ticket")
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACH = "sla_breach", _("SLA breach")
    ESCALATION = "escalation", _("Escalation")
    CUSTOMER_WAITING = "customer_waiting", _("Waiting on an agent after the customer replied")


# Sent by the admin's "send test message"; never subscribed to.
TEST_ALERT = "test"


class Platform(models.TextChoices):
    WECOM = "wecom", _("WeCom 企业微信")
    DINGTALK = "dingtalk", _("DingTalk 钉钉")
    FEISHU = "feishu", _("Feishu / Lark 飞书")


# The hosts each platform's group-bot webhooks live on; anything else is a pasting mistake.
PLATFORM_HOSTS: dict[str, frozenset[str]] = {
    Platform.WECOM: frozenset({"qyapi.weixin.qq.com"}),
    Platform.DINGTALK: frozenset({"oapi.dingtalk.com"}),
    Platform.FEISHU: frozenset({"open.feishu.cn", "open.larksuite.com"}),
}


def default_language() -> str:
    return settings.LANGUAGE_CODE


def loopback_allowed() -> bool:
    """Plain http to this machine: for tests and local development only."""
    return bool(settings.OUTBOUND_HTTP_ALLOW_LOOPBACK or settings.DEBUG)


def validate_outbound_url(value: str) -> None:
    """HTTPS to a public host; http://127.0.0.1 (or localhost) only where loopback is allowed."""
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if not host:
        raise ValidationError(_("Enter a full address, such as https://example.com/hooks/kuaixiang."))
    if parts.username or parts.password:
        raise ValidationError(_("Do not put a user name or password in the address."))
    if host in LOOPBACK_HOSTS and loopback_allowed():
        if parts.scheme not in ("http", "https"):
            raise ValidationError(_("The address must start with https://."))
        return
    if parts.scheme != "https":
        raise ValidationError(_("The address must start with https:// (requests are signed, not encrypted)."))
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if host in LOOPBACK_HOSTS or (address is not None and not address.is_global):
        raise ValidationError(_("The address must be reachable on the internet, not a local or private one."))


@deconstructible
class EventListValidator:
    """A non-empty list of known event values (`choices` names a TextChoices in this module)."""

    def __init__(self, choices: str) -> None:
        self.choices = choices

    def __call__(self, value) -> None:
        known = globals()[self.choices].values
        if not isinstance(value, list) or not value:
            raise ValidationError(_("Choose at least one event."))
        unknown = [str(item) for item in value if item not in known]
        if unknown:
            raise ValidationError(_("Unknown events: %(events)s."), params={"events": ", ".join(unknown)})

    def __eq__(self, other) -> bool:
        return isinstance(other, EventListValidator) and other.choices == self.choices


class WebhookEndpoint(models.Model):
    """An integrator's HTTPS endpoint: the events it receives, signed with its own secret.

    The secret is shown once when made (or rotated) and kept to sign each delivery; it cannot
    be hashed, since the receiver checks an HMAC made with the same secret.
    """

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=500, validators=[validate_outbound_url])
    events = models.JSONField(_("events"), default=list, validators=[EventListValidator("WebhookEvent")])
    secret = models.CharField(_("signing secret"), max_length=80, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"))
    secret_rotated_at = models.DateTimeField(_("secret rotated"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class TeamAlertChannel(models.Model):
    """A team's group-chat bot (WeCom, DingTalk or Feishu) and the alerts it receives."""

    team = models.ForeignKey(
        "helpdesk.Team", on_delete=models.CASCADE, related_name="alert_channels", verbose_name=_("team")
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("For example the group's name."))
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    url = models.URLField(
        _("webhook URL"),
        max_length=500,
        validators=[validate_outbound_url],
        help_text=_("The group bot's webhook address, copied from the platform (it contains the bot's key)."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk: the 加签 secret (SEC…). Feishu: the 签名校验 secret. WeCom has none."),
    )
    events = models.JSONField(_("events"), default=list, validators=[EventListValidator("AlertEvent")])
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=default_language,
        help_text=_("The language the team reads in this group."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("team alert channel")
        verbose_name_plural = _("team alert channels")
        ordering = ["team__name", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.team} · {self.name}"

    def clean(self) -> None:
        host = (urlsplit(self.url or "").hostname or "").lower()
        hosts = PLATFORM_HOSTS.get(self.platform)
        if hosts and host and host not in hosts and not (host in LOOPBACK_HOSTS and loopback_allowed()):
            raise ValidationError(
                {
                    "url": _("A %(platform)s group bot's address is on %(hosts)s.")
                    % {"platform": self.get_platform_display(), "hosts": ", ".join(sorted(hosts))}
                }
            )
        if self.platform == Platform.WECOM and self.secret:
            raise ValidationError({"secret": _("WeCom group bots have no signing secret; leave it blank.")})


class OutboundRequest(models.Model):
    """One HTTP request waiting to leave (or gone): a webhook delivery or a chat alert.

    The body is stored as written; signatures and timestamps are added at each attempt, since
    receivers refuse old timestamps, with the target's current secret.
    """

    class Kind(models.TextChoices):
        WEBHOOK = "webhook", _("Webhook")
        WECOM = Platform.WECOM.value, Platform.WECOM.label
        DINGTALK = Platform.DINGTALK.value, Platform.DINGTALK.label
        FEISHU = Platform.FEISHU.value, Platform.FEISHU.label

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed (gave up)")

    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    event = models.CharField(_("event"), max_length=40, db_index=True)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("webhook endpoint"),
    )
    channel = models.ForeignKey(
        TeamAlertChannel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("alert channel"),
    )
    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbound_requests",
        verbose_name=_("ticket"),
    )
    url = models.URLField(_("URL"), max_length=500)
    method = models.CharField(_("method"), max_length=6, default="POST")
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    body = models.TextField(_("body"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    # The lease of the worker sending the row, as on OutboundEmail: once it runs out, the
    # worker is presumed dead and another may claim the row.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.CharField(_("claim token"), max_length=32, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.TextField(_("response"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("outbound request")
        verbose_name_plural = _("delivery log (webhooks and alerts)")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="http_outbox_due"),
            models.Index(fields=["endpoint", "created_at"], name="http_outbox_endpoint"),
            models.Index(fields=["channel", "created_at"], name="http_outbox_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.target_name}"

    @property
    def target_name(self) -> str:
        target = self.endpoint if self.kind == self.Kind.WEBHOOK else self.channel
        return str(target) if target is not None else urlsplit(self.url).hostname or ""
