from datetime import timedelta

import pytest
from django.urls import reverse

from core import clock
from helpdesk.tests.factories import AgentFactory, CustomerFactory
from knowledgebase.models import ArticleFeedback, ArticleStatus, Kind, SearchQuery, Visibility

from .factories import CategoryFactory, TrainingSessionFactory, article

pytestmark = pytest.mark.django_db


def test_article_page_shows_breadcrumbs_versions_and_vote_form(client):
    parent = CategoryFactory(name="对接")
    child = CategoryFactory(name="金蝶", parent=parent)
    item = article(title="金蝶科目不存在", category=child, erp_versions="K/3 Cloud 8.1")
    response = client.get(item.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert item.slug in item.get_absolute_url()
    assert "对接" in html and "金蝶" in html and "K/3 Cloud 8.1" in html
    assert reverse("knowledgebase:vote", args=[item.slug]) in html


@pytest.mark.parametrize("visibility", [Visibility.CUSTOMERS, Visibility.AGENTS])
def test_hidden_articles_are_404_for_anonymous_readers(client, visibility):
    item = article(visibility=visibility)
    assert client.get(item.get_absolute_url()).status_code == 404


def test_agents_only_article_is_404_for_customers_but_visible_to_agents(client):
    item = article(visibility=Visibility.AGENTS)
    client.force_login(CustomerFactory())
    assert client.get(item.get_absolute_url()).status_code == 404
    client.force_login(AgentFactory())
    assert client.get(item.get_absolute_url()).status_code == 200


def test_drafts_are_404_except_as_staff_preview(client):
    item = article(status=ArticleStatus.DRAFT)
    assert client.get(item.get_absolute_url() + "?preview=1").status_code == 404
    client.force_login(AgentFactory())
    assert client.get(item.get_absolute_url()).status_code == 404
    assert client.get(item.get_absolute_url() + "?preview=1").status_code == 200


def test_vote_requires_post_and_records_one_vote_per_session(client):
    item = article()
    url = reverse("knowledgebase:vote", args=[item.slug])
    assert client.get(url).status_code == 405
    client.post(url, {"helpful": "yes"})
    response = client.post(url, {"helpful": "no", "comment": "缺少截图"})
    assert response.status_code == 302
    assert list(ArticleFeedback.objects.values_list("helpful", "comment")) == [(False, "缺少截图")]


def test_vote_is_csrf_protected(client):
    from django.test import Client

    item = article()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("knowledgebase:vote", args=[item.slug]), {"helpful": "yes"}).status_code == 403
    assert not ArticleFeedback.objects.exists()


def test_invalid_vote_keeps_the_typed_comment(client):
    item = article()
    response = client.post(reverse("knowledgebase:vote", args=[item.slug]), {"comment": "我写的意见"})
    assert response.status_code == 400
    assert "我写的意见" in response.content.decode()


def test_search_page_lists_highlighted_hits_linking_to_the_article_and_logs_the_query(client):
    item = article(title="凭证生成失败：科目不存在")
    response = client.get(reverse("search"), {"q": "科目"})
    html = response.content.decode()
    assert f'href="{item.get_absolute_url()}"' in html
    assert "<mark>科目</mark>" in html
    assert SearchQuery.objects.get().results == 1


def test_search_page_filters_by_kind(client):
    article(title="凭证常见问题", kind=Kind.FAQ)
    article(title="凭证操作手册")
    html = client.get(reverse("search"), {"q": "凭证", "kind": "faq"}).content.decode()
    assert "操作手册" not in html and "常见问题" in html


def test_search_page_with_bad_input_does_not_fail(client):
    for params in ({"q": "x" * 500}, {"q": "凭证", "page": "abc"}, {"q": "凭证", "kind": "nope"}, {"q": '"'}):
        assert client.get(reverse("search"), params).status_code == 200


def test_search_page_query_count_is_bounded(client, django_assert_max_num_queries):
    for i in range(30):
        article(title=f"凭证问题 {i}")
    with django_assert_max_num_queries(8):
        client.get(reverse("search"), {"q": "凭证"})


def test_suggest_returns_at_most_five_visible_results_as_json(client):
    for i in range(7):
        article(title=f"过账问题 {i}")
    article(title="内部过账手册", visibility=Visibility.AGENTS)
    data = client.get(reverse("knowledgebase:suggest"), {"q": "过账"}).json()
    assert len(data["results"]) == 5
    assert set(data["results"][0]) == {"title", "url", "kind", "kind_label", "snippet"}
    assert all("内部" not in r["title"] for r in data["results"])
    assert not SearchQuery.objects.exists()


def test_suggest_with_empty_query_returns_nothing(client):
    assert client.get(reverse("knowledgebase:suggest")).json() == {"results": []}


@pytest.mark.parametrize(
    "name",
    [
        "knowledgebase:home",
        "knowledgebase:faq",
        "knowledgebase:videos",
        "knowledgebase:whats-new",
        "knowledgebase:known-issues",
        "knowledgebase:training",
    ],  # fmt: skip
)
def test_list_pages_render_with_bounded_queries(client, django_assert_max_num_queries, name):
    from django.core.management import call_command

    call_command("seed_kb", verbosity=0)
    client.force_login(CustomerFactory())
    with django_assert_max_num_queries(12):
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_faq_page_groups_by_category_with_anchors(client):
    category = CategoryFactory(name="常见错误", slug="errors")
    article(title="提示权限不足？", kind=Kind.FAQ, category=category, slug="perm")
    html = client.get(reverse("knowledgebase:faq")).content.decode()
    assert 'id="faq-errors"' in html and 'href="#faq-errors"' in html and 'id="q-perm"' in html


def test_training_sign_up_and_cancel_through_the_pages(client):
    session = TrainingSessionFactory(starts_at=clock.now() + timedelta(days=3), capacity=1)
    user = CustomerFactory()
    client.force_login(user)
    client.post(reverse("knowledgebase:training-signup", args=[session.pk]))
    assert session.signups.filter(user=user).exists()
    client.post(reverse("knowledgebase:training-cancel", args=[session.pk]))
    assert not session.signups.exists()
    assert client.post(reverse("knowledgebase:training-signup", args=[999999])).status_code == 404
