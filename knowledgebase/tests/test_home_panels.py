"""The home page's knowledge-base panels: popular means read, the reader's language first."""

import pytest
from django.utils import translation

from knowledgebase.models import Article, Kind
from knowledgebase.selectors.home import popular_articles, popular_faqs

from .factories import article

pytestmark = pytest.mark.django_db


def read(item, times: int) -> None:
    Article.objects.filter(pk=item.pk).update(view_count=times)


def test_nothing_is_popular_before_anyone_read_it():
    article(kind=Kind.FAQ)
    article()
    assert popular_faqs(user=None) == [] and popular_articles(user=None) == []


@pytest.mark.parametrize(
    ("language", "order"),
    [
        ("zh-hans", ["怎么红冲？", "如何过账？", "How do I reverse?"]),
        ("en", ["How do I reverse?", "怎么红冲？", "如何过账？"]),
    ],
)
def test_popular_questions_start_with_the_readers_language_most_read_first(language, order):
    for title, views in (("How do I reverse?", 30), ("怎么红冲？", 20), ("如何过账？", 10)):
        read(article(title=title, kind=Kind.FAQ), views)
    with translation.override(language):
        assert [faq.title for faq in popular_faqs(user=None)] == order


def test_the_popular_panels_are_one_query_each(django_assert_num_queries):
    for n in range(12):
        read(article(title=f"凭证问题 {n}", kind=Kind.FAQ), n + 1)
    with django_assert_num_queries(1):
        assert len(popular_faqs(user=None, limit=5)) == 5
