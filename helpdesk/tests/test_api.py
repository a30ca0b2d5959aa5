"""REST API v1: visibility, creation through the service, replies, schema."""

import pytest
from rest_framework.test import APIClient

from helpdesk.models import Channel, Ticket, TicketMessage
from helpdesk.services.conversation import add_internal_note
from helpdesk.services.tickets import assign_ticket
from helpdesk.tests.factories import GOOD_DETAILS, AgentFactory, CategoryFactory, CustomerFactory, submit

pytestmark = pytest.mark.django_db

API_GOOD = {
    **{k: v for k, v in GOOD_DETAILS.items() if k != "occurred_at"},
    "subject": "金蝶收款单生成凭证失败：科目不存在",
    "long_standing": True,
}


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_customer_lists_only_their_own_tickets(api):
    mine = submit()
    submit()  # someone else's
    api.force_authenticate(mine.requester)
    response = api.get("/api/v1/tickets/")
    assert response.status_code == 200
    assert [t["reference"] for t in response.json()["results"]] == [mine.reference]


def test_other_customers_ticket_is_404(api):
    ticket = submit()
    api.force_authenticate(CustomerFactory())
    assert api.get(f"/api/v1/tickets/{ticket.pk}/").status_code == 404


def test_anonymous_is_refused(api):
    assert api.get("/api/v1/tickets/").status_code in (401, 403)


def test_filter_by_status_and_breach(api):
    agent = AgentFactory()
    ticket = submit()
    Ticket.objects.filter(pk=ticket.pk).update(first_response_breached=True)
    submit()
    api.force_authenticate(agent)
    assert len(api.get("/api/v1/tickets/?breached=true").json()["results"]) == 1
    assert len(api.get("/api/v1/tickets/?status=new").json()["results"]) == 2
    assert len(api.get("/api/v1/tickets/?status=open").json()["results"]) == 0


