"""Publishing an article reaches the endpoints that subscribe to article.published, once."""

import json

import pytest

from helpdesk.models import OutboundRequest, WebhookEvent
from helpdesk.services import webhooks
from knowledgebase.models import ArticleStatus
from knowledgebase.services.articles import create_article, publish_article, save_article

pytestmark = pytest.mark.django_db


def test_an_article_is_announced_when_it_is_published_and_not_on_later_edits():
    webhooks.create_endpoint(
        name="CRM", url="http://127.0.0.1:18039/", events=[WebhookEvent.ARTICLE_PUBLISHED], actor=None
    )
    article = create_article(title="金蝶凭证科目不存在怎么办", body_md="检查科目 1122。")
    assert not OutboundRequest.objects.exists()  # a draft is nobody's news
    publish_article(article=article)
    article.body_md = "检查科目 1122 是否被禁用。"
    save_article(article=article)
    row = OutboundRequest.objects.get()
    payload = json.loads(row.body)
    assert payload["type"] == "article.published"
    assert payload["data"]["article"]["slug"] == article.slug
    assert payload["data"]["article"]["url"].endswith(article.get_absolute_url())


def test_an_article_created_published_is_announced_once():
    webhooks.create_endpoint(
        name="CRM", url="http://127.0.0.1:18039/", events=[WebhookEvent.ARTICLE_PUBLISHED], actor=None
    )
    create_article(title="用友 U8 红冲", body_md="步骤……", status=ArticleStatus.PUBLISHED)
    assert OutboundRequest.objects.filter(event="article.published").count() == 1
