"""The knowledge base over the API: only published content the caller may read, and the
shared search."""

import pytest
from rest_framework.test import APIClient

from helpdesk.models import ApiScope
from helpdesk.services.api_keys import create_api_key
from helpdesk.tests.api_world import CALLERS, make_world
from knowledgebase.models import ArticleStatus, Kind, Visibility

from .factories import CategoryFactory, article

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    posting = CategoryFactory(name="过账", slug="posting")
    return {
        "public": article(title="凭证生成失败：科目不存在", slug="missing-account", category=posting),
        "customers": article(title="插件授权续期步骤", slug="licence", visibility=Visibility.CUSTOMERS),
        "agents": article(title="内部排查手册", slug="runbook", visibility=Visibility.AGENTS),
        "draft": article(title="草稿：新版本说明", slug="draft", status=ArticleStatus.DRAFT),
        "faq": article(title="如何红冲已过账的凭证？", slug="reverse", kind=Kind.FAQ),
    }


EXPECTED = {
    "anonymous": {"public", "faq"},
    "customer_a": {"public", "faq", "customers"},
    "customer_b": {"public", "faq", "customers"},
    "org_admin": {"public", "faq", "customers"},
    "agent": {"public", "faq", "customers", "agents"},
    "manager": {"public", "faq", "customers", "agents"},
}


@pytest.mark.parametrize("who", CALLERS)
def test_each_caller_lists_and_reads_only_published_articles_they_may_see(content, who):
    client = make_world().client(who)
    listed = client.get("/api/v1/kb/articles/")
    assert listed.status_code == 200
    assert {row["slug"] for row in listed.json()["results"]} == {content[k].slug for k in EXPECTED[who]}
    for name, item in content.items():
        status = client.get(f"/api/v1/kb/articles/{item.slug}/").status_code
        assert status == (200 if name in EXPECTED[who] else 404), (name, status)


def test_the_kind_endpoints_hold_their_kind_only(content):
    client = APIClient()
    assert [r["slug"] for r in client.get("/api/v1/kb/faq/").json()["results"]] == ["reverse"]
    assert client.get("/api/v1/kb/faq/missing-account/").status_code == 404
    assert client.get("/api/v1/kb/videos/").json()["results"] == []
    body = client.get("/api/v1/kb/articles/missing-account/").json()
    assert "科目不存在" in body["body_html"] and body["category"] == "posting"


def test_articles_filter_by_kind_and_category_and_order_by_the_allow_list_only(content):
    client = APIClient()
    faq = client.get("/api/v1/kb/articles/?kind=faq").json()["results"]
    assert [r["slug"] for r in faq] == ["reverse"]
    posting = client.get("/api/v1/kb/articles/?category=posting").json()["results"]
    assert [r["slug"] for r in posting] == ["missing-account"]
    by_title = client.get("/api/v1/kb/articles/?ordering=title").json()["results"]
    assert [r["title"] for r in by_title] == sorted(r["title"] for r in by_title)
    refused = client.get("/api/v1/kb/articles/?ordering=body_md")
    assert refused.status_code == 400
    assert refused.json()["errors"]["ordering"][0].startswith("Cannot order by body_md.")
    unknown = client.get("/api/v1/kb/articles/?status=draft")
    assert unknown.status_code == 400 and set(unknown.json()["errors"]) == {"status"}


def test_categories_are_listed_by_slug():
    CategoryFactory(name="对接", slug="integration")
    body = APIClient().get("/api/v1/kb/categories/integration/").json()
    assert (body["name"], body["parent"]) == ("对接", None)


def test_search_finds_published_content_the_caller_may_read(content):
    anonymous = APIClient().get("/api/v1/search/", {"q": "科目不存在"}).json()
    assert anonymous["results"] and anonymous["results"][0]["title"] == "凭证生成失败：科目不存在"
    assert anonymous["results"][0]["url"].startswith("http://testserver/")
    assert "<mark>" in anonymous["results"][0]["snippet"]
    runbook = APIClient().get("/api/v1/search/", {"q": "内部排查手册"}).json()
    assert all(hit["title"] != "内部排查手册" for hit in runbook["results"])
    agent = make_world().client("agent").get("/api/v1/search/", {"q": "内部排查手册"}).json()
    assert any(hit["title"] == "内部排查手册" for hit in agent["results"])


def test_search_needs_a_query_and_a_known_kind():
    client = APIClient()
    assert client.get("/api/v1/search/").json()["errors"] == {"q": ["This field is required."]}
    assert set(client.get("/api/v1/search/", {"q": "凭证", "kind": "ticket"}).json()["errors"]) == {"kind"}


def test_a_key_needs_the_kb_scope():
    world = make_world()
    _key, reader = create_api_key(owner=world.customer_a, name="kb", scopes=[ApiScope.KB_READ])
    _key, tickets = create_api_key(owner=world.customer_a, name="t", scopes=[ApiScope.TICKETS_READ])
    assert (
        APIClient(headers={"Authorization": f"Bearer {reader}"}).get("/api/v1/kb/articles/").status_code
        == 200
    )
    assert (
        APIClient(headers={"Authorization": f"Bearer {tickets}"}).get("/api/v1/kb/articles/").status_code
        == 403
    )