def test_agent_creates_a_ticket_on_behalf_through_the_service(api):
    agent, customer, category = AgentFactory(), CustomerFactory(), CategoryFactory()
    api.force_authenticate(agent)
    response = api.post(
        "/api/v1/tickets/",
        {
            "requester": customer.email,
            "category": category.slug,
            "subject": "ERP 回写失败：凭证号为空",
            "symptoms": "同步任务日志显示凭证号为空，ERP 中没有生成凭证。",
            "priority": "p2",
            "channel": Channel.PHONE,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert (ticket.requester, ticket.created_by, ticket.channel, ticket.priority) == (
        customer,
        agent,
        "phone",
        "p2",
    )
    assert ticket.events.filter(kind="created").exists()
    assert response.json()["first_response_due_at"]


def test_invalid_input_is_a_400_with_field_errors(api):
    api.force_authenticate(CustomerFactory())
    response = api.post("/api/v1/tickets/", {"category": "nope", "affected_users": "many"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"category", "affected_users"}
    assert response.json()["code"] == "invalid"


def test_a_vague_description_is_a_400_naming_each_missing_field(api):
    category = CategoryFactory()
    api.force_authenticate(CustomerFactory())
    response = api.post(
        "/api/v1/tickets/", {"category": category.slug, "subject": "不行", "symptoms": "不行"}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"subject", "symptoms", "occurred_at", "error_message", "steps_to_reproduce"} <= set(errors)
    assert not Ticket.objects.exists()


def test_a_customer_cannot_choose_the_priority_or_channel(api):
    category = CategoryFactory()
    customer = CustomerFactory()
    api.force_authenticate(customer)
    body = {**API_GOOD, "category": category.slug, "priority": "p1", "channel": "phone"}
    refused = api.post("/api/v1/tickets/", body, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "priority": ["Only agents can set this field."],
        "channel": ["Only agents can set this field."],
    }
    assert not Ticket.objects.exists()
    response = api.post("/api/v1/tickets/", {**API_GOOD, "category": category.slug}, format="json")
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert (ticket.priority, ticket.channel, ticket.requester) == ("p3", "api", customer)


def test_customer_never_sees_internal_notes_and_cannot_write_them(api):
    ticket = submit()
    agent = AgentFactory()
    add_internal_note(ticket=ticket, author=agent, body="secret")
    api.force_authenticate(ticket.requester)
    assert api.get(f"/api/v1/tickets/{ticket.pk}/messages/").json() == []
    refused = api.post(f"/api/v1/tickets/{ticket.pk}/reply/", {"body": "x", "internal": True}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"] == {
        "internal": ["Only agents can set this field."]
    }
    response = api.post(f"/api/v1/tickets/{ticket.pk}/reply/", {"body": "补充：日志见附件"}, format="json")
    assert response.status_code == 201
    assert response.json()["kind"] == TicketMessage.Kind.CUSTOMER_REPLY


def test_agent_reply_through_the_api_stamps_first_response(api):
    ticket = submit()
    agent = AgentFactory()
    api.force_authenticate(agent)
    assert api.post(f"/api/v1/tickets/{ticket.pk}/reply/", {"body": "您好"}, format="json").status_code == 201
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None


# Keyset pages need no COUNT: one query for the page with its joined rows.
AGENT_LIST_QUERIES = 1


@pytest.fixture
def no_throttles(settings):
    """Throttling costs a fixed few cache queries per request; these tests count the N+1 kind."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}


@pytest.mark.parametrize("rows", [1, 5])
def test_ticket_list_query_count_does_not_grow(api, rows, django_assert_num_queries, no_throttles):
    agent = AgentFactory()
    for _ in range(rows):  # each with its own requester, organization, category and assignee
        ticket = submit()
        assign_ticket(ticket=ticket, assignee=AgentFactory(), actor=agent)
    api.force_authenticate(agent)
    api.get("/api/v1/tickets/")  # warm per-process caches

    with django_assert_num_queries(AGENT_LIST_QUERIES):
        response = api.get("/api/v1/tickets/")

    assert response.status_code == 200
    assert len(response.json()["results"]) == rows
    assert len({t["assignee"] for t in response.json()["results"]}) == rows


CUSTOMER_LIST_QUERIES = 1


@pytest.mark.parametrize("rows", [1, 5])
def test_customer_ticket_list_query_count_does_not_grow(api, rows, django_assert_num_queries, no_throttles):
    customer = CustomerFactory()
    for _ in range(rows):  # each filed under its own category
        submit(requester=customer)
    api.force_authenticate(customer)
    api.get("/api/v1/tickets/")  # warm per-process caches

    with django_assert_num_queries(CUSTOMER_LIST_QUERIES):
        response = api.get("/api/v1/tickets/")

    assert response.status_code == 200
    assert len(response.json()["results"]) == rows


def test_openapi_schema_is_served(api):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/tickets/" in response.content


def test_schema_declares_the_nullable_fields_tickets_really_have(api):
    api.force_authenticate(AgentFactory())
    schema = api.get("/api/schema/?format=json").json()
    ticket = schema["components"]["schemas"]["Ticket"]["properties"]
    assert all(ticket[name].get("nullable") for name in ["team", "assignee", "sla_plan", "first_response_at"])


def test_conversation_endpoint_ignores_list_filters_and_matches_its_schema(api):
    ticket = submit()
    agent = AgentFactory()
    add_internal_note(ticket=ticket, author=agent, body="内部")
    api.force_authenticate(agent)
    response = api.get(f"/api/v1/tickets/{ticket.pk}/messages/?status=closed&page=9")
    assert response.status_code == 200
    assert [m["body"] for m in response.json()] == ["内部"]
    schema = api.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/tickets/{id}/messages/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"


@pytest.mark.parametrize("occurred_at", ["1765-08-17T08:00:00Z", "2999-01-01T00:00:00Z"])
def test_api_refuses_a_problem_time_in_the_future_or_long_ago(api, occurred_at):
    customer = CustomerFactory()
    api.force_authenticate(customer)
    response = api.post(
        "/api/v1/tickets/",
        {
            "category": CategoryFactory().slug,
            "subject": "凭证生成失败",
            "symptoms": "同步失败",
            "occurred_at": occurred_at,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "occurred_at" in response.json()["errors"]


def test_api_times_are_utc(api):
    ticket = submit()
    api.force_authenticate(ticket.requester)
    data = api.get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert data["created_at"].endswith("Z")
    assert data["first_response_due_at"].endswith("Z")


def test_an_agent_changes_properties_with_the_version_read_and_a_stale_version_is_a_409(api):
    agent, other = AgentFactory(), AgentFactory(full_name="张伟")
    ticket = submit()
    api.force_authenticate(agent)
    read = api.get(f"/api/v1/tickets/{ticket.pk}/")
    assert read["ETag"] == f'"{read.json()["version"]}"'
    version = read.json()["version"]
    api.force_authenticate(other)
    first = api.patch(f"/api/v1/tickets/{ticket.pk}/", {"priority": "p1", "version": version}, format="json")
    assert first.status_code == 200 and first.json()["priority"] == "p1"

    api.force_authenticate(agent)
    stale = api.patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"status": "pending_customer"},
        format="json",
        headers={"If-Match": version},
    )

    assert stale.status_code == 409
    assert stale.json()["version"] == first.json()["version"]
    assert any("张伟" in line and "P1" in line for line in stale.json()["changes"])
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.status) == ("p1", "new")


def test_changing_properties_needs_a_version_and_an_agent(api):
    ticket = submit()
    api.force_authenticate(ticket.requester)
    assert api.patch(f"/api/v1/tickets/{ticket.pk}/", {"priority": "p1"}, format="json").status_code == 403
    api.force_authenticate(AgentFactory())
    response = api.patch(f"/api/v1/tickets/{ticket.pk}/", {"priority": "p1"}, format="json")
    assert response.status_code == 400 and "version" in response.json()["errors"]
