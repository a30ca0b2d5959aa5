from datetime import date, timedelta

import pytest
from django.urls import reverse

from core import clock
from helpdesk.models import PluginVersion
from helpdesk.tests.factories import AgentFactory, CustomerFactory
from knowledgebase.models import ArticleFeedback, ArticleStatus, IssueStatus, Kind, SearchQuery, Visibility

from .factories import CategoryFactory, TrainingSessionFactory, article, video_article

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


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Choose “Yes” or “No”, then send your feedback."), ("zh-hans", "请选择“是”或“否”，再提交反馈。")],
)
def test_a_vote_without_yes_or_no_says_so_in_the_page_language(client, language, message):
    item = article()
    client.cookies["django_language"] = language
    response = client.post(reverse("knowledgebase:vote", args=[item.slug]), {"comment": "缺少截图"})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "缺少截图" in html
    assert not ArticleFeedback.objects.exists()


def test_the_vote_form_leaves_the_required_check_to_the_server(client):
    # The browser's own "please select" bubble is easy to miss and speaks the browser's language.
    html = client.get(article().get_absolute_url()).content.decode()
    assert "novalidate" in html.split('id="feedback"')[1].split("</form>")[0]


def test_reading_an_article_counts_the_view_in_the_database(client):
    item = article()
    client.get(item.get_absolute_url())
    client.get(item.get_absolute_url())
    item.refresh_from_db()
    assert item.view_count == 2


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


SEARCH_PAGE_QUERIES = 8


@pytest.mark.parametrize("hits", [1, 5])
def test_search_page_query_count_is_fixed(client, hits, django_assert_num_queries):
    for i in range(hits):  # each under its own category, itself under its own parent
        article(title=f"凭证问题 {i}", category=CategoryFactory(parent=CategoryFactory()))
    client.get(reverse("search"), {"q": "凭证"})  # warm per-process caches

    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        response = client.get(reverse("search"), {"q": "凭证"})

    assert response.status_code == 200
    assert response.context["results"].total == hits


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


def _plugin_version(index: int) -> PluginVersion:
    return PluginVersion.objects.create(
        version=f"7.{index}.99", released_on=date(2025, 1, 1) + timedelta(days=index)
    )


def _video(index: int):
    return video_article(
        title=f"视频教程 {index}", embed=f"https://www.bilibili.com/video/BV1xx411c7m{index}"
    )


# What each list page lists, `index`-th of its kind: every item with its own related rows.
LIST_PAGE_ITEMS = {
    "knowledgebase:home": lambda i: article(
        title=f"首页文章 {i}", category=CategoryFactory(parent=CategoryFactory())
    ),
    "knowledgebase:faq": lambda i: article(title=f"常见问题 {i}", kind=Kind.FAQ, category=CategoryFactory()),
    "knowledgebase:videos": _video,
    "knowledgebase:whats-new": lambda i: article(
        title=f"版本说明 {i}", kind=Kind.RELEASE_NOTE, release_version=_plugin_version(i)
    ),
    "knowledgebase:known-issues": lambda i: article(
        title=f"已知问题 {i}",
        kind=Kind.KNOWN_ISSUE,
        issue_status=IssueStatus.FIXED,
        fixed_in=_plugin_version(i),
        plugin_versions=[_plugin_version(100 + i)],
    ),
    "knowledgebase:training": lambda i: TrainingSessionFactory(
        starts_at=clock.now() + timedelta(days=1 + i), recording=_video(i)
    ),
}
LIST_PAGE_QUERIES = {
    "knowledgebase:home": 6,
    "knowledgebase:faq": 5,
    "knowledgebase:videos": 5,
    "knowledgebase:whats-new": 5,
    "knowledgebase:known-issues": 6,
    "knowledgebase:training": 5,
}


@pytest.mark.parametrize("items", [1, 5])
@pytest.mark.parametrize("name", list(LIST_PAGE_ITEMS))
def test_list_pages_render_with_a_fixed_number_of_queries(client, django_assert_num_queries, name, items):
    from django.core.management import call_command

    call_command("seed_kb", verbosity=0)
    made = [LIST_PAGE_ITEMS[name](index) for index in range(items)]
    client.force_login(CustomerFactory())
    client.get(reverse(name))  # warm per-process caches

    with django_assert_num_queries(LIST_PAGE_QUERIES[name]):
        response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert all(item.title in html for item in made)


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


@pytest.mark.parametrize(("language", "badge"), [("en", "FAQ"), ("zh-hans", "常见问题")])
def test_search_badges_follow_the_page_language_whatever_language_indexed_them(client, language, badge):
    from django.utils import translation

    with translation.override("zh-hans" if language == "en" else "en"):
        article(title="凭证常见问题", kind=Kind.FAQ)
    html = client.get(
        reverse("search"), {"q": "凭证"}, headers={"accept-language": language}
    ).content.decode()
    assert f'<span class="badge">{badge}</span>' in html
