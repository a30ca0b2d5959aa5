"""Webhook endpoints, alert channels and the delivery log in the admin (managers only)."""

import socket
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from helpdesk.models import OutboundRequest, Platform, TeamAlertChannel, WebhookEndpoint
from helpdesk.roles import MANAGERS
from helpdesk.services import http_outbox, safe_http, webhooks
from helpdesk.tests.factories import AgentFactory, TeamFactory, submit
from helpdesk.tests.receiver import Receiver, free_port

pytestmark = pytest.mark.django_db

ENDPOINTS = reverse("admin:helpdesk_webhookendpoint_changelist")
LOG = reverse("admin:helpdesk_outboundrequest_changelist")


@pytest.fixture
def manager_client(client):
    manager = AgentFactory(full_name="赵经理")
    manager.groups.add(Group.objects.get(name=MANAGERS))
    client.force_login(manager)
    return client


@pytest.fixture
def receiver():
    server = Receiver(port=free_port()).start()
    yield server
    server.stop()


def test_a_manager_registers_an_endpoint_and_sees_its_secret_once(manager_client):
    response = manager_client.post(
        reverse("admin:helpdesk_webhookendpoint_add"),
        {
            "name": "CRM",
            "url": "http://127.0.0.1:18039/hook",
            "events": ["ticket.created", "ticket.resolved"],
            "is_active": "on",
        },
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["ticket.created", "ticket.resolved"]
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in response.content.decode()
    page = manager_client.get(
        reverse("admin:helpdesk_webhookendpoint_change", args=[endpoint.pk])
    ).content.decode()
    assert endpoint.secret not in page
    assert "Send test event" in page


def test_a_plain_http_address_is_refused_on_the_form_and_what_was_typed_stays(manager_client):
    response = manager_client.post(
        reverse("admin:helpdesk_webhookendpoint_add"),
        {"name": "CRM 系统", "url": "http://crm.example.com/hook", "events": ["ticket.created"]},
    )
    assert response.status_code == 200
    assert "The address must start with https://" in response.content.decode()
    assert "CRM 系统" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_agents_see_neither_endpoints_nor_channels_nor_the_log(client):
    client.force_login(AgentFactory())
    for url in (ENDPOINTS, LOG, reverse("admin:helpdesk_teamalertchannel_changelist")):
        assert client.get(url).status_code == 403


def test_the_test_event_button_delivers_a_ping_and_shows_it_in_the_log(
    manager_client, receiver, django_capture_on_commit_callbacks
):
    endpoint, _secret = webhooks.create_endpoint(
        name="ERP", url=receiver.url(), events=["ticket.created"], actor=None
    )
    test_url = reverse("admin:helpdesk_webhookendpoint_test", args=[endpoint.pk])
    assert manager_client.get(test_url).status_code == 405  # a write is a POST
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(test_url)
    assert response.status_code == 302 and response.url == f"{LOG}?endpoint__id__exact={endpoint.pk}"
    assert len(receiver.received) == 1 and receiver.received[0].json()["type"] == "ping"
    log = manager_client.get(response.url).content.decode()
    assert "ping" in log and "Delivered" in log


def test_a_failed_delivery_is_visible_with_its_error_and_can_be_retried_and_resent(manager_client, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    webhooks.create_endpoint(
        name="CRM", url=f"http://127.0.0.1:{free_port()}/", events=["ticket.created"], actor=None
    )
    submit()
    row = OutboundRequest.objects.get()
    http_outbox.deliver_request(request_id=row.pk)
    row.refresh_from_db()
    assert row.state == "failed"

    page = manager_client.get(LOG, {"state__exact": "failed"}).content.decode()
    assert "Failed (gave up)" in page and "URLError" in page
    detail = manager_client.get(
        reverse("admin:helpdesk_outboundrequest_change", args=[row.pk])
    ).content.decode()
    assert str(row.delivery_id) in detail and "ticket.created" in detail

    manager_client.post(LOG, {"action": "retry", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 0)
    row.state = "failed"
    row.save(update_fields=["state"])
    manager_client.post(LOG, {"action": "resend", "_selected_action": [row.pk]})
    copy = OutboundRequest.objects.exclude(pk=row.pk).get()
    assert (copy.body, copy.endpoint_id, copy.state) == (row.body, row.endpoint_id, "pending")
    assert copy.delivery_id != row.delivery_id


def test_a_delivery_refused_for_a_private_address_shows_why_in_the_log(manager_client):
    endpoint, _secret = webhooks.create_endpoint(
        name="CRM", url="https://crm.example.com/hook", events=["ticket.created"], actor=None
    )
    submit()
    row = OutboundRequest.objects.get()
    answer = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 443))]
    with mock.patch.object(safe_http.socket, "getaddrinfo", return_value=answer):
        assert http_outbox.deliver_request(request_id=row.pk) == "failed"

    page = manager_client.get(LOG, {"endpoint__id__exact": endpoint.pk}).content.decode()
    assert "Failed (gave up)" in page
    assert "crm.example.com is not a public address: 10.1.2.3 (private)" in page
    detail = manager_client.get(
        reverse("admin:helpdesk_outboundrequest_change", args=[row.pk])
    ).content.decode()
    assert "10.1.2.3 (private); not sent" in detail


