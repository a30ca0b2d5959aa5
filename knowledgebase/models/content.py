"""Knowledge-base content: the category tree, tags, articles of every kind and their revisions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.markdown import validate_markdown

from .choices import ArticleStatus, IssueStatus, Kind, Visibility


def validate_embed_url(value: str) -> None:
    """Kept for migrations 0001–0004, which name it; videos live in models/video.py now."""
    from knowledgebase.media.embeds import EmbedError, parse_embed

    try:
        parse_embed(value)
    except EmbedError:
        raise ValidationError(_("Paste the link of a video on Bilibili, Tencent Video or YouTube.")) from None


class Category(models.Model):
    """A node of the knowledge-base tree (对接 → 金蝶); articles hang off any node."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("KB category")
        verbose_name_plural = _("KB categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="kb_category_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return " / ".join(c.name for c in self.ancestors_and_self())

    def get_absolute_url(self) -> str:
        return reverse("knowledgebase:category", kwargs={"slug": self.slug})

    def clean(self) -> None:
        node = self.parent
        while node is not None:
            if node.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A category cannot be inside itself.")})
            node = node.parent

    def ancestors_and_self(self) -> list["Category"]:
        chain, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Tag(models.Model):
    """A free label on articles (科目, U8 …); searchable, weighted between title and body."""

    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def live(self, *, now) -> "ArticleQuerySet":
        """Published and past its (possibly scheduled) publication time."""
        return self.filter(status=ArticleStatus.PUBLISHED, published_at__lte=now)

    def visible_to(self, visibilities) -> "ArticleQuerySet":
        return self.filter(visibility__in=visibilities)


class Article(models.Model):
    """One piece of self-service content; its kind decides which extra fields matter.

    `body_html` (and `workaround_html`) are rendered from Markdown and sanitised by the
    save service, never in `save()`; templates output them as they are.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(
        _("title"), max_length=200, help_text=_("For an FAQ: the question as a customer would ask it.")
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="articles",
        null=True,
        blank=True,
        verbose_name=_("category"),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body_md = models.TextField(
        _("body (Markdown)"),
        blank=True,
        help_text=_("For an FAQ the answer; for a video the transcript."),
        validators=[validate_markdown],
    )
    body_html = models.TextField(_("rendered body"), blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("A future time schedules the publication."),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    plugin_versions = models.ManyToManyField(
        "helpdesk.PluginVersion",
        blank=True,
        related_name="kb_articles",
        verbose_name=_("applies to plugin versions"),
        help_text=_("For a known issue: the affected versions."),
    )
    erp_versions = models.CharField(
        _("applies to ERP versions"), max_length=200, blank=True, help_text=_("E.g. K/3 Cloud 8.x, U8 V13.")
    )
    related = models.ManyToManyField("self", blank=True, verbose_name=_("related articles"))
    # Release note
    release_version = models.ForeignKey(
        "helpdesk.PluginVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="release_notes",
        verbose_name=_("release version"),
    )
    # Known issue
    workaround_md = models.TextField(_("workaround (Markdown)"), blank=True, validators=[validate_markdown])
    workaround_html = models.TextField(_("rendered workaround"), blank=True, editable=False)
    fixed_in = models.ForeignKey(
        "helpdesk.PluginVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fixed_issues",
        verbose_name=_("fixed in version"),
    )
    issue_status = models.CharField(_("issue status"), max_length=15, choices=IssueStatus.choices, blank=True)
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True, editable=False)
    source_ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kb_articles",
        verbose_name=_("drafted from ticket"),
    )
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"), db_index=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "status", "-published_at"], name="kb_article_kind_status"),
            models.Index(fields=["category", "status"], name="kb_article_category_status"),
            models.Index(fields=["status", "-view_count"], name="kb_article_popular"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledgebase:article", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors = {}
        if self.kind == Kind.RELEASE_NOTE and self.release_version_id is None:
            errors["release_version"] = _("A release note needs the plugin version it describes.")
        if errors:
            raise ValidationError(errors)


class ArticleRevision(models.Model):
    """A snapshot of a published edit; the admin diffs two and can restore one."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("article")
    )
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body_md = models.TextField(_("body (Markdown)"), blank=True)
    workaround_md = models.TextField(_("workaround (Markdown)"), blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("editor"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.article} · r{self.number}"
