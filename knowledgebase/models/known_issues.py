"""Known issues as problems: the tickets (incidents) that one known issue explains."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkSource(models.TextChoices):
    TICKET_PAGE = "ticket_page", _("From the ticket page")
    BULK = "bulk", _("Bulk action on the queue")
    SUGGESTED = "suggested", _("Accepted suggestion")


class KnownIssueLink(models.Model):
    """One ticket explained by one known issue; a ticket may be linked to several."""

    issue = models.ForeignKey(
        "knowledgebase.Article",
        on_delete=models.CASCADE,
        related_name="ticket_links",
        limit_choices_to={"kind": "known_issue"},
        verbose_name=_("known issue"),
    )
    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.CASCADE,
        related_name="known_issue_links",
        verbose_name=_("ticket"),
    )
    source = models.CharField(_("linked how"), max_length=12, choices=LinkSource.choices)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked"))
    # The fix reply posted on this ticket (once): the fix flow skips links already answered.
    fix_notified_at = models.DateTimeField(_("fix announced"), null=True, blank=True)

    class Meta:
        verbose_name = _("known-issue link")
        verbose_name_plural = _("known-issue links")
        constraints = [models.UniqueConstraint(fields=["issue", "ticket"], name="known_issue_link_once")]
        ordering = ["-linked_at"]

    def __str__(self) -> str:
        return f"{self.issue_id} ↔ {self.ticket_id}"
