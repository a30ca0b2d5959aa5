"""Text users typed is isolated, so an Arabic name or a U+202E override cannot reorder the page."""

import pytest
from django.urls import reverse

from helpdesk.tests.factories import AgentFactory, submit

pytestmark = pytest.mark.django_db

TRICKY = "凭证失败 \u202eexe.txt 金蝶收款单"


def test_subjects_and_messages_are_isolated_in_the_portal(customer_client, customer, category):
    ticket = submit(requester=customer, category=category, subject=TRICKY)
    listing = customer_client.get(reverse("portal:tickets")).content.decode()
    page = customer_client.get(ticket.get_absolute_url()).content.decode()
    assert f"<bdi data-user-content>{TRICKY}</bdi>" in listing
    assert f"<bdi data-user-content>{TRICKY}</bdi></h1>" in page


def test_subjects_and_messages_are_isolated_on_the_agents_ticket_page(client, customer, category):
    ticket = submit(requester=customer, category=category, subject=TRICKY)
    client.force_login(AgentFactory())
    page = client.get(reverse("admin:helpdesk_ticket_change", args=[ticket.pk])).content.decode()
    assert f'<h1 dir="auto">{TRICKY}</h1>' in page
