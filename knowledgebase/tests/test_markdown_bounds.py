"""An article body that would take Python-Markdown minutes is refused at once, on the field."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpdesk.tests.factories import AgentFactory
from knowledgebase.models import Article
from knowledgebase.services.articles import create_article

from .factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_the_service_refuses_pathological_markdown_naming_the_field():
    with pytest.raises(ValidationError, match="nested too deeply") as caught:
        create_article(title="括号", body_md="[" * 50_000)
    assert set(caught.value.message_dict) == {"body_md"}
    assert not Article.objects.exists()


def test_an_agent_saving_50000_brackets_gets_a_field_error_fast_and_the_database_stays_writable(client):
    client.force_login(AgentFactory(is_superuser=True))
    category = CategoryFactory()
    started = time.perf_counter()
    response = client.post(
        reverse("admin:knowledgebase_article_add"),
        {
            "title": "括号文章",
            "kind": "article",
            "status": "draft",
            "visibility": "public",
            "category": category.pk,
            "body_md": "[" * 50_000,
        },
    )
    assert time.perf_counter() - started < 2.0
    assert response.status_code == 200
    assert "nested too deeply" in str(response.context["adminform"].form.errors["body_md"])
    # The next write is not blocked by anything the refused request left behind.
    assert create_article(title="下一篇", body_md="正常的正文").pk
