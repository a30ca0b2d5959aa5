"""What the portal home page shows from the knowledge base (bounded, visibility-aware)."""

from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language

from core.bilingual import has_cjk
from knowledgebase.models import Article, Category, Kind

from .articles import visible_articles

# How many of the most-read items are considered before those in the reader's language are
# put first: enough to fill the panel in either language, bounded whatever the KB's size.
POOL_FACTOR = 4


def popular_articles(*, user, limit: int = 5) -> list[Article]:
    """The most-read articles, the reader's language first; none until something was read."""
    return _most_read(
        visible_articles(user=user).exclude(kind__in=[Kind.FAQ, Kind.RELEASE_NOTE]),
        limit=limit,
    )


def popular_faqs(*, user, limit: int = 5) -> list[Article]:
    """The most-read questions, the reader's language first; none until something was read."""
    return _most_read(visible_articles(user=user).filter(kind=Kind.FAQ), limit=limit)


def _most_read(articles: QuerySet[Article], *, limit: int) -> list[Article]:
    pool = list(
        articles.filter(view_count__gt=0)
        .only("title", "slug", "kind", "summary", "view_count")
        .order_by("-view_count", "-published_at")[: limit * POOL_FACTOR]
    )
    chinese = (get_language() or "").startswith("zh")
    # Articles carry no language of their own; a title with Chinese characters is Chinese.
    # sorted() is stable: within each language the most-read order stays.
    return sorted(pool, key=lambda article: has_cjk(article.title) != chinese)[:limit]


def top_categories(*, user, limit: int = 8) -> list[Category]:
    """Top-level categories with `visible_count`: their own and their children's visible articles."""
    # One visibility rule (visible_articles), applied to each relation by id.
    visible = visible_articles(user=user).values("pk")
    categories = Category.objects.filter(parent__isnull=True).annotate(
        own=Count("articles", filter=Q(articles__in=visible), distinct=True),
        nested=Count("children__articles", filter=Q(children__articles__in=visible), distinct=True),
    )
    result = list(categories.order_by("position", "name")[:limit])
    for category in result:
        category.visible_count = category.own + category.nested
    return result
