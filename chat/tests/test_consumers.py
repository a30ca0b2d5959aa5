"""The websocket side (channels' WebsocketCommunicator against config.asgi.application)."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from chat import services
from chat.consumers import CLOSE_RATE, CLOSE_TOO_BIG, CLOSE_UNAUTHENTICATED
from chat.models import ChatSession
from helpdesk.models import TicketMessage

from .conftest import collect, communicator, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


def run(coro_fn):
    """Run an async test body (no pytest-asyncio here): async_to_sync keeps Django's thread rules."""
    return async_to_sync(coro_fn)()


def _accepted(customer, category, agent, text="凭证过账失败"):
    session = services.start_chat(customer=customer, category=category, text=text)
    return services.accept_chat(session=session, agent=agent)


@pytest.mark.parametrize(
    ("user", "where", "close_code"),
    [
        pytest.param(None, {}, CLOSE_UNAUTHENTICATED, id="nobody-signed-in"),
        # Channels' origin check closes before any consumer runs, with the plain close code.
        pytest.param("customer", {"origin": "https://evil.example"}, 1000, id="another-origin"),
        pytest.param(
            "customer", {"path": "/ws/chat/agent/"}, CLOSE_UNAUTHENTICATED, id="customer-on-agent-endpoint"
        ),
    ],
)
def test_connections_that_may_not_chat_are_refused(request, transactional_db, user, where, close_code):
    user = request.getfixturevalue(user) if user else None

    async def body():
        comm = communicator(user, **where)
        connected, code = await comm.connect()
        assert (connected, code) == (False, close_code)
        await comm.disconnect()

    run(body)


def test_customer_starts_agent_accepts_and_messages_arrive_live_both_ways(customer, category, agent):
    async def body():
        cust, ag = communicator(customer), communicator(agent, path="/ws/chat/agent/")
        assert (await cust.connect())[0] and (await ag.connect())[0]
        await ag.send_json_to({"type": "hello", "last_ids": {}})
        await receive_until(ag, "queue")
        await cust.send_json_to({"type": "start", "category": category.pk, "text": "凭证过账失败"})
        state = await receive_until(cust, "state", where=lambda f: "session" in f)
        session_id = state["session"]["id"]
        assert state["availability"]["place"] == 1
        queue = await receive_until(ag, "queue", where=lambda f: f["waiting"])
        assert queue["waiting"][0]["customer"] == "李娜"
        assert queue["waiting"][0]["organization"] == "华新财务"
        await ag.send_json_to({"type": "accept", "session": session_id})
        await receive_until(cust, "state", where=lambda f: f.get("session", {}).get("status") == "active")
        await ag.send_json_to({"type": "message", "session": session_id, "body": "您好，我是王工"})
        got = await receive_until(cust, "messages")
        assert [m["body"] for m in got["items"]] == ["您好，我是王工"]
        # Written through the conversation service before it was pushed.
        assert await database_sync_to_async(
            TicketMessage.objects.filter(pk=got["items"][0]["id"], kind="public_reply").exists
        )()
        await cust.send_json_to({"type": "typing"})
        assert (await receive_until(ag, "typing"))["role"] == "customer"
        await cust.send_json_to({"type": "message", "body": "报错 E1024"})
        got = await receive_until(
            ag, "messages", where=lambda f: any(m["body"] == "报错 E1024" for m in f["items"])
        )
        await ag.send_json_to({"type": "read", "session": session_id, "id": got["items"][-1]["id"]})
        read = await receive_until(
            cust, "state", where=lambda f: f["session"]["agent_read_id"] == got["items"][-1]["id"]
        )
        assert read
        await cust.disconnect()
        await ag.disconnect()

    run(body)


def test_reconnecting_replays_what_was_missed_without_loss_or_duplicates(customer, category, agent):
    session = _accepted(customer, category, agent)
    first = services.post_message(session=session, author=agent, body="第一条")

    async def body():
        cust = communicator(customer)
        await cust.connect()
        await cust.send_json_to({"type": "hello", "session": session.pk, "last_id": 0})
        got = await receive_until(cust, "messages")
        assert [m["id"] for m in got["items"]] == [first.pk]
        await cust.disconnect()
        # While the customer is away, two more messages are written.
        second = await database_sync_to_async(services.post_message)(
            session=session, author=agent, body="第二条"
        )
        third = await database_sync_to_async(services.post_message)(
            session=session, author=agent, body="第三条"
        )
        again = communicator(customer)
        await again.connect()
        await again.send_json_to({"type": "hello", "session": session.pk, "last_id": first.pk})
        frames = await collect(again, "messages", seconds=1.0)  # several catch-up polls
        ids = [m["id"] for frame in frames for m in frame["items"]]
        assert ids == [second.pk, third.pk]
        await again.disconnect()

    run(body)


