"""What happens on a ticket: pauses, messages, files, the audit trail, macros and ratings."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import Channel, SlaTarget, Status
from .tickets import Ticket


class TicketPause(models.Model):
    """A span during which the ticket waited on the customer; SLA clocks do not run."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)

    class Meta:
        verbose_name = _("SLA pause")
        verbose_name_plural = _("SLA pauses")
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.ticket.reference} {self.started_at:%Y-%m-%d %H:%M}"


class TicketMessage(models.Model):
    """One entry of the conversation; internal notes are never shown to customers."""

    class Kind(models.TextChoices):
        PUBLIC_REPLY = "public_reply", _("Public reply")
        INTERNAL_NOTE = "internal_note", _("Internal note")
        CUSTOMER_REPLY = "customer_reply", _("Customer reply")
        SYSTEM = "system", _("System message")

    PUBLIC_KINDS = (Kind.PUBLIC_REPLY, Kind.CUSTOMER_REPLY, Kind.SYSTEM)

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ticket_messages",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    email_message_id = models.CharField(_("email Message-ID"), max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.ticket_id}"

    @property
    def is_public(self) -> bool:
        return self.kind in self.PUBLIC_KINDS


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    # The stored name is generated; the user's file name is kept only as data.
    return f"attachments/{instance.stored_key[:2]}/{instance.stored_key}"


class Attachment(models.Model):
    """A file on a ticket, stored under a generated name and served only through a checked view."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("ticket")
    )
    message = models.ForeignKey(
        TicketMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("message"),
    )
    stored_key = models.CharField(max_length=64, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    is_internal = models.BooleanField(_("internal"), default=False)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("helpdesk:attachment_download", kwargs={"pk": self.pk})


class TicketEvent(models.Model):
    """Append-only audit trail: what changed on a ticket, who did it, old and new values."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        DETAILS_ADDED = "details_added", _("Missing details added")
        STATUS = "status", _("Status changed")
        ASSIGNMENT = "assignment", _("Assigned")
        TEAM = "team", _("Team changed")
        PRIORITY = "priority", _("Priority changed")
        CATEGORY = "category", _("Category changed")
        REPLIED = "replied", _("Agent replied")
        NOTE = "note", _("Internal note")
        CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
        SLA_PAUSED = "sla_paused", _("SLA paused")
        SLA_RESUMED = "sla_resumed", _("SLA resumed")
        SLA_WARNED = "sla_warned", _("SLA warning")
        SLA_BREACHED = "sla_breached", _("SLA breached")
        SLA_RECOMPUTED = "sla_recomputed", _("SLA due times recomputed")
        ESCALATED = "escalated", _("Escalated")
        MERGED = "merged", _("Merged")
        REOPENED = "reopened", _("Reopened")
        RATED = "rated", _("Rated")
        ATTACHMENT = "attachment", _("Attachment added")
        KNOWN_ISSUE = "known_issue", _("Linked to a known issue")
        KNOWN_ISSUE_FIXED = "known_issue_fixed", _("Known issue fixed")

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket")
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    old_value = models.CharField(_("old value"), max_length=200, blank=True)
    new_value = models.CharField(_("new value"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="event_ticket_created"),
            models.Index(fields=["kind", "created_at"], name="event_kind_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.ticket_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError("Ticket events are append-only.")
        super().save(*args, **kwargs)

    @property
    def old_display(self) -> str:
        return _value_label(self.old_value)

    @property
    def new_display(self) -> str:
        return _value_label(self.new_value)


def _value_label(value: str) -> str:
    """Stored codes (open, first_response) read as their labels; names and text stay as they are."""
    for choices in (Status, SlaTarget):
        if value in choices.values:
            return str(choices(value).label)
    return value


class CannedResponse(models.Model):
    """An agent macro: a reusable reply, optionally limited to one team."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    team = models.ForeignKey(
        "helpdesk.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_responses",
        verbose_name=_("team"),
        help_text=_("Blank: available to every team."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class SatisfactionRating(models.Model):
    """The customer's rating of one resolution, requested with a single-use token."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("ticket")
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    surveyed_at = models.DateTimeField(_("surveyed"))
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, choices=[(i, str(i)) for i in range(1, 6)]
    )
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-surveyed_at"]
        indexes = [models.Index(fields=["surveyed_at"], name="rating_surveyed")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.score or '–'}"
