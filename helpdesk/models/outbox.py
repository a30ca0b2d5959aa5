"""The mail outbox: a row per message, written in the transaction that causes it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EmailKind(models.TextChoices):
    """Which mail a row is. Helpdesk notifications render helpdesk/email/<value>.txt."""

    TICKET_RECEIVED = "ticket_received", _("Request received (to the requester)")
    DETAILS_NEEDED = "details_needed", _("Details needed (to the requester)")
    TEAM_NEW_TICKET = "team_new_ticket", _("New ticket (to the team)")
    TICKET_REOPENED = "ticket_reopened", _("Ticket reopened by the customer (to the team)")
    AGENT_REPLY = "agent_reply", _("Agent reply (to the requester)")
    CUSTOMER_REPLY = "customer_reply", _("Customer reply (to the assignee)")
    SATISFACTION_SURVEY = "satisfaction_survey", _("Satisfaction survey (to the requester)")
    SLA_WARNING = "sla_warning", _("SLA warning (to agents)")
    SLA_BREACH = "sla_breach", _("SLA breach (to agents)")
    ACCOUNT_ACTIVATION = "account_activation", _("Account activation")
    ACCOUNT_INVITATION = "account_invitation", _("Invitation to the portal")
    ACCOUNT_EXISTS = "account_exists", _("Someone tried to register with an existing address (to its owner)")
    PASSWORD_RESET = "password_reset", _("Password reset")
    FORUM_DIGEST = "forum_digest", _("Forum digest: replies and mentions (to members)")
    STATUS_CHANGED = "status_changed", _("Status changed (to the requester)")
    KNOWN_ISSUE_FIXED = "known_issue_fixed", _("Known issue fixed (to the requesters of linked tickets)")
    RELEASE_DIGEST = "release_digest", _("New plugin versions (to customers who opted in)")
    MAINTENANCE_NOTICE = "maintenance_notice", _("Planned maintenance (to subscribers)")
    CHAT_TRANSCRIPT = "chat_transcript", _("Chat transcript (to the customer, on request)")


class OutboundEmail(models.Model):
    """An email waiting to be sent (or sent); a dead SMTP server delays it and loses nothing."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (gave up)")

    to = models.JSONField(pgettext_lazy("email recipients", "to"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    reply_to = models.CharField(_("reply-to"), max_length=255, blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=EmailKind.choices, db_index=True)
    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("ticket"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    # The lease of the worker sending the row: a "sending" row whose lease has run out
    # belongs to a worker that died (or lost the database) and may be claimed again.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    # Who holds the lease, so a worker that outlived it cannot undo its successor's claim.
    claim_token = models.CharField(_("claim token"), max_length=32, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Chosen when the row is written, so a reply's In-Reply-To finds the ticket by it and
    # every attempt sends the same id (blank on rows older than the field: derived instead).
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
