"""Readers' verdicts on articles ("Was this helpful?")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ArticleFeedback(models.Model):
    """One vote per signed-in user, or per session for anonymous readers; voting again replaces it."""

    article = models.ForeignKey(
        "knowledgebase.Article", on_delete=models.CASCADE, related_name="feedback", verbose_name=_("article")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kb_feedback",
        verbose_name=_("user"),
    )
    session_key = models.CharField(_("session"), max_length=64, blank=True)
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created"), db_index=True)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], condition=Q(user__isnull=False), name="kb_feedback_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["article", "session_key"],
                condition=Q(user__isnull=True),
                name="kb_feedback_one_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} · {'+' if self.helpful else '-'}"
