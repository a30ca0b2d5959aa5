"""Fixtures for the portal tests: a customer with an organization, a category, versions."""

from datetime import date

import pytest

from helpdesk.models import Complexity, PluginVersion
from helpdesk.tests.factories import CategoryFactory, CustomerFactory, OrganizationFactory, TeamFactory


@pytest.fixture
def org(db):
    return OrganizationFactory(email_domains="huaxin.example")


@pytest.fixture
def customer(org):
    return CustomerFactory(organization=org, email="li.na@huaxin.example")


@pytest.fixture
def category(db):
    return CategoryFactory(name="凭证同步", complexity=Complexity.STANDARD)


@pytest.fixture
def complex_category(db):
    return CategoryFactory(name="ERP 深度集成", complexity=Complexity.COMPLEX)


@pytest.fixture
def versions(db):
    PluginVersion.objects.create(version="3.2.1", released_on=date(2025, 9, 1))
    PluginVersion.objects.create(version="2.9.0", released_on=date(2024, 3, 1), is_supported=False)


@pytest.fixture
def team(db, category):
    team = TeamFactory(name="金蝶组")
    team.categories.add(category)
    return team


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer)
    return client
