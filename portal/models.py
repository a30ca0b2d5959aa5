"""Submission attempts in the portal wizard, for the deflection rate (docs/architecture.md).

The table keeps the name it had when the helpdesk app owned the model
(`helpdesk_submissionattempt`); migrations moved only Django's state.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionAttempt(models.Model):
    """One pass through the submission wizard: started, then deflected or submitted."""

    class Outcome(models.TextChoices):
        STARTED = "started", _("Started")
        CONTINUED = "continued", _("Continued past suggestions")
        DEFLECTED = "deflected", _("Solved by a suggestion")
        SUBMITTED = "submitted", _("Ticket submitted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="submission_attempts",
        verbose_name=_("user"),
    )
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.STARTED)
    solved_by_url = models.CharField(_("solved by"), max_length=300, blank=True)
    solved_by_title = models.CharField(_("solved by (title)"), max_length=200, blank=True)
    ticket = models.OneToOneField(
        "helpdesk.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submission_attempt",
        verbose_name=_("ticket"),
    )
    started_at = models.DateTimeField(_("started"), db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission attempt")
        verbose_name_plural = _("submission attempts")
        ordering = ["-started_at"]
        db_table = "helpdesk_submissionattempt"

    def __str__(self) -> str:
        return f"{self.summary or self.pk} ({self.get_outcome_display()})"
