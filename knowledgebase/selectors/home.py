"""What the portal home page shows from the knowledge base (bounded, visibility-aware)."""

from django.db.models import Count, Q

from core.clock import resolve_now
from knowledgebase.models import Article, ArticleStatus, Category, Kind, visibilities_for

from .articles import visible_articles


def popular_articles(*, user, limit: int = 5) -> list[Article]:
    return list(
        visible_articles(user=user)
        .exclude(kind__in=[Kind.FAQ, Kind.RELEASE_NOTE])
        .only("title", "slug", "kind", "summary", "view_count")
        .order_by("-view_count", "-published_at")[:limit]
    )


def popular_faqs(*, user, limit: int = 5) -> list[Article]:
    return list(
        visible_articles(user=user)
        .filter(kind=Kind.FAQ)
        .only("title", "slug", "kind", "summary", "view_count")
        .order_by("-view_count", "-published_at")[:limit]
    )


def _visible(prefix: str, *, user, now) -> Q:
    return Q(
        **{
            f"{prefix}status": ArticleStatus.PUBLISHED,
            f"{prefix}published_at__lte": now,
            f"{prefix}visibility__in": visibilities_for(user),
        }
    )


def top_categories(*, user, limit: int = 8) -> list[Category]:
    """Top-level categories with `visible_count`: their own and their children's visible articles."""
    now = resolve_now(None)
    categories = Category.objects.filter(parent__isnull=True).annotate(
        own=Count("articles", filter=_visible("articles__", user=user, now=now), distinct=True),
        nested=Count(
            "children__articles", filter=_visible("children__articles__", user=user, now=now), distinct=True
        ),
    )
    result = list(categories.order_by("position", "name")[:limit])
    for category in result:
        category.visible_count = category.own + category.nested
    return result
