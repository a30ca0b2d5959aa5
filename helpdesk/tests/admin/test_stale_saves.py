"""Two agents on one ticket: a stale page is refused with what changed, never overwrites."""

import pytest
from django.test import Client
from django.urls import reverse

from helpdesk.models import Ticket
from helpdesk.services.versions import StaleTicket, change_properties, version_of
from helpdesk.tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def change_url(ticket) -> str:
    return reverse("admin:helpdesk_ticket_change", args=[ticket.pk])


def page_form(client, ticket) -> dict:
    """What the agent's browser would post back: the form as the page rendered it."""
    form = client.get(change_url(ticket)).context["adminform"].form
    return {
        "status": form["status"].value(),
        "priority": form["priority"].value(),
        "assignee": form["assignee"].value() or "",
        "team": form["team"].value() or "",
        "category": form["category"].value(),
        "version": form["version"].value(),
        "_save": "Save",
    }


def test_a_stale_page_cannot_put_the_priority_back(agent_client, ticket):
    other = Client()
    other.force_login(AgentFactory(full_name="张伟"))
    stale = page_form(agent_client, ticket)  # agent B opens the page
    mine = page_form(other, ticket)  # agent A opens it too
    assert other.post(change_url(ticket), {**mine, "priority": "p1"}).status_code == 302

    response = agent_client.post(change_url(ticket), {**stale, "status": "pending_customer"})

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "changed while you were looking at it" in errors
    assert "张伟" in errors and "P1 Urgent" in errors
    # B's choice is still on the form, nothing was saved.
    assert response.context["adminform"].form["status"].value() == "pending_customer"
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.status) == ("p1", "new")


def test_a_fresh_page_saves(agent_client, ticket):
    form = page_form(agent_client, ticket)
    assert agent_client.post(change_url(ticket), {**form, "priority": "p2"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == "p2"


def test_the_service_refuses_a_stale_version_even_when_the_form_check_was_passed(agent, ticket):
    seen = version_of(ticket)
    change_properties(ticket=ticket, changes={"priority": "p1"}, actor=AgentFactory(), expected_version=seen)
    with pytest.raises(StaleTicket, match="changed while you were looking at it"):
        change_properties(ticket=ticket, changes={"status": "open"}, actor=agent, expected_version=seen)
    assert Ticket.objects.get(pk=ticket.pk).status == "new"
