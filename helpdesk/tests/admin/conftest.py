"""Fixtures for the agent workspace tests."""

import pytest

from helpdesk.tests.factories import AgentFactory, CustomerFactory, OrganizationFactory, submit


@pytest.fixture
def agent(db):
    return AgentFactory(full_name="王敏")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="华东物流有限公司")


@pytest.fixture
def customer(organization):
    return CustomerFactory(organization=organization, full_name="李娜")


@pytest.fixture
def ticket(customer):
    return submit(requester=customer)
