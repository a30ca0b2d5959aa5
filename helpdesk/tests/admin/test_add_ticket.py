from django.urls import reverse

from helpdesk.models import Ticket, TicketEvent
from helpdesk.tests.factories import AgentFactory, CategoryFactory

ADD = reverse("admin:helpdesk_ticket_add")


def form_data(customer, category, **extra) -> dict:
    return {
        "requester": customer.pk,
        "channel": "phone",
        "category": category.pk,
        "priority": "p2",
        "subject": "电话报障：收款单无法生成凭证",
        "symptoms": "客户来电：点击生成凭证后提示科目不存在，当天收款单都无法过账。",
        "error_message": "ERR-4012: 科目 1122 不存在或已禁用",
        "erp_system": "kingdee",
        "erp_version": "K/3 Cloud 8.1",
        "plugin_version": "3.2.1",
        "form_key": "6f1c1d7e-2f7b-4d35-9a57-1a3f5c0e9b11",
        "_save": "Save",
        **extra,
    }


def test_agent_opens_a_phone_ticket_on_a_customers_behalf(agent_client, agent, customer):
    category = CategoryFactory()

    response = agent_client.post(ADD, form_data(customer, category))

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:helpdesk_ticket_change", args=[ticket.pk])
    assert (ticket.requester, ticket.channel, ticket.created_by, ticket.priority) == (
        customer,
        "phone",
        agent,
        "p2",
    )
    assert ticket.organization == customer.customer_profile.organization
    assert ticket.first_response_due_at is not None
    assert ticket.events.get().kind == TicketEvent.Kind.CREATED


def test_resubmitting_the_add_form_creates_one_ticket(agent_client, customer):
    category = CategoryFactory()

    agent_client.post(ADD, form_data(customer, category))
    agent_client.post(ADD, form_data(customer, category))

    assert Ticket.objects.count() == 1


def test_an_agent_cannot_be_the_requester(agent_client, db):
    category = CategoryFactory()
    colleague = AgentFactory()

    response = agent_client.post(ADD, form_data(colleague, category))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["requester"]
    assert not Ticket.objects.exists()


def test_add_form_offers_only_agent_channels(agent_client, db):
    response = agent_client.get(ADD)

    assert response.status_code == 200
    channels = [value for value, _label in response.context["adminform"].form.fields["channel"].choices]
    assert channels == ["phone", "chat", "email"]


def test_requester_autocomplete_offers_customers_only(agent_client, customer):
    AgentFactory(email="agent-li@vendor.example", full_name="李工")

    response = agent_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "helpdesk", "model_name": "ticket", "field_name": "requester", "term": "李"},
    )

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [str(customer.pk)]
