"""Scale-out: two daphne processes serving config.asgi on one database and one Redis channel
layer. A customer connected to one process and agents connected to both: messages, typing and
read marks cross processes live, and the queue updates on both.

The processes look at the database only once a minute here, so nothing in these tests can arrive
by the poll: it crosses through the shared layer or not at all (the in-memory control shows
the difference). `make test` runs this under scripts/with-redis.sh; run alone, it starts a
private redis-server itself, and it fails (never skips) when there is none to start.
"""

import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.tests.subprocesses import free_port, start_daphne, wait_for_port

from .conftest import session_cookie

pytestmark = [pytest.mark.scaleout, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
# Long enough that a frame arriving within a test's timeouts was not carried by the process
# watcher's poll (nor by a connection's own refresh, CHAT_REFRESH_SECONDS below).
POLL_SECONDS = "60"
TIMEOUT = 10


@pytest.fixture(scope="session")
def redis_url():
    """The Redis of scripts/with-redis.sh, else a private redis-server for this run."""
    if os.environ.get("KUAIXIANG_REDIS_URL"):
        yield os.environ["KUAIXIANG_REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            "the scale-out tests need redis-server: run them through scripts/with-redis.sh "
            "(it installs Debian's redis-server), or: apt-get install -y redis-server"
        )
    port, workdir = free_port(), tempfile.mkdtemp(prefix="kuaixiang-redis-")
    server = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            workdir,
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, server)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


