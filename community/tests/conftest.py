"""Fixtures for the forum tests: a public board, members, an agent, clients."""

import pytest
from django.core.cache import cache

from helpdesk.tests.factories import AgentFactory, CategoryFactory, CustomerFactory

from .factories import make_board, topic, trusted


@pytest.fixture(autouse=True)
def _empty_cache(db):
    # Rate-limit counters live in the shared (database) cache; each test starts clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def board(db):
    return make_board(name="用友 Yonyou", slug="yonyou")


@pytest.fixture
def asker(db):
    return trusted(CustomerFactory(email="sun@qianhai.example", full_name="孙出纳"))


@pytest.fixture
def helper(db):
    return trusted(CustomerFactory(email="liu@huadong.example", full_name="刘财务"))


@pytest.fixture
def newcomer(db):
    return CustomerFactory(email="qian@huadong.example", full_name="钱会计")


@pytest.fixture
def agent(db):
    return AgentFactory(email="chen@vendor.example", full_name="陈工")


@pytest.fixture
def category(db):
    return CategoryFactory(name="过账 Posting")


@pytest.fixture
def question(board, asker):
    return topic(board=board, author=asker)


@pytest.fixture
def asker_client(client, asker):
    client.force_login(asker)
    return client
