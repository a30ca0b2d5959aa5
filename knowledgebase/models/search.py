"""The search log: what people searched on the search page, for the analytics page.

The index itself (`SearchDocument`, `Synonym`) belongs to the `search` app.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchQuery(models.Model):
    """One search a person ran on the search page, for the admin's search analytics."""

    query = models.CharField(_("query"), max_length=200, db_index=True)
    results = models.PositiveIntegerField(_("results"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("searched at"), db_index=True)

    class Meta:
        verbose_name = _("search query")
        verbose_name_plural = _("search queries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="kb_searchquery_user_created")]

    def __str__(self) -> str:
        return self.query
