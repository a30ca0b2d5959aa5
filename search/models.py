"""The shared search index and editors' synonyms.

`SearchDocument` is generic: the knowledge base, the forum and ticket search feed it through
`search.index_documents`. The full-text part lives next to it: an FTS5 table `search_fts`
on SQLite (search migration 0002; it replaced knowledgebase 0002's `kb_search_fts`), a
`search_vector` tsvector column with a GIN index on PostgreSQL (knowledgebase migration
0002, from when the engine lived in that app; the tables keep their names, only Django's
state moved).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    """Who may find a document (and read the item behind it)."""

    PUBLIC = "public", _("Everyone")
    CUSTOMERS = "customers", _("Signed-in customers")
    AGENTS = "agents", _("Agents only")


class Collection(models.TextChoices):
    """Which index a document lives in: the knowledge base, the forum and the like answer customers'
    searches and the wizard's suggestions; tickets (agents-only, and by far the most documents)
    have a full-text index of their own, so a KB query never ranks a million ticket documents."""

    CONTENT = "content", _("Knowledge base and forum")
    TICKETS = "tickets", _("Tickets")


def visibilities_for(user) -> tuple[str, ...]:
    """The visibility levels a user may read: anonymous → public; customers → +signed-in; staff → all."""
    if user is None or not user.is_authenticated:
        return (Visibility.PUBLIC,)
    if user.is_staff:
        return (Visibility.PUBLIC, Visibility.CUSTOMERS, Visibility.AGENTS)
    return (Visibility.PUBLIC, Visibility.CUSTOMERS)


class SearchDocument(models.Model):
    """One searchable item, keyed by (doc_type, object_id); text columns hold normalised tokens."""

    doc_type = models.CharField(_("type"), max_length=30)
    object_id = models.CharField(_("object id"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("URL"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30)
    kind_label = models.CharField(_("kind label"), max_length=60)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices)
    # The body as plain text, for snippets and for re-analysis (`rebuild_fulltext`); the
    # normalised token copies below are what is matched and ranked.
    text = models.TextField(_("text"), blank=True)
    tags_text = models.TextField(_("tags"), blank=True)
    title_norm = models.TextField(blank=True)
    tags_norm = models.TextField(blank=True)
    body_norm = models.TextField(blank=True)
    published_at = models.DateTimeField(_("visible from"), null=True, blank=True)
    updated_at = models.DateTimeField(_("indexed at"))
    # Ranking signals the feeding app knows (search/scoring.py says how much each counts).
    changed_at = models.DateTimeField(_("content changed at"), null=True, blank=True)
    solved = models.BooleanField(_("solved"), default=False)
    popularity = models.PositiveIntegerField(_("helpful votes"), default=0)
    erp_systems = models.CharField(_("ERP systems"), max_length=100, blank=True)
    collection = models.CharField(
        _("index"), max_length=10, choices=Collection.choices, default=Collection.CONTENT
    )

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        db_table = "knowledgebase_searchdocument"
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "object_id"], name="kb_searchdoc_unique_key"),
        ]
        indexes = [
            models.Index(fields=["kind", "visibility"], name="kb_searchdoc_kind_vis"),
            # The size of each index (for idf) is counted on this one, never on the whole table.
            models.Index(fields=["collection"], name="search_doc_collection"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id} {self.title}"


class Synonym(models.Model):
    """A group of interchangeable terms (红冲, 红字冲销): a search for one finds the others.

    Everyday phrasing belongs here too (卡住了, 一直转圈 → 超时, 无响应): search migration
    0003 seeds the defaults of `search.vocabulary.EVERYDAY_SYNONYMS`; editors change them.
    """

    terms = models.CharField(
        _("terms"),
        max_length=300,
        help_text=_(
            "Comma-separated, e.g. 红冲, 红字冲销, 冲销. Everyday words work too: 卡住, 一直转圈, 超时."
        ),
    )

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        db_table = "knowledgebase_synonym"
        ordering = ["terms"]

    def __str__(self) -> str:
        return self.terms

    @property
    def term_list(self) -> list[str]:
        parts = self.terms.replace("，", ",").replace("、", ",").split(",")
        return [p.strip() for p in parts if p.strip()]
