import pytest
from django.urls import reverse

from helpdesk.tests.factories import AgentFactory
from knowledgebase.models import ArticleStatus
from knowledgebase.services.articles import save_article

from .factories import CategoryFactory, article

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client):
    client.force_login(AgentFactory())
    return client


ARTICLE_LIST_QUERIES = 10


@pytest.mark.parametrize("rows", [1, 5])
def test_article_changelist_query_count_is_fixed(agent_client, rows, django_assert_num_queries):
    for i in range(rows):  # each under its own category, itself under its own parent
        article(title=f"凭证 {i}", category=CategoryFactory(parent=CategoryFactory()))
    url = reverse("admin:knowledgebase_article_changelist")
    agent_client.get(url)  # warm per-process caches

    with django_assert_num_queries(ARTICLE_LIST_QUERIES):
        response = agent_client.get(url)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows


def test_revisions_page_shows_a_diff_and_restore_works(agent_client):
    item = article(body_md="旧的步骤")
    item.body_md = "新的步骤"
    save_article(article=item)
    url = reverse("admin:knowledgebase_article_revisions", args=[item.pk])
    html = agent_client.get(url, {"old": 1, "new": 2}).content.decode()
    assert '<span class="diff_chg">旧</span>的步骤' in html
    agent_client.post(reverse("admin:knowledgebase_article_restore", args=[item.pk, 1]))
    item.refresh_from_db()
    assert item.body_md == "旧的步骤"


def test_publish_action_publishes_selected_drafts(agent_client):
    item = article(status=ArticleStatus.DRAFT)
    agent_client.post(
        reverse("admin:knowledgebase_article_changelist"),
        {"action": "publish_selected", "_selected_action": [item.pk]},
    )
    item.refresh_from_db()
    assert item.status == ArticleStatus.PUBLISHED


@pytest.mark.parametrize(
    "name",
    [
        "admin:knowledgebase_article_feedback",
        "admin:knowledgebase_article_from_ticket",
        "admin:knowledgebase_searchquery_changelist",
        "admin:knowledgebase_article_add",
    ],  # fmt: skip
)
def test_editor_pages_render(agent_client, name):
    assert agent_client.get(reverse(name)).status_code == 200


def test_from_ticket_with_unknown_reference_shows_an_error(agent_client):
    response = agent_client.post(reverse("admin:knowledgebase_article_from_ticket"), {"ticket": "KX-999999"})
    assert "KX-999999" in response.content.decode()


def test_ticket_queue_offers_create_article_from_ticket(client):
    from helpdesk.tests.factories import AgentFactory

    agent = AgentFactory()
    client.force_login(agent)
    response = client.get("/admin/helpdesk/ticket/")
    assert "create_article_from_ticket" in response.content.decode()
