"""A ticket accepted although vague (phone, mail, forum): the requester completes it."""

import pytest
from django.urls import reverse

from helpdesk.models import OutboundEmail, TicketEvent, TicketMessage
from helpdesk.tests.factories import AgentFactory, submit

from .helpers import GOOD_POST, local_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def vague_phone_ticket(customer, category, versions):
    return submit(
        requester=customer,
        category=category,
        channel="phone",
        created_by=AgentFactory(),
        subject="电话：金蝶凭证生成失败",
        details={"symptoms": "不行", "error_message": "", "steps_to_reproduce": ""},
    )


def complete_url(ticket) -> str:
    return reverse("portal:ticket_complete", args=[ticket.reference])


def test_the_requester_is_asked_by_mail_with_a_link_to_the_form(vague_phone_ticket, customer):
    mail = OutboundEmail.objects.get(ticket=vague_phone_ticket, kind="details_needed")
    assert mail.to == [customer.email]
    assert complete_url(vague_phone_ticket) in mail.body
    assert "does not tell us what happened" in mail.body


def test_the_ticket_page_offers_to_complete_it_and_the_form_starts_from_what_was_said(
    customer_client, vague_phone_ticket
):
    page = customer_client.get(vague_phone_ticket.get_absolute_url())
    assert page.status_code == 200
    assert complete_url(vague_phone_ticket) in page.content.decode()

    form_page = customer_client.get(complete_url(vague_phone_ticket))
    assert form_page.status_code == 200
    form = form_page.context["form"]
    assert form["subject"].value() == "电话：金蝶凭证生成失败"
    assert form["symptoms"].value() == "不行"
    assert form["erp_version"].value() == "K/3 Cloud 8.1"


def test_a_still_vague_completion_is_refused_and_changes_nothing(customer_client, vague_phone_ticket):
    response = customer_client.post(
        complete_url(vague_phone_ticket),
        {**GOOD_POST, "symptoms": "还是不行", "occurred_at": local_input(hours_ago=1)},
    )
    assert response.status_code == 200
    assert "symptoms" in response.context["form"].errors
    vague_phone_ticket.refresh_from_db()
    assert vague_phone_ticket.needs_details is True
    assert vague_phone_ticket.symptoms == "不行"


def test_a_good_completion_updates_the_description_clears_the_flag_and_enters_the_conversation(
    customer_client, customer, vague_phone_ticket
):
    response = customer_client.post(
        complete_url(vague_phone_ticket), {**GOOD_POST, "occurred_at": local_input(hours_ago=1)}
    )
    assert response.status_code == 302
    ticket = vague_phone_ticket
    ticket.refresh_from_db()
    assert ticket.needs_details is False
    assert ticket.symptoms == GOOD_POST["symptoms"]
    assert ticket.quality_score >= 80
    message = ticket.messages.get()
    assert (message.kind, message.author) == (TicketMessage.Kind.CUSTOMER_REPLY, customer)
    assert "what happened" in message.body
    assert ticket.events.filter(kind=TicketEvent.Kind.DETAILS_ADDED).count() == 1
    # Done: the page no longer offers the form.
    assert customer_client.get(complete_url(ticket)).status_code == 302


def test_a_complete_ticket_has_no_completion_form(customer_client, customer, category, versions):
    ticket = submit(requester=customer, category=category)
    response = customer_client.get(complete_url(ticket))
    assert response.status_code == 302 and response.url == ticket.get_absolute_url()


def test_someone_elses_ticket_is_not_found(client, vague_phone_ticket, org):
    from helpdesk.tests.factories import CustomerFactory

    client.force_login(CustomerFactory())
    assert client.get(complete_url(vague_phone_ticket)).status_code == 404
