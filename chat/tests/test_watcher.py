"""The process's database watcher (chat.consumers.watcher): what it reads and whom it names."""

import pytest

from chat import events, services
from chat.consumers.watcher import Watcher

pytestmark = pytest.mark.django_db


def _looked(watcher: Watcher) -> Watcher:
    watcher.changed_groups()  # the starting point names nothing
    return watcher


def test_the_first_look_names_nothing(customer, category, agent):
    services.start_chat(customer=customer, category=category, text="凭证过账失败")
    assert Watcher().changed_groups() == set()


def test_a_message_written_anywhere_names_its_chat_and_nothing_else(customer, category, agent):
    session = services.accept_chat(
        session=services.start_chat(customer=customer, category=category, text="凭证过账失败"), agent=agent
    )
    watcher = _looked(Watcher())
    services.post_message(session=session, author=agent, body="您好")
    # The writer's own read mark moved too: still only this chat.
    assert watcher.changed_groups() == {events.session_group(session.pk)}
    assert watcher.changed_groups() == set()


def test_a_new_waiting_chat_moves_the_queue_and_every_waiting_customer(customer, category, agent):
    first = services.start_chat(customer=customer, category=category, text="凭证过账失败")
    watcher = _looked(Watcher())
    from helpdesk.tests.factories import CustomerFactory

    other = CustomerFactory(organization=customer.customer_profile.organization)
    second = services.start_chat(customer=other, category=category, text="科目不存在")
    assert watcher.changed_groups() == {
        events.QUEUE_GROUP,
        events.LOBBY_GROUP,
        events.session_group(first.pk),
        events.session_group(second.pk),
    }


def test_an_agent_going_away_moves_the_queue_and_the_lobby(agent):
    watcher = _looked(Watcher())
    services.set_availability(agent=agent, status="away")
    assert watcher.changed_groups() == {events.QUEUE_GROUP, events.LOBBY_GROUP}


def test_a_look_costs_three_queries_whatever_the_number_of_chats(
    customer, category, agent, second_agent, django_assert_num_queries
):
    from helpdesk.tests.factories import CustomerFactory

    organization = customer.customer_profile.organization
    for n in range(4):
        chat = services.start_chat(
            customer=CustomerFactory(organization=organization), category=category, text=f"问题 {n}"
        )
        if n % 2:
            services.accept_chat(session=chat, agent=(agent, second_agent)[n // 2 % 2])
    watcher = _looked(Watcher())
    with django_assert_num_queries(3):
        watcher.changed_groups()


def test_a_poke_for_what_the_connection_already_sent_reads_nothing_again():
    from asgiref.sync import async_to_sync

    from chat.consumers import AgentChatConsumer

    row = ("active", 1, 2, 40, 41, 12)
    consumer = AgentChatConsumer()
    consumer.sent, consumer.rows = {7: 41}, {7: row}
    read = []

    async def catch_up_session(session_id):
        read.append(session_id)

    consumer.catch_up_session = catch_up_session
    poke = async_to_sync(consumer.poke)
    poke(events.session_group(7), (41, row))  # the writer's nudge got there first
    assert read == []
    poke(events.session_group(7), (42, row))  # a message this connection has not sent
    poke(events.session_group(7), (41, ("active", 1, 2, 41, 41, 12)))  # a read mark moved
    poke(events.session_group(7), None)  # a place in the queue moved
    assert read == [7, 7, 7]