def _database_url(workdir: Path) -> str:
    """The test database as the server processes can open it: the rows committed so far are
    copied out of SQLite's in-memory test database into a file; PostgreSQL's test database is
    used as it is."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        path = workdir / "db.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return f"sqlite:///{path}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT']}/{db['NAME']}"


@contextmanager
def chat_servers(count: int, *, layer_url: str | None):
    """`count` daphne processes on the test database; `layer_url` None: each has its own
    in-memory layer (the embedded default)."""
    workdir = Path(tempfile.mkdtemp(prefix="kuaixiang-scaleout-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(workdir),
        "KUAIXIANG_VAR_DIR": str(workdir),
        "CHAT_POLL_SECONDS": POLL_SECONDS,
        "CHAT_REFRESH_SECONDS": "600",
    }
    env.pop("CHANNEL_REDIS_URL", None)
    if layer_url:
        env["CHANNEL_REDIS_URL"] = layer_url
    servers = []
    try:
        for n in range(count):
            port = free_port()
            log = workdir / f"daphne-{n}.log"
            servers.append((start_daphne(port, env=env, log=log), port, log))
        yield [f"ws://127.0.0.1:{port}" for _p, port, _l in servers], workdir
    finally:
        for process, _port, _log in servers:
            process.terminate()
        for process, _port, log in servers:
            process.wait(15)
            text = log.read_text()
            assert "Traceback" not in text, text
        shutil.rmtree(workdir, ignore_errors=True)


class Client:
    """A websocket client that keeps every frame, so a test can wait for one of a kind."""

    def __init__(self, url: str, cookie: str):
        self.url, self.cookie, self.frames = url, cookie, []

    async def __aenter__(self):
        import websockets

        self.ws = await websockets.connect(
            self.url,
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={self.cookie}"},
            origin="http://127.0.0.1",
            open_timeout=TIMEOUT,
        )
        self.reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc):
        self.reader.cancel()
        await self.ws.close()

    async def _read(self):
        async for text in self.ws:
            self.frames.append(json.loads(text))

    async def send(self, **frame):
        await self.ws.send(json.dumps(frame))

    async def wait_for(self, kind: str, where=lambda frame: True, *, timeout: float = TIMEOUT) -> dict:
        deadline = asyncio.get_running_loop().time() + timeout
        seen = 0
        while asyncio.get_running_loop().time() < deadline:
            for frame in self.frames[seen:]:
                if frame.get("type") == kind and where(frame):
                    return frame
            seen = len(self.frames)
            await asyncio.sleep(0.02)
        raise AssertionError(f"no {kind!r} frame within {timeout} s; got {self.frames[-5:]}")


def _waiting(frame) -> list[int]:
    return [chat["id"] for chat in frame["waiting"]]


def test_customer_and_agent_on_different_processes_chat_live_over_redis(
    redis_url, customer, category, agent, second_agent
):
    cookies = session_cookie(customer), session_cookie(agent), session_cookie(second_agent)

    async def body(one: str, two: str):
        async with (
            Client(f"{one}/ws/chat/", cookies[0]) as cust,
            Client(f"{two}/ws/chat/agent/", cookies[1]) as far_agent,
            Client(f"{one}/ws/chat/agent/", cookies[2]) as near_agent,
        ):
            for ag in (far_agent, near_agent):
                await ag.send(type="hello", last_ids={})
                await ag.wait_for("queue")
            await cust.send(type="hello")
            await cust.send(type="start", category=category.pk, text="凭证过账失败，提示科目不存在")
            session_id = (await cust.wait_for("state", lambda f: "session" in f))["session"]["id"]
            # The queue updates on both processes.
            for ag in (far_agent, near_agent):
                await ag.wait_for("queue", lambda f: session_id in _waiting(f))
            await far_agent.send(type="accept", session=session_id)
            await cust.wait_for("state", lambda f: f.get("session", {}).get("status") == "active")
            await near_agent.wait_for("queue", lambda f: session_id not in _waiting(f))

            await far_agent.send(type="message", session=session_id, body="您好，我是王工")
            reply = await cust.wait_for(
                "messages", lambda f: any(m["body"] == "您好，我是王工" for m in f["items"])
            )
            await cust.send(type="message", body="科目是 1122")
            await far_agent.wait_for(
                "messages", lambda f: any(m["body"] == "科目是 1122" for m in f["items"])
            )

            await cust.send(type="typing")
            assert (await far_agent.wait_for("typing"))["role"] == "customer"
            await far_agent.send(type="typing", session=session_id)
            assert (await cust.wait_for("typing"))["role"] == "agent"

            read_id = reply["items"][-1]["id"]
            await cust.send(type="read", id=read_id)
            await far_agent.wait_for(
                "state", lambda f: f.get("session", {}).get("customer_read_id", 0) >= read_id
            )
            # Each message reached each connection once.
            bodies = [m["body"] for f in cust.frames if f.get("type") == "messages" for m in f["items"]]
            assert bodies.count("您好，我是王工") == 1 and bodies.count("科目是 1122") == 1

        # A reconnect to the other process replays the transcript from the database.
        async with Client(f"{two}/ws/chat/", cookies[0]) as again:
            await again.send(type="hello", session=session_id, last_id=0)
            replay = await again.wait_for("messages")
            assert [m["body"] for m in replay["items"]] == ["您好，我是王工", "科目是 1122"]

    with chat_servers(2, layer_url=redis_url) as (urls, _workdir):
        asyncio.run(body(*urls))


def test_without_a_shared_layer_a_message_does_not_cross_processes_before_the_poll(customer, category, agent):
    """The control: what the Redis layer carries above is not carried by anything else."""
    from chat import services

    session = services.start_chat(customer=customer, category=category, text="凭证过账失败")
    services.accept_chat(session=session, agent=agent)
    cookies = session_cookie(customer), session_cookie(agent)

    async def body(one: str, two: str):
        async with (
            Client(f"{one}/ws/chat/", cookies[0]) as cust,
            Client(f"{two}/ws/chat/agent/", cookies[1]) as ag,
        ):
            await ag.send(type="hello", last_ids={})
            await ag.wait_for("state", lambda f: f["session"]["id"] == session.pk)  # it holds the chat
            await cust.send(type="hello", session=session.pk, last_id=0)
            await cust.wait_for("state")
            await cust.send(type="message", body="有人吗")
            await cust.wait_for("messages", lambda f: any(m["body"] == "有人吗" for m in f["items"]))
            await asyncio.sleep(3)
            arrived = [m["body"] for f in ag.frames if f.get("type") == "messages" for m in f["items"]]
            assert "有人吗" not in arrived

    with chat_servers(2, layer_url=None) as (urls, _workdir):
        asyncio.run(body(*urls))
