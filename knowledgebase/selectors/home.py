"""What the portal home page shows from the knowledge base (bounded, visibility-aware)."""

from django.db.models import Count, Q

from knowledgebase.models import Article, Category, Kind

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
