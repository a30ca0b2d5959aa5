"""The wizard's suggestions come from the one ranked search, favouring the customer's ERP system."""

import pytest
from django.urls import reverse
from django.utils import translation

from helpdesk.tests.factories import AgentFactory, CustomerFactory, OrganizationFactory
from knowledgebase.models import ArticleStatus, Kind, SearchQuery, Visibility
from knowledgebase.tests.factories import article
from portal.integrations import suggestions

pytestmark = pytest.mark.django_db


def test_a_typed_summary_gets_the_articles_for_the_customers_erp_system_first():
    article(title="金蝶：附件上传到附件管理", body_md="上传凭证附件。", tags=["金蝶"])
    article(title="用友 U8：附件上传到凭证", body_md="上传凭证附件。", tags=["用友"])
    yonyou = CustomerFactory(organization=OrganizationFactory(default_erp_system="yonyou"))
    kingdee = CustomerFactory(organization=OrganizationFactory(default_erp_system="kingdee"))
    assert suggestions(user=yonyou, query="凭证附件上传不了")[0]["title"] == "用友 U8：附件上传到凭证"
    assert suggestions(user=kingdee, query="凭证附件上传不了")[0]["title"] == "金蝶：附件上传到附件管理"


def test_everyday_phrasing_finds_the_article_and_agents_only_items_stay_hidden():
    article(title="ERR-4090：同步超时", body_md="分批生成后重试。")
    article(title="内部：同步超时的服务器排查", body_md="看 task.log。", visibility=Visibility.AGENTS)
    titles = [s["title"] for s in suggestions(user=CustomerFactory(), query="同步卡住了")]
    assert titles == ["ERR-4090：同步超时"]
    assert len(suggestions(user=AgentFactory(), query="同步卡住了")) == 2


def test_an_everyday_summary_from_a_kingdee_customer_surfaces_kingdee_content():
    article(title="U8 凭证生成失败：应收模块未启用", body_md="启用应收款管理模块。", tags=["用友", "U8"])
    article(title="金蝶：凭证生成失败，提示科目不存在", body_md="检查科目是否启用。", tags=["金蝶", "K3"])
    kingdee = CustomerFactory(organization=OrganizationFactory(default_erp_system="kingdee"))
    titles = [s["title"] for s in suggestions(user=kingdee, query="凭证不行了")]
    assert titles[0] == "金蝶：凭证生成失败，提示科目不存在"


def test_an_english_summary_finds_english_and_chinese_content():
    article(title="凭证生成失败怎么办", body_md="先导出日志。", kind=Kind.FAQ)
    article(
        title="Voucher generation fails", body_md="Export the logs first.", kind=Kind.FAQ, slug="en-fails"
    )
    titles = {s["title"] for s in suggestions(user=CustomerFactory(), query="voucher broken")}
    assert titles == {"凭证生成失败怎么办", "Voucher generation fails"}


def test_drafts_and_agents_only_items_never_reach_the_wizard_through_the_vocabulary():
    article(title="内部：凭证生成失败排查", visibility=Visibility.AGENTS)
    article(title="草稿：凭证生成失败", status=ArticleStatus.DRAFT, slug="draft")
    assert suggestions(user=CustomerFactory(), query="voucher broken") == []


@pytest.mark.parametrize(("language", "badge"), [("en", "FAQ"), ("zh-hans", "常见问题")])
def test_the_badge_follows_the_readers_language_not_the_indexers(language, badge):
    with translation.override("en" if language != "en" else "zh-hans"):  # indexed in the other one
        article(title="凭证生成失败怎么办", body_md="先导出日志。", kind=Kind.FAQ)
    with translation.override(language):
        assert [s["kind_label"] for s in suggestions(user=CustomerFactory(), query="凭证生成失败")] == [badge]


def test_the_summary_is_logged_as_a_search_after_the_response(customer_client, customer, category):
    article(title="凭证同步失败怎么办", kind=Kind.FAQ)
    customer_client.post(reverse("portal:submit"), {"category": category.pk, "subject": "凭证同步失败"})
    customer_client.get(reverse("portal:submit_suggestions"))
    logged = SearchQuery.objects.get()
    assert (logged.query, logged.results, logged.user) == ("凭证同步失败", 1, customer)
