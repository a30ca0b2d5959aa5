"""Live chat: sessions, who takes part, and each agent's availability and capacity.

A chat's messages are not stored here: once an agent accepts, the chat is a ticket (channel
chat) and every message is a `helpdesk.TicketMessage` written by the conversation service.
Before that the customer's opening words wait on the session (`opening_text`) and become the
ticket's description.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgentAvailability(models.Model):
    """Whether an agent takes chats now, and how many at once."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        AWAY = "away", _("Away")

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chat_availability",
        verbose_name=_("agent"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.AWAY)
    max_chats = models.PositiveSmallIntegerField(
        _("maximum concurrent chats"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("chat availability")
        verbose_name_plural = _("chat availability")
        indexes = [models.Index(fields=["status"], name="chat_avail_status_idx")]

    def __str__(self) -> str:
        return f"{self.agent} · {self.get_status_display()} · {self.max_chats}"


class ChatSession(models.Model):
    """One chat from the customer's first words to its end."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for an agent")
        ACTIVE = "active", _("In progress")
        ENDED = "ended", _("Ended")
        ABANDONED = "abandoned", _("Left before an answer")
        DEFLECTED = "deflected", _("Solved by a suggestion")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chat_sessions",
        verbose_name=_("customer"),
    )
    organization = models.ForeignKey(
        "helpdesk.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    category = models.ForeignKey(
        "helpdesk.Category", on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    erp_system = models.CharField(_("ERP system"), max_length=20, blank=True)
    team = models.ForeignKey(
        "helpdesk.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chats_taken",
        verbose_name=_("agent"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    opening_text = models.TextField(_("opening message"))
    ticket = models.OneToOneField(
        "helpdesk.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chat_session",
        verbose_name=_("ticket"),
    )
    created_at = models.DateTimeField(_("started"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    solved_by_url = models.CharField(_("solved by (address)"), max_length=300, blank=True)
    solved_by_title = models.CharField(_("solved by (title)"), max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("rating comment"), max_length=1000, blank=True)
    customer_read_id = models.PositiveBigIntegerField(_("customer read up to"), default=0)
    agent_read_id = models.PositiveBigIntegerField(_("agent read up to"), default=0)

    class Meta:
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "team", "created_at"], name="chat_queue_idx"),
            models.Index(fields=["agent", "status"], name="chat_agent_status_idx"),
            models.Index(fields=["customer", "status"], name="chat_customer_status_idx"),
            models.Index(fields=["created_at"], name="chat_created_idx"),
        ]

    def __str__(self) -> str:
        return _("Chat %(pk)s") % {"pk": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.WAITING, self.Status.ACTIVE)


class ChatParticipant(models.Model):
    """Someone who took part in a chat: the customer, and each agent it passed through."""

    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")

    session = models.ForeignKey(
        ChatSession, on_delete=models.CASCADE, related_name="participants", verbose_name=_("chat")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    joined_at = models.DateTimeField(_("joined"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat participant")
        verbose_name_plural = _("chat participants")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="chat_participant_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
