"""Mail in the admin: held mail reviewed by agents, mailboxes configured by managers."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from helpdesk.mail import inbound
from helpdesk.models import InboundMessage, Mailbox, Ticket
from helpdesk.roles import MANAGERS
from helpdesk.tests.factories import AgentFactory

from .conftest import eml

pytestmark = pytest.mark.django_db
INBOUND = reverse("admin:helpdesk_inboundmessage_changelist")
INBOUND_QUERIES = 10


@pytest.fixture
def agent_client(client):
    client.force_login(AgentFactory())
    return client


@pytest.mark.parametrize("rows", [1, 6])
def test_the_inbound_list_runs_a_fixed_number_of_queries(
    agent_client, mailbox, monday_9am, rows, django_assert_num_queries
):
    for number in range(rows):
        raw = eml("html_only").replace(b"html.3@", f"html.3.{number}@".encode())
        inbound.receive(mailbox=mailbox, raw=raw, now=monday_9am)

    with django_assert_num_queries(INBOUND_QUERIES):
        response = agent_client.get(INBOUND)

    assert response.status_code == 200
    assert response.content.decode().count("zhao.lei@huadong.example") >= rows


def test_an_agent_accepts_held_mail_from_the_list(agent_client, mailbox, monday_9am):
    held = inbound.receive(mailbox=mailbox, raw=eml("html_only"), now=monday_9am)

    response = agent_client.post(INBOUND, {"action": "accept", "_selected_action": [held.pk]}, follow=True)

    assert response.status_code == 200
    held.refresh_from_db()
    assert held.outcome == InboundMessage.Outcome.TICKET
    assert Ticket.objects.get().requester.email == "zhao.lei@huadong.example"


def test_an_agent_discards_held_mail_and_nothing_opens(agent_client, mailbox, monday_9am):
    held = inbound.receive(mailbox=mailbox, raw=eml("html_only"), now=monday_9am)

    agent_client.post(INBOUND, {"action": "discard", "_selected_action": [held.pk]})

    held.refresh_from_db()
    assert held.outcome == InboundMessage.Outcome.DISCARDED
    assert not Ticket.objects.exists()


def test_agents_see_a_mailbox_without_its_secrets(agent_client, mailbox):
    mailbox.imap_password = "imap-password-do-not-show"
    mailbox.save()

    response = agent_client.get(reverse("admin:helpdesk_mailbox_change", args=[mailbox.pk]))

    assert response.status_code == 200
    assert "imap-password-do-not-show" not in response.content.decode()


def test_a_manager_edits_a_mailbox_and_a_blank_secret_keeps_the_old_one(client, mailbox):
    manager = AgentFactory()
    manager.groups.add(Group.objects.get(name=MANAGERS))
    client.force_login(manager)
    mailbox.source, mailbox.relay_secret = Mailbox.Source.RELAY, "s" * 30
    mailbox.save()
    url = reverse("admin:helpdesk_mailbox_change", args=[mailbox.pk])
    page = client.get(url)
    assert "s" * 30 not in page.content.decode()

    response = client.post(
        url,
        {
            "name": "support",
            "address": "support@example.com",
            "source": "relay",
            "path": "",
            "imap_host": "",
            "imap_port": 993,
            "imap_username": "",
            "imap_password": "",
            "imap_folder": "INBOX",
            "relay_secret": "",
            "category": mailbox.category_id,
            "team": "",
            "unknown_sender": "hold",
            "default_organization": mailbox.default_organization_id,
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    mailbox.refresh_from_db()
    assert mailbox.relay_secret == "s" * 30
