"""Fixtures for live chat: a customer, a team of two agents, and websocket clients."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from chat import services
from helpdesk.models import Complexity, SLAPlan
from helpdesk.tests.factories import (
    AgentFactory,
    CategoryFactory,
    CustomerFactory,
    OrganizationFactory,
    TeamFactory,
    plan,
)


@pytest.fixture(scope="session", autouse=True)
def _warm_segmenter():
    # jieba loads its dictionary on first use (seconds on a busy machine): not inside a
    # test's websocket timeout.
    from search.segmenter import words

    words("凭证过账")


@pytest.fixture(autouse=True)
def _async_safety(monkeypatch):
    # The browser tests allow sync database calls from async code process-wide; here a
    # consumer that touches the database outside database_sync_to_async must fail, as it
    # does under daphne.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


@pytest.fixture(autouse=True)
def _fast_chat(settings):
    settings.CHAT_POLL_SECONDS = 0.2
    settings.CHAT_RATE_PER_SECOND = 5
    settings.CHAT_RATE_BURST = 5
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    # SQLite's in-memory test database is shared-cache: a read beside a write fails with
    # "database table is locked" (a file database in WAL mode, as served, lets them overlap).
    from django.db import connection

    settings.CHAT_READS_BESIDE_WRITES = connection.vendor != "sqlite"


@pytest.fixture
def category(transactional_db):
    return CategoryFactory(name="凭证同步", complexity=Complexity.STANDARD)


@pytest.fixture
def team(category):
    # The Urgent plan's calendar is 24×7: the team is open whenever the tests run.
    team = TeamFactory(name="金蝶组", calendar=plan(SLAPlan.Tier.URGENT).calendar, erp_systems=["kingdee"])
    team.categories.add(category)
    return team


@pytest.fixture
def other_team(category):
    return TeamFactory(name="用友组", calendar=plan(SLAPlan.Tier.URGENT).calendar, erp_systems=["yonyou"])


@pytest.fixture
def customer(transactional_db):
    organization = OrganizationFactory(name="华新财务", sla_plan=plan(SLAPlan.Tier.URGENT))
    return CustomerFactory(organization=organization, email="li.na@huaxin.example", full_name="李娜")


@pytest.fixture
def stranger(transactional_db):
    return CustomerFactory(email="someone@else.example")


@pytest.fixture
def agent(team):
    agent = AgentFactory(email="wang@vendor.example", full_name="王工")
    team.members.add(agent)
    services.set_availability(agent=agent, status="available", max_chats=2)
    return agent


@pytest.fixture
def second_agent(team):
    agent = AgentFactory(email="zhao@vendor.example", full_name="赵工")
    team.members.add(agent)
    services.set_availability(agent=agent, status="available", max_chats=2)
    return agent


def _signed_in_cookie(user) -> str:
    from django.db import connection

    try:
        return session_cookie(user)
    finally:
        connection.close()


def session_cookie(user) -> str:
    """A real signed-in session, as the login page would leave it."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def communicator(user=None, *, path="/ws/chat/", origin="http://127.0.0.1:8000") -> WebsocketCommunicator:
    from config.asgi import application

    headers = [(b"origin", origin.encode())] if origin else []
    if user is not None:
        # Called from test bodies running in the event loop: sign in from a worker thread.
        with ThreadPoolExecutor(max_workers=1) as pool:
            cookie = pool.submit(_signed_in_cookie, user).result()
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def receive_until(comm, kind: str, *, timeout: float = 8, where=lambda frame: True) -> dict:
    """The next frame of type `kind` that matches `where`, skipping others."""
    import asyncio

    async def wait():
        while True:
            frame = await comm.receive_json_from(timeout=timeout)
            if frame.get("type") == kind and where(frame):
                return frame

    return await asyncio.wait_for(wait(), timeout=timeout)


async def collect(comm, kind: str, *, seconds: float) -> list[dict]:
    """Every frame of type `kind` that arrives within `seconds`."""
    import asyncio

    frames = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    # Never wait on receive with a timeout here: on timeout the communicator cancels the app.
    while loop.time() < deadline:
        if comm.output_queue.empty():
            await asyncio.sleep(0.05)
            continue
        frame = await comm.receive_json_from()
        if frame.get("type") == kind:
            frames.append(frame)
    return frames
