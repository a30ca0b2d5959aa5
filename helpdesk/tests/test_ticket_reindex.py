"""Re-indexing a ticket's conversation leaves the request: one task per ticket, after commit."""

import pytest
from django.db import transaction

from helpdesk.models import Status, Ticket, TicketMessage
from helpdesk.search import matching_ticket_ids, reindex_ticket_by_id, schedule_reindex
from helpdesk.tests.factories import AgentFactory, submit
from helpdesk.tests.reports.helpers import without_rollups
from search.models import SearchDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return AgentFactory()


def note(ticket: Ticket, body: str) -> TicketMessage:
    """A message written without touching the index, as the services will once they schedule."""
    return TicketMessage.objects.create(
        ticket=ticket, kind=TicketMessage.Kind.INTERNAL_NOTE, body=body, created_at=ticket.created_at
    )


def test_schedule_reindex_indexes_the_conversation_after_commit(agent, django_capture_on_commit_callbacks):
    ticket = submit()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        note(ticket, "银企直连接口超时")
        schedule_reindex(ticket)
        assert matching_ticket_ids(query="银企直连", user=agent) == []  # not inside the request

    assert matching_ticket_ids(query="银企直连", user=agent) == [ticket.pk]


def test_several_messages_in_one_transaction_queue_one_reindex(agent, django_capture_on_commit_callbacks):
    ticket = submit()

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        note(ticket, "客户的证书过期了")
        schedule_reindex(ticket)
        with transaction.atomic():  # a nested service call
            note(ticket, "已续期证书，请重新登录")
            schedule_reindex(ticket)
        schedule_reindex(ticket)

    [reindex] = callbacks
    reindex()
    assert matching_ticket_ids(query="证书过期", user=agent) == [ticket.pk]
    assert matching_ticket_ids(query="重新登录", user=agent) == [ticket.pk]


def test_each_ticket_changed_in_a_transaction_gets_its_own_reindex(agent, django_capture_on_commit_callbacks):
    first, second = submit(), submit()

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        note(first, "汇率折算差异")
        note(second, "汇率折算差异")
        schedule_reindex(first)
        schedule_reindex(second)
        schedule_reindex(first)

    assert len(without_rollups(callbacks)) == 2
    assert sorted(matching_ticket_ids(query="汇率折算", user=agent)) == sorted([first.pk, second.pk])


def test_a_reindex_from_a_rolled_back_savepoint_does_not_hide_a_later_one(
    agent, django_capture_on_commit_callbacks
):
    ticket = submit()

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        with pytest.raises(RuntimeError, match="the note fails"), transaction.atomic():
            schedule_reindex(ticket)
            raise RuntimeError("the note fails")
        note(ticket, "科目映射已修正")
        schedule_reindex(ticket)

    assert len(without_rollups(callbacks)) == 1
    assert matching_ticket_ids(query="科目映射", user=agent) == [ticket.pk]


def test_nothing_is_reindexed_when_the_transaction_rolls_back(agent, django_capture_on_commit_callbacks):
    ticket = submit()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="boom"),
        transaction.atomic(),
    ):
        note(ticket, "红冲凭证没有生成")
        schedule_reindex(ticket)
        raise RuntimeError("boom")

    assert callbacks == []
    assert matching_ticket_ids(query="红冲凭证", user=agent) == []


def test_a_ticket_merged_before_its_reindex_runs_leaves_the_index(agent):
    survivor, merged = submit(), submit()
    Ticket.objects.filter(pk=merged.pk).update(merged_into=survivor, status=Status.CLOSED)

    assert reindex_ticket_by_id(merged.pk) is False

    assert not SearchDocument.objects.filter(doc_type="ticket", object_id=str(merged.pk)).exists()
    assert SearchDocument.objects.filter(doc_type="ticket", object_id=str(survivor.pk)).exists()


def test_a_merged_duplicates_error_code_finds_the_ticket_it_was_merged_into(
    agent, django_capture_on_commit_callbacks
):
    from helpdesk.services.tickets import merge_tickets
    from helpdesk.tests.factories import CustomerFactory

    customer = CustomerFactory()
    survivor = submit(requester=customer, details={"error_message": "凭证保存失败"})
    duplicate = submit(requester=customer, details={"error_message": "ERR-7731：辅助核算项缺失"})
    assert matching_ticket_ids(query="ERR-7731", user=agent) == [duplicate.pk]

    with django_capture_on_commit_callbacks(execute=True):
        merge_tickets(source=duplicate, target=survivor, actor=agent)

    assert matching_ticket_ids(query="ERR-7731", user=agent) == [survivor.pk]


def test_a_reindex_of_a_deleted_ticket_removes_its_document():
    ticket = submit()
    ticket_id = ticket.pk
    Ticket.objects.filter(pk=ticket_id).delete()

    assert reindex_ticket_by_id(ticket_id) is False
    assert not SearchDocument.objects.filter(doc_type="ticket", object_id=str(ticket_id)).exists()
