"""The wizard's suggestions come from the one ranked search, favouring the customer's ERP system."""

import pytest

from helpdesk.tests.factories import AgentFactory, CustomerFactory, OrganizationFactory
from knowledgebase.models import Visibility
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
