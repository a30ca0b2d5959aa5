"""Writing articles: save (render + revision + index), publish, unpublish, restore, draft from a ticket."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.clock import resolve_now
from core.markdown import render_markdown
from helpdesk.models import WebhookEvent
from helpdesk.services import integrations
from knowledgebase.models import Article, ArticleRevision, ArticleStatus, Category, Kind, Tag
from search.services import index_document, remove_document

from .releases import schedule_digest

DOC_TYPE = "kb.article"


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title, allow_unicode=True)[:180] or "article"
    slug, n = base, 1
    while Article.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def index_article(*, article: Article) -> None:
    """Put a published article into the search index, or take any other out."""
    if article.status != ArticleStatus.PUBLISHED or article.published_at is None:
        remove_document(doc_type=DOC_TYPE, object_id=article.pk)
        return
    body = " ".join(
        part
        for part in (article.summary, strip_tags(article.body_html), strip_tags(article.workaround_html))
        if part
    )
    index_document(
        doc_type=DOC_TYPE,
        object_id=article.pk,
        title=article.title,
        url=article.get_absolute_url(),
        kind=article.kind,
        kind_label=str(article.get_kind_display()),
        visibility=article.visibility,
        body=body,
        tags=[t.name for t in article.tags.all()],
        published_at=article.published_at,
        # Ranking signals: recently edited and often-helpful articles rank a little higher.
        changed_at=article.updated_at,
        popularity=article.feedback.filter(helpful=True).count() if article.pk else 0,
    )


def _next_revision_number(article: Article) -> int:
    return (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1


def _record_revision(*, article: Article, editor, note: str, now: datetime) -> ArticleRevision:
    return ArticleRevision.objects.create(
        article=article,
        number=_next_revision_number(article),
        title=article.title,
        summary=article.summary,
        body_md=article.body_md,
        workaround_md=article.workaround_md,
        editor=editor if editor is not None and editor.is_authenticated else None,
        note=note[:200],
        created_at=now,
    )


def _body_changed(article: Article) -> bool:
    latest = article.revisions.order_by("-number").first()
    if latest is None:
        return True
    return (latest.title, latest.summary, latest.body_md, latest.workaround_md) != (
        article.title,
        article.summary,
        article.body_md,
        article.workaround_md,
    )


def render_article(article: Article) -> None:
    """Render and sanitise the Markdown (bounded: pathological input raises ValidationError
    on the field). Callers do this before their transaction, so no write lock waits on it."""
    errors = {}
    for source, target in (("body_md", "body_html"), ("workaround_md", "workaround_html")):
        try:
            setattr(article, target, render_markdown(getattr(article, source)))
        except ValidationError as error:
            errors[source] = error.error_list
    if errors:
        raise ValidationError(errors)


def save_article(
    *, article: Article, editor=None, note: str = "", reindex: bool = True, now: datetime | None = None
) -> Article:
    """Validate, render the Markdown, save; a published edit also becomes a revision.

    `reindex=False` is for the admin, which saves many-to-many fields (tags) afterwards and
    calls `index_article` itself.
    """
    render_article(article)
    return _save_rendered(article=article, editor=editor, note=note, reindex=reindex, now=now)


@transaction.atomic
def _save_rendered(*, article: Article, editor, note: str, reindex: bool, now: datetime | None) -> Article:
    now = resolve_now(now)
    announce = _becomes_published(article)
    if not article.slug:
        article.slug = unique_slug(article.title, exclude_pk=article.pk)
    if article.status == ArticleStatus.PUBLISHED and article.published_at is None:
        article.published_at = now
    if article.created_at is None:
        article.created_at = now
    article.updated_at = now
    if article.created_by_id is None and editor is not None and editor.is_authenticated:
        article.created_by = editor
    article.full_clean()
    article.save()
    if article.status == ArticleStatus.PUBLISHED and _body_changed(article):
        _record_revision(article=article, editor=editor, note=note, now=now)
    if reindex:
        index_article(article=article)
    if article.kind == Kind.RELEASE_NOTE and article.status == ArticleStatus.PUBLISHED:
        schedule_digest(now=max(now, article.published_at))
    if announce:
        integrations.emit(WebhookEvent.ARTICLE_PUBLISHED, data={"article": _summary(article)}, now=now)
    return article


def _becomes_published(article: Article) -> bool:
    # Asked only when an integration listens, so an ordinary save costs no extra query.
    if article.status != ArticleStatus.PUBLISHED or not integrations.wants(WebhookEvent.ARTICLE_PUBLISHED):
        return False
    return not Article.objects.filter(pk=article.pk, status=ArticleStatus.PUBLISHED).exists()


def _summary(article: Article) -> dict:
    return {
        "id": article.pk,
        "slug": article.slug,
        "title": article.title,
        "kind": article.kind,
        "visibility": article.visibility,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "url": integrations.public_url(article.get_absolute_url()),
    }


def create_article(
    *,
    title: str,
    body_md: str = "",
    kind: str = Kind.ARTICLE,
    category: Category | None = None,
    slug: str = "",
    status: str = ArticleStatus.DRAFT,
    tags: Iterable[str] = (),
    editor=None,
    now: datetime | None = None,
    **fields,
) -> Article:
    """A new article of any kind; extra model fields (visibility, summary …) pass through."""
    plugin_versions = fields.pop("plugin_versions", ())
    article = Article(
        title=title, body_md=body_md, kind=kind, category=category, slug=slug, status=status, **fields
    )
    render_article(article)
    with transaction.atomic():
        _save_rendered(article=article, editor=editor, note="", reindex=False, now=now)
        set_tags(article=article, names=tags)
        if plugin_versions:
            article.plugin_versions.set(plugin_versions)
        index_article(article=article)
    return article


def set_tags(*, article: Article, names: Iterable[str]) -> None:
    tags = []
    for name in dict.fromkeys(n.strip()[:60] for n in names if n and n.strip()):
        tag, _created = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    article.tags.set(tags)


@transaction.atomic
def publish_article(
    *, article: Article, editor=None, at: datetime | None = None, now: datetime | None = None
) -> Article:
    """Publish now, or at `at` (a future time schedules it: it stays invisible until then)."""
    now = resolve_now(now)
    article.status = ArticleStatus.PUBLISHED
    article.published_at = resolve_now(at) if at is not None else now
    return save_article(article=article, editor=editor, note=_("Published"), now=now)


@transaction.atomic
def unpublish_article(
    *, article: Article, editor=None, archive: bool = False, now: datetime | None = None
) -> Article:
    article.status = ArticleStatus.ARCHIVED if archive else ArticleStatus.DRAFT
    return save_article(article=article, editor=editor, now=now)


@transaction.atomic
def restore_revision(*, revision: ArticleRevision, editor=None, now: datetime | None = None) -> Article:
    """Bring back a revision's text; the restore is itself a new revision when published."""
    article = revision.article
    article.title = revision.title
    article.summary = revision.summary
    article.body_md = revision.body_md
    article.workaround_md = revision.workaround_md
    return save_article(
        article=article, editor=editor, note=_("Restored revision %(n)s") % {"n": revision.number}, now=now
    )


@transaction.atomic
def draft_article_from_ticket(*, ticket, editor=None, now: datetime | None = None) -> Article:
    """A draft whose problem is the ticket's description and whose solution is the last agent reply."""
    from helpdesk.models import Status, TicketMessage

    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError(_("Only a resolved or closed ticket can become an article."))
    reply = (
        ticket.messages.filter(kind=TicketMessage.Kind.PUBLIC_REPLY).order_by("-created_at", "-pk").first()
    )
    if reply is None:
        raise ValidationError(_("The ticket has no agent reply to use as the solution."))
    problem = [ticket.symptoms]
    if ticket.error_message:
        problem.append(f"```\n{ticket.error_message}\n```")
    environment = ", ".join(v for v in (ticket.get_erp_system_display(), ticket.erp_version) if v)
    body = "\n\n".join(
        [
            "## " + _("Problem"),
            *[p for p in problem if p],
            "## " + _("Solution"),
            reply.body,
        ]
    )
    return create_article(
        title=ticket.subject,
        body_md=body,
        kind=Kind.ARTICLE,
        status=ArticleStatus.DRAFT,
        erp_versions=environment[:200],
        source_ticket=ticket,
        editor=editor,
        now=now,
    )