def test_a_message_written_by_another_process_arrives_through_the_process_watcher(customer, category, agent):
    session = _accepted(customer, category, agent)

    async def body():
        cust = communicator(customer)
        await cust.connect()
        await cust.send_json_to({"type": "hello", "session": session.pk, "last_id": 0})
        await receive_until(cust, "state", where=lambda f: "session" in f)
        # Written straight to the database, with no nudge on this process's channel layer.
        ticket = await database_sync_to_async(lambda: ChatSession.objects.get(pk=session.pk).ticket)()
        message = await database_sync_to_async(TicketMessage.objects.create)(
            ticket=ticket,
            kind="public_reply",
            author=agent,
            body="另一个进程写的",
            channel="chat",
            created_at=ticket.created_at,
        )
        got = await receive_until(cust, "messages", timeout=2)
        assert [m["id"] for m in got["items"]] == [message.pk]
        await cust.disconnect()

    run(body)


def test_another_customer_cannot_join_or_read_a_chat(customer, stranger, category, agent):
    session = _accepted(customer, category, agent)
    services.post_message(session=session, author=agent, body="只给李娜看")

    async def body():
        comm = communicator(stranger)
        await comm.connect()
        await comm.send_json_to({"type": "hello", "session": session.pk, "last_id": 0})
        error = await receive_until(comm, "error")
        assert error["code"] == "refused"
        await comm.send_json_to({"type": "message", "body": "我能发吗"})
        assert (await receive_until(comm, "error"))["code"] == "refused"
        frames = await collect(comm, "messages", seconds=0.6)
        assert frames == []
        await comm.disconnect()

    run(body)
    assert not TicketMessage.objects.filter(body="我能发吗").exists()


def test_customers_never_receive_internal_notes(customer, category, agent):
    session = _accepted(customer, category, agent)
    services.post_message(session=session, author=agent, body="内部备注", internal=True)
    public = services.post_message(session=session, author=agent, body="公开回复")

    async def body():
        comm = communicator(customer)
        await comm.connect()
        await comm.send_json_to({"type": "hello", "session": session.pk, "last_id": 0})
        got = await receive_until(comm, "messages")
        assert [m["id"] for m in got["items"]] == [public.pk]
        await comm.disconnect()

    run(body)


def test_too_many_frames_are_refused_then_the_connection_is_closed(customer, category, agent, settings):
    settings.CHAT_RATE_PER_SECOND = 0.01
    settings.CHAT_RATE_BURST = 3

    async def body():
        comm = communicator(customer)
        await comm.connect()
        for _ in range(3):
            await comm.send_json_to({"type": "ping"})
            assert await receive_until(comm, "pong")
        await comm.send_json_to({"type": "ping"})
        assert (await receive_until(comm, "error"))["code"] == "rate"
        for _ in range(3):
            await comm.send_json_to({"type": "ping"})
        output = None
        for _ in range(10):
            output = await comm.receive_output(timeout=1)
            if output["type"] == "websocket.close":
                break
        assert output == {"type": "websocket.close", "code": CLOSE_RATE}

    run(body)


def test_an_oversized_frame_closes_the_connection_and_stores_nothing(customer, category, agent, settings):
    session = _accepted(customer, category, agent)

    async def body():
        comm = communicator(customer)
        await comm.connect()
        await comm.send_json_to({"type": "hello", "session": session.pk, "last_id": 0})
        await comm.send_json_to({"type": "message", "body": "长" * settings.CHAT_MAX_FRAME_BYTES})
        output = None
        for _ in range(10):
            output = await comm.receive_output(timeout=1)
            if output["type"] == "websocket.close":
                break
        assert output == {"type": "websocket.close", "code": CLOSE_TOO_BIG}

    run(body)
    assert not TicketMessage.objects.filter(ticket=session.ticket, kind="customer_reply").exists()


def test_an_idle_connection_is_closed(customer, settings):
    settings.CHAT_IDLE_SECONDS = 0.3

    async def body():
        comm = communicator(customer)
        await comm.connect()
        output = None
        for _ in range(20):
            output = await comm.receive_output(timeout=1)
            if output["type"] == "websocket.close":
                break
        assert output["type"] == "websocket.close" and output["code"] == 4408

    run(body)


def test_a_signed_out_user_is_disconnected_at_their_next_frame(customer):
    async def body():
        from django.contrib.sessions.models import Session

        comm = communicator(customer)
        await comm.connect()
        await database_sync_to_async(Session.objects.all().delete)()
        await comm.send_json_to({"type": "ping"})
        output = None
        for _ in range(10):
            output = await comm.receive_output(timeout=1)
            if output["type"] == "websocket.close":
                break
        assert output == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}

    run(body)
