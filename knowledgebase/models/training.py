"""Live training sessions customers can sign up for."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TrainingSession(models.Model):
    """A scheduled session with limited seats; afterwards its recording is a video article."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    capacity = models.PositiveIntegerField(_("capacity"))
    location = models.CharField(
        _("where"), max_length=300, blank=True, help_text=_("Meeting link or room, shown to attendees.")
    )
    recording = models.ForeignKey(
        "knowledgebase.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_sessions",
        limit_choices_to={"kind": "video"},
        verbose_name=_("recording"),
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledgebase:training") + f"#session-{self.pk}"


class TrainingSignup(models.Model):
    """A customer's seat in a session; cancelling deletes it and frees the seat."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="signups", verbose_name=_("session")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_signups",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("signed up"))

    class Meta:
        verbose_name = _("training sign-up")
        verbose_name_plural = _("training sign-ups")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="kb_signup_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.session}"
