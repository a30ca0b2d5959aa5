"""Hostile API bodies get a 400 or 413 in the API's error shape, never a 500, and save nothing."""

import pytest
from rest_framework.test import APIClient

from helpdesk.api.parsers import check_json_shape
from helpdesk.models import Ticket, TicketMessage
from helpdesk.tests.factories import CategoryFactory, CustomerFactory, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_api():
    client = APIClient()
    customer = CustomerFactory()
    client.force_authenticate(customer)
    return client, customer


def post_raw(client, url, body: str):
    return client.post(url, data=body, content_type="application/json")


def test_a_body_nested_100000_deep_is_a_400_on_ticket_creation(customer_api):
    client, _ = customer_api
    response = post_raw(client, "/api/v1/tickets/", "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
    assert not Ticket.objects.exists()


def test_a_body_nested_100000_deep_is_a_400_on_the_reply_endpoint(customer_api):
    client, customer = customer_api
    ticket = submit(requester=customer)
    response = post_raw(client, f"/api/v1/tickets/{ticket.pk}/reply/", '{"body": ' + "[" * 100_000 + "}")
    assert response.status_code == 400
    assert not TicketMessage.objects.filter(ticket=ticket).exists()


def test_too_many_items_and_too_large_bodies_are_refused(customer_api, settings):
    client, _ = customer_api
    many = "[" + ",".join(["1"] * 20_000) + "]"
    assert post_raw(client, "/api/v1/tickets/", many).status_code == 400
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_raw(client, "/api/v1/tickets/", '{"subject": "' + "x" * 2000 + '"}')
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_malformed_json_and_nan_are_400(customer_api):
    client, _ = customer_api
    assert post_raw(client, "/api/v1/tickets/", '{"subject": ').status_code == 400
    assert post_raw(client, "/api/v1/tickets/", '{"affected_users": NaN}').status_code == 400


def test_brackets_inside_strings_do_not_count_as_nesting():
    check_json_shape('{"error_message": "' + "[" * 500 + '"}', max_depth=4, max_items=10)


def test_an_ordinary_request_still_parses(customer_api):
    client, _ = customer_api
    category = CategoryFactory()
    response = client.post("/api/v1/tickets/", {"category": category.slug, "subject": "不行"}, format="json")
    assert response.status_code == 400 and "symptoms" in response.json()["errors"]