def test_the_log_lists_a_page_in_a_fixed_number_of_queries(manager_client, django_assert_max_num_queries):
    endpoint, _ = webhooks.create_endpoint(
        name="CRM", url="http://127.0.0.1:18039/", events=["ticket.updated"], actor=None
    )
    team = TeamFactory()
    channel = TeamAlertChannel.objects.create(
        team=team, name="群", platform=Platform.WECOM, url="http://127.0.0.1:18039/w", events=["new_p1"]
    )
    now = endpoint.created_at
    for n in range(30):
        http_outbox.queue_request(
            kind="webhook" if n % 2 else "wecom",
            event="ticket.updated",
            url="http://127.0.0.1:18039/",
            body={"n": n},
            endpoint=endpoint if n % 2 else None,
            channel=None if n % 2 else channel,
            now=now + timedelta(seconds=n),
        )
    with django_assert_max_num_queries(12):
        response = manager_client.get(LOG)
    assert response.status_code == 200 and "群" in response.content.decode()


def test_a_channel_secret_is_write_only_and_blank_keeps_it(manager_client):
    team = TeamFactory(name="用友组")
    add = manager_client.post(
        reverse("admin:helpdesk_teamalertchannel_add"),
        {
            "team": team.pk,
            "name": "用友值班",
            "platform": "dingtalk",
            "url": "http://127.0.0.1:18039/robot/send?access_token=t",
            "new_secret": "SECsecret123",
            "events": ["sla_breach", "escalation"],
            "language": "zh-hans",
            "is_active": "on",
        },
    )
    assert add.status_code == 302, add.content.decode()[:2000]
    channel = TeamAlertChannel.objects.get()
    assert channel.secret == "SECsecret123"
    change_url = reverse("admin:helpdesk_teamalertchannel_change", args=[channel.pk])
    assert "SECsecret123" not in manager_client.get(change_url).content.decode()
    manager_client.post(
        change_url,
        {
            "team": team.pk,
            "name": "用友值班群",
            "platform": "dingtalk",
            "url": channel.url,
            "new_secret": "",
            "events": ["sla_breach"],
            "language": "zh-hans",
            "is_active": "on",
        },
    )
    channel.refresh_from_db()
    assert (channel.name, channel.secret, channel.events) == ("用友值班群", "SECsecret123", ["sla_breach"])


def test_a_wecom_channel_refuses_a_secret_on_the_form(manager_client):
    team = TeamFactory()
    response = manager_client.post(
        reverse("admin:helpdesk_teamalertchannel_add"),
        {
            "team": team.pk,
            "name": "企业微信群",
            "platform": "wecom",
            "url": "http://127.0.0.1:18039/cgi-bin/webhook/send?key=k",
            "new_secret": "nope",
            "events": ["new_p1"],
            "language": "zh-hans",
        },
    )
    assert response.status_code == 200
    assert "WeCom group bots have no signing secret" in response.content.decode()
