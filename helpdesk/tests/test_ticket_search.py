"""Agents find tickets by any words in them, Chinese included, through the shared index."""

import pytest
from django.core.management import call_command

from helpdesk.search import matching_ticket_ids
from helpdesk.services.conversation import add_internal_note
from helpdesk.services.tickets import merge_tickets
from helpdesk.tests.factories import AgentFactory, CustomerFactory, OrganizationFactory, submit
from search.models import SearchDocument
from search.selectors import search
from search.services import rebuild_fulltext

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return AgentFactory()


def test_words_from_the_description_and_the_conversation_find_the_ticket(
    agent, django_capture_on_commit_callbacks
):
    posting = submit(
        subject="凭证过账失败：期间已结账", details={"symptoms": "总账提示会计期间已结账，无法过账。"}
    )
    other = submit(subject="插件登录失败：提示密码错误", details={"symptoms": "插件登录提示密码错误。"})
    assert matching_ticket_ids(query="期间已结账", user=agent) == [posting.pk]
    # The conversation is re-indexed by a task once the note is committed.
    with django_capture_on_commit_callbacks(execute=True):
        add_internal_note(ticket=other, author=agent, body="客户的证书过期了")
    assert matching_ticket_ids(query="证书", user=agent) == [other.pk]


def test_customers_never_find_tickets_in_any_search():
    ticket = submit(subject="凭证过账失败：期间已结账")
    hits = search(query="凭证过账", user=ticket.requester)
    assert all(hit.doc_type != "ticket" for hit in hits)


def test_the_knowledge_base_search_page_shows_no_tickets_to_agents(client, agent):
    submit(subject="凭证过账失败：期间已结账")
    client.force_login(agent)
    response = client.get("/search/", {"q": "期间已结账"})
    assert "KX-" not in response.content.decode()


def test_admin_search_uses_the_index_and_keeps_references_and_emails(client, agent):
    ticket = submit(subject="红冲凭证没有生成", details={"error_message": "ERR-7781 冲销失败"})
    submit(subject="外币收款单汇率不对")
    client.force_login(agent)
    for term in ["冲销失败", ticket.reference, ticket.requester.email, "ERR-7781"]:
        response = client.get("/admin/helpdesk/ticket/", {"q": term})
        rows = response.context["cl"].result_list
        assert [t.pk for t in rows] == [ticket.pk], term


def test_the_queue_lists_a_text_search_by_relevance_unless_the_agent_sorts(client, agent):
    phrase = submit(subject="收款单报错", details={"symptoms": "客户说凭证生成失败，科目 1122 不存在。"})
    # Newer, with the same words scattered: the index ranks it after the customer's phrase.
    scattered = submit(subject="生成凭证时失败", details={"symptoms": "点击生成凭证后提示失败，重试后正常。"})
    client.force_login(agent)
    response = client.get("/admin/helpdesk/ticket/", {"q": "凭证生成失败"})
    assert [t.pk for t in response.context["cl"].result_list] == [phrase.pk, scattered.pk]
    # Sorted by reference (column 1), the agent's order wins.
    response = client.get("/admin/helpdesk/ticket/", {"q": "凭证生成失败", "o": "-1"})
    assert [t.pk for t in response.context["cl"].result_list] == [scattered.pk, phrase.pk]


def test_a_merged_ticket_leaves_the_index_and_its_words_move_to_the_survivor(
    agent, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(organization=OrganizationFactory())
    target = submit(requester=customer, subject="收款单生成凭证失败")
    source = submit(
        requester=customer, subject="同样的问题", details={"symptoms": "银企直连回单缺失导致凭证未生成"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        add_internal_note(ticket=source, author=agent, body="银企直连接口超时")
        merge_tickets(source=source, target=target, actor=agent)
    assert matching_ticket_ids(query="银企直连", user=agent) == [target.pk]


def test_index_tickets_command_rebuilds_the_entries(agent):
    ticket = submit(subject="科目映射错误：找不到科目 1122")
    SearchDocument.objects.filter(doc_type="ticket").delete()
    rebuild_fulltext()
    assert matching_ticket_ids(query="科目映射", user=agent) == []
    call_command("index_tickets")
    assert matching_ticket_ids(query="科目映射", user=agent) == [ticket.pk]
