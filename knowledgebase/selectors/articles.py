"""Reading published content, always through the reader's visibility."""

from collections import OrderedDict
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from core.clock import resolve_now
from core.translated import localized
from helpdesk.models import PluginVersion
from knowledgebase.models import Article, ArticleStatus, Category, Kind, Video, visibilities_for


def visible_articles(*, user, now: datetime | None = None) -> QuerySet[Article]:
    return Article.objects.live(now=resolve_now(now)).visible_to(visibilities_for(user))


def access_article(*, user, slug: str, preview: bool = False, now: datetime | None = None) -> Article:
    """The article a reader may see, or 404 (never 403: a hidden article does not exist).

    `preview` lets staff see drafts and scheduled articles, as editors do from the admin.
    """
    qs = Article.objects.all() if preview and user.is_staff else visible_articles(user=user, now=now)
    qs = qs.select_related("category", "release_version", "fixed_in", "video").prefetch_related(
        "tags", "plugin_versions"
    )
    try:
        return qs.get(slug=slug)
    except Article.DoesNotExist:
        raise Http404 from None


def related_articles(*, article: Article, user, now: datetime | None = None) -> list[Article]:
    return list(
        visible_articles(user=user, now=now)
        .filter(related=article)
        .exclude(pk=article.pk)
        .only("title", "slug", "kind")[:8]
    )


def category_tree() -> list[Category]:
    """All categories with `children` attached in one query (the tree is small)."""
    nodes = list(Category.objects.all())
    by_parent: dict[int | None, list[Category]] = {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)
    for node in nodes:
        node.child_nodes = by_parent.get(node.pk, [])
    return by_parent.get(None, [])


def access_category(*, slug: str) -> Category:
    try:
        return Category.objects.select_related("parent__parent__parent").get(slug=slug)
    except Category.DoesNotExist:
        raise Http404 from None


def category_articles(*, category: Category, user, now: datetime | None = None) -> list[Article]:
    return list(
        visible_articles(user=user, now=now)
        .filter(category=category)
        .only("title", "slug", "kind", "summary", "published_at", "updated_at", "category_id")
        .order_by("kind", "title")
    )


def home_sections(*, user, per_category: int = 6, now: datetime | None = None) -> list[Category]:
    """Top-level categories, each with its latest visible articles (its own and its children's)."""
    tree = category_tree()
    ids_by_root: dict[int, set[int]] = {}

    def collect(node: Category, root: Category) -> None:
        ids_by_root.setdefault(root.pk, set()).add(node.pk)
        for child in node.child_nodes:
            collect(child, root)

    for root in tree:
        collect(root, root)
    root_of = {cid: rid for rid, ids in ids_by_root.items() for cid in ids}
    articles = (
        visible_articles(user=user, now=now)
        .exclude(kind__in=[Kind.RELEASE_NOTE])
        .only("title", "slug", "kind", "category_id", "view_count")
        .order_by("-view_count", "title")
    )
    for root in tree:
        root.top_articles = []
        root.article_count = 0
    roots = {r.pk: r for r in tree}
    for article in articles:
        root = roots.get(root_of.get(article.category_id))
        if root is None:
            continue
        root.article_count += 1
        if len(root.top_articles) < per_category:
            root.top_articles.append(article)
    return tree


def faq_by_category(*, user, now: datetime | None = None) -> "OrderedDict[Category | None, list[Article]]":
    groups: OrderedDict[Category | None, list[Article]] = OrderedDict()
    faqs = (
        visible_articles(user=user, now=now)
        .filter(kind=Kind.FAQ)
        .select_related("category")
        .order_by("category__position", localized("category__name"), "title")
    )
    for faq in faqs:
        groups.setdefault(faq.category, []).append(faq)
    return groups


def videos(*, user, now: datetime | None = None) -> QuerySet[Article]:
    return (
        visible_articles(user=user, now=now)
        .filter(kind=Kind.VIDEO)
        .select_related("video")
        .order_by("-published_at")
    )


def access_video(*, user, slug: str, preview: bool = False) -> Video:
    """The media of a video article the reader may see, or 404."""
    item = access_article(user=user, slug=slug, preview=preview)
    video = getattr(item, "video", None) if item.kind == Kind.VIDEO else None
    if video is None:
        raise Http404
    return video


def release_notes(*, user, now: datetime | None = None) -> QuerySet[Article]:
    """Release notes newest version first (by release date of the plugin version)."""
    return (
        visible_articles(user=user, now=now)
        .filter(kind=Kind.RELEASE_NOTE)
        .select_related("release_version")
        .order_by("-release_version__released_on", "-published_at")
    )


def known_issues(*, user, status: str = "", now: datetime | None = None) -> QuerySet[Article]:
    qs = (
        visible_articles(user=user, now=now)
        .filter(kind=Kind.KNOWN_ISSUE)
        .select_related("fixed_in")
        .prefetch_related(Prefetch("plugin_versions", queryset=PluginVersion.objects.order_by("released_on")))
        .order_by("issue_status", "-published_at")
    )
    if status:
        qs = qs.filter(issue_status=status)
    return qs


def feedback_summary() -> QuerySet[Article]:
    """Articles annotated with helpful / not-helpful counts, lowest rated first (admin)."""
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED)
        .annotate(
            helpful_yes=Count("feedback", filter=Q(feedback__helpful=True)),
            helpful_no=Count("feedback", filter=Q(feedback__helpful=False)),
        )
        .filter(Q(helpful_yes__gt=0) | Q(helpful_no__gt=0))
        .order_by("-helpful_no", "helpful_yes")
    )
