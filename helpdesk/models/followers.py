"""Colleagues who follow a customer's ticket: they see it, get its mails and may reply."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketFollower(models.Model):
    """A colleague of the requester (same organization) added to a ticket.

    Added and removed through `helpdesk.services.followers` by the requester or an
    organization admin; a follower may also leave. Access follows from the row
    (`helpdesk.selectors.tickets.visible_tickets`), mails from
    `helpdesk.services.notifications.customer_recipients`.
    """

    ticket = models.ForeignKey(
        "helpdesk.Ticket", on_delete=models.CASCADE, related_name="followers", verbose_name=_("ticket")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="followed_tickets",
        verbose_name=_("follower"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"))

    class Meta:
        verbose_name = _("ticket follower")
        verbose_name_plural = _("ticket followers")
        ordering = ["ticket", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="ticket_follower_unique"),
        ]
        indexes = [models.Index(fields=["user", "ticket"], name="ticket_follower_by_user")]

    def __str__(self) -> str:
        return f"{self.user} → {self.ticket_id}"
