"""The portal home page's knowledge-base panels count only what the reader may open."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from helpdesk.tests.factories import AgentFactory
from knowledgebase.models import ArticleStatus, Visibility
from knowledgebase.selectors.home import top_categories
from knowledgebase.tests.factories import CategoryFactory, article

pytestmark = pytest.mark.django_db


def test_top_categories_count_the_visible_articles_of_the_category_and_its_children():
    top = CategoryFactory(position=0)
    child = CategoryFactory(parent=top)
    article(category=top)
    article(category=child)
    article(category=child, visibility=Visibility.AGENTS)
    article(category=top, status=ArticleStatus.DRAFT)
    article(category=top, published_at=datetime(2999, 1, 1, tzinfo=UTC))  # scheduled, not out yet
    CategoryFactory(position=1)  # empty

    for_visitors = {c.pk: c.visible_count for c in top_categories(user=AnonymousUser())}
    for_agents = {c.pk: c.visible_count for c in top_categories(user=AgentFactory())}

    assert for_visitors[top.pk] == 2
    assert for_agents[top.pk] == 3
    assert child.pk not in for_visitors  # children are counted in, not listed
