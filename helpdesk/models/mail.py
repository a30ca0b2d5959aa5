"""Inbound mail: the mailboxes we read and every message that arrived in them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Mailbox(models.Model):
    """Where customers' mail arrives, and what a new message there becomes.

    Configured by admins: its source (IMAP over TLS, a local Maildir or mbox, or a mail
    relay posting to the HTTP endpoint), the category and team of the tickets it opens,
    and what to do with a sender who is not a customer yet.
    """

    class Source(models.TextChoices):
        IMAP = "imap", _("IMAP over TLS")
        MAILDIR = "maildir", _("Local Maildir")
        MBOX = "mbox", _("Local mbox file")
        RELAY = "relay", _("Mail relay (HTTP endpoint)")

    class UnknownSender(models.TextChoices):
        CREATE = "create", _("Create a customer in the default organization")
        HOLD = "hold", _("Hold the message for review")

    name = models.CharField(_("name"), max_length=120, unique=True)
    address = models.EmailField(
        _("address"),
        unique=True,
        help_text=_("The address customers write to; replies carry a signed form of it (support+KX-…)."),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    path = models.CharField(
        _("Maildir or mbox path"), max_length=500, blank=True, help_text=_("For a local Maildir or mbox.")
    )
    imap_host = models.CharField(_("IMAP host"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_username = models.CharField(_("IMAP user"), max_length=200, blank=True)
    imap_password = models.CharField(_("IMAP password"), max_length=200, blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=200, default="INBOX")
    relay_secret = models.CharField(
        _("relay secret"),
        max_length=200,
        blank=True,
        help_text=_("The shared secret the mail relay sends in the Authorization header (Bearer …)."),
    )
    category = models.ForeignKey(
        "helpdesk.Category",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category of new tickets"),
    )
    team = models.ForeignKey(
        "helpdesk.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        help_text=_("Blank: the team the category and ERP system route to."),
    )
    unknown_sender = models.CharField(
        _("unknown senders"), max_length=10, choices=UnknownSender.choices, default=UnknownSender.HOLD
    )
    default_organization = models.ForeignKey(
        "helpdesk.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization of new customers"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def clean(self) -> None:
        errors = {}
        if self.source in (self.Source.MAILDIR, self.Source.MBOX) and not self.path:
            errors["path"] = _("A local mailbox needs its path.")
        if self.source == self.Source.IMAP and not (self.imap_host and self.imap_username):
            errors["imap_host"] = _("IMAP needs a host and a user.")
        if self.source == self.Source.RELAY and len(self.relay_secret) < 24:
            errors["relay_secret"] = _("Use a secret of at least 24 characters.")
        if self.unknown_sender == self.UnknownSender.CREATE and not self.default_organization_id:
            errors["default_organization"] = _("Choose the organization new customers join.")
        if errors:
            raise ValidationError(errors)


class InboundMessage(models.Model):
    """One mail that arrived, and what became of it; at most one row per Message-ID."""

    class Outcome(models.TextChoices):
        TICKET = "ticket", _("Opened a ticket")
        REPLY = "reply", _("Added to a ticket")
        HELD = "held", _("Held for review")
        IGNORED = "ignored", _("Ignored (automatic mail)")
        REFUSED = "refused", _("Refused")
        DISCARDED = "discarded", _("Discarded by an agent")

    class Reason(models.TextChoices):
        NONE = "", _("—")
        UNKNOWN_SENDER = "unknown_sender", _("Sender is not a customer")
        NOT_PARTICIPANT = "not_participant", _("Sender is not a participant of the ticket")
        UNVERIFIED_REFERENCE = (
            "unverified_reference",
            _("Names a ticket without a signed address or our Message-ID"),
        )
        RATE_LIMITED = "rate_limited", _("Too many messages from this address")
        AUTO_SUBMITTED = "auto_submitted", _("Automatic reply or list mail")
        BOUNCE = "bounce", _("Bounce or mailer-daemon")
        LOOP = "loop", _("Our own mail came back")
        NO_SENDER = "no_sender", _("No usable sender address")
        TOO_LARGE = "too_large", _("Larger than the size limit")
        SERVICE = "service", _("Refused by the ticket rules")

    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.CASCADE, related_name="messages", verbose_name=_("mailbox")
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    from_address = models.CharField(_("from"), max_length=255, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    raw = models.FileField(_("raw message"), upload_to="inbound-mail/%Y/%m/", max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, db_index=True)
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_mail",
        verbose_name=_("ticket"),
    )
    ticket_message = models.ForeignKey(
        "helpdesk.TicketMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("message"),
    )
    received_at = models.DateTimeField(_("received"), db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        verbose_name = _("inbound mail")
        verbose_name_plural = _("inbound mail")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["outcome", "received_at"], name="inbound_outcome_received")]

    def __str__(self) -> str:
        return f"{self.subject or self.message_id} ← {self.from_address}"
