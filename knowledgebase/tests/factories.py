"""factory_boy factories for knowledge-base models; articles go through the real save service."""

from datetime import UTC, datetime, timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledgebase.models import ArticleStatus, Category, Kind, TrainingSession, Visibility
from knowledgebase.services.articles import create_article
from knowledgebase.services.videos import attach_file, set_embed

from . import media_files

NOW = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"分类 {n}")
    slug = factory.Sequence(lambda n: f"kb-category-{n}")


_slugs = iter(range(1, 10**9))


def article(
    *,
    title: str = "凭证生成失败：科目不存在",
    body_md: str = "在金蝶中生成收款凭证时提示科目不存在。",
    kind: str = Kind.ARTICLE,
    status: str = ArticleStatus.PUBLISHED,
    visibility: str = Visibility.PUBLIC,
    published_at: datetime | None = None,
    now: datetime | None = None,
    slug: str = "",
    **fields,
):
    """A saved, rendered and (when published) indexed article."""
    published_at = published_at or (
        (now or NOW) - timedelta(days=1) if status == ArticleStatus.PUBLISHED else None
    )
    return create_article(
        title=title,
        body_md=body_md,
        kind=kind,
        status=status,
        visibility=visibility,
        published_at=published_at,
        slug=slug or f"article-{next(_slugs)}",
        now=now or NOW,
        **fields,
    )


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    title = factory.Sequence(lambda n: f"培训 {n}：收款凭证插件入门")
    starts_at = factory.LazyFunction(lambda: NOW + timedelta(days=7))
    capacity = 2


def video_article(*, embed: str = "", file=None, poster=None, captions=None, **fields):
    """A published video article with an embed (from a pasted link) or an uploaded file
    (a small WebM unless `file` is given)."""
    item = article(kind=Kind.VIDEO, **fields)
    if embed:
        set_embed(article=item, url=embed)
    else:
        upload = file or SimpleUploadedFile("clip.webm", media_files.webm(), content_type="video/webm")
        attach_file(article=item, file=upload, poster=poster, captions=captions)
    item.refresh_from_db()
    return item
