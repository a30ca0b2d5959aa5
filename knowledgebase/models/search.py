"""The shared search index, editors' synonyms and the search log.

`SearchDocument` is generic: the knowledge base, the forum and ticket search feed it through
`knowledgebase.search.index_document`. The full-text part lives next to it, created by
migration 0002: an FTS5 table `kb_search_fts` on SQLite, a `search_vector` tsvector column
with a GIN index on PostgreSQL.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Visibility


class SearchDocument(models.Model):
    """One searchable item, keyed by (doc_type, object_id); text columns hold normalised tokens."""

    doc_type = models.CharField(_("type"), max_length=30)
    object_id = models.CharField(_("object id"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("URL"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30)
    kind_label = models.CharField(_("kind label"), max_length=60)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices)
    # Plain text for snippets; the normalised copies below are what is matched.
    text = models.TextField(_("text"), blank=True)
    title_norm = models.TextField(blank=True)
    tags_norm = models.TextField(blank=True)
    body_norm = models.TextField(blank=True)
    published_at = models.DateTimeField(_("visible from"), null=True, blank=True)
    updated_at = models.DateTimeField(_("indexed at"))

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "object_id"], name="kb_searchdoc_unique_key"),
        ]
        indexes = [models.Index(fields=["kind", "visibility"], name="kb_searchdoc_kind_vis")]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id} {self.title}"


class Synonym(models.Model):
    """A group of interchangeable terms (红冲, 红字冲销): a search for one finds the others."""

    terms = models.CharField(
        _("terms"), max_length=300, help_text=_("Comma-separated, e.g. 红冲, 红字冲销, 冲销.")
    )

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        ordering = ["terms"]

    def __str__(self) -> str:
        return self.terms

    @property
    def term_list(self) -> list[str]:
        parts = self.terms.replace("，", ",").replace("、", ",").split(",")
        return [p.strip() for p in parts if p.strip()]


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
