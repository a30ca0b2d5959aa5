"""Customers manage their own API keys on the profile page; the new key is shown once."""

import re

import pytest
from rest_framework.test import APIClient

from helpdesk.models import ApiKey, ApiScope
from helpdesk.services.api_keys import create_api_key
from helpdesk.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

PROFILE = "/account/profile/"


@pytest.fixture
def customer_client(client):
    customer = CustomerFactory()
    client.force_login(customer)
    return client, customer


def test_a_customer_creates_a_key_sees_it_once_and_it_works(customer_client):
    client, customer = customer_client
    response = client.post(f"{PROFILE}api-keys/", {"name": "ERP 同步", "scopes": [ApiScope.TICKETS_READ]})
    assert response.status_code == 200
    plain = re.search(r"kx_[0-9a-f]{8}_[\w-]+", response.content.decode()).group(0)
    key = ApiKey.objects.get(owner=customer)
    assert plain.startswith(f"kx_{key.prefix}_")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert api.get("/api/v1/tickets/").status_code == 200
    page = client.get(PROFILE).content.decode()
    assert "ERP 同步" in page and key.prefix in page and plain not in page


def test_a_key_without_scopes_is_refused_with_a_field_error(customer_client):
    client, _customer = customer_client
    response = client.post(f"{PROFILE}api-keys/", {"name": "ci"})
    assert response.status_code == 200
    assert response.context["key_form"].errors["scopes"]
    assert not ApiKey.objects.exists()


def test_a_customer_revokes_their_key_but_not_someone_elses(customer_client):
    client, customer = customer_client
    mine, _plain = create_api_key(owner=customer, name="mine", scopes=[ApiScope.TICKETS_READ])
    theirs, _plain = create_api_key(owner=CustomerFactory(), name="theirs", scopes=[ApiScope.TICKETS_READ])
    assert client.post(f"{PROFILE}api-keys/{theirs.pk}/revoke/").status_code == 404
    response = client.post(f"{PROFILE}api-keys/{mine.pk}/revoke/")
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert "theirs" not in client.get(PROFILE).content.decode()


def test_the_profile_offers_a_customer_no_reports_scope(customer_client):
    client, _customer = customer_client
    form = client.get(PROFILE).context["key_form"]
    assert "reports:read" not in dict(form.fields["scopes"].choices)
    assert "tickets:read" in dict(form.fields["scopes"].choices)
