"""A merged ticket in the agents' workspace: its SLA badge says where it went, never "met"."""

import pytest
from django.urls import reverse

from helpdesk.services.tickets import merge_tickets
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import submit

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:helpdesk_ticket_changelist")


@pytest.fixture
def merged(customer, agent, ticket):
    """A duplicate of `ticket`, merged into it before anyone answered."""
    duplicate = submit(requester=customer)
    merge_tickets(source=duplicate, target=ticket, actor=agent)
    duplicate.refresh_from_db()
    return duplicate


def test_ticket_page_badge_says_merged_into_the_survivor(agent_client, merged, ticket):
    response = agent_client.get(reverse("admin:helpdesk_ticket_change", args=[merged.pk]))

    html = response.content.decode()
    assert response.context["sla"].state == "merged"
    assert f'<span class="kx-sla kx-sla-merged">Merged into {ticket.reference}</span>' in html


def test_changelist_badge_and_met_filter_leave_merged_tickets_out_of_met(agent_client, agent, merged, ticket):
    html = agent_client.get(CHANGELIST).content.decode()
    assert f"Merged into {ticket.reference}" in html

    solved = submit(requester=ticket.requester)
    set_status(ticket=solved, status="resolved", actor=agent)
    met = agent_client.get(CHANGELIST, {"sla": "met"}).context["cl"].result_list
    assert {t.pk for t in met} == {solved.pk}
