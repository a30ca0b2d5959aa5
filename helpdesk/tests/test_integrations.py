"""Webhooks and chat alerts through the HTTP outbox, delivered to a real local HTTP server."""

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test.utils import CaptureQueriesContext

from core.clock import resolve_now
from helpdesk.models import AlertEvent, OutboundRequest, Platform, TeamAlertChannel, WebhookEvent
from helpdesk.services import http_outbox, integrations, signing, webhooks
from helpdesk.services.conversation import record_customer_reply
from helpdesk.services.sla_watch import run_sla_pass
from helpdesk.services.tickets import set_priority
from helpdesk.tests.factories import GOOD_DETAILS, AgentFactory, TeamFactory, plan, submit
from helpdesk.tests.receiver import Receiver, free_port
from helpdesk.tests.sla.helpers import sh, team_with_lead, ticket_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    server = Receiver(port=free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def team(db):
    # The factories' tickets (Kingdee) are routed to the team with the Kingdee skill.
    return TeamFactory(name="金蝶支持组")


def channel(team, url, *, platform=Platform.WECOM, events=(AlertEvent.NEW_P1,), **fields) -> TeamAlertChannel:
    return TeamAlertChannel.objects.create(
        team=team, name="值班群", platform=platform, url=url, events=list(events), **fields
    )


def p1_ticket(**kwargs):
    return submit(priority="p1", created_by=AgentFactory(), channel="phone", **kwargs)


def delivered(received_count: int, receiver: Receiver) -> list:
    assert len(receiver.received) == received_count
    return receiver.received


# --- Chat alerts ------------------------------------------------------------------------------


def test_a_new_p1_ticket_reaches_the_wecom_group_as_a_markdown_card_without_the_description(
    receiver, team, django_capture_on_commit_callbacks
):
    channel(team, receiver.url("/cgi-bin/webhook/send?key=abc"), language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = p1_ticket(subject="凭证过账卡住 [点我](http://evil.example) <@all>")

    (request,) = delivered(1, receiver)
    assert request.path == "/cgi-bin/webhook/send" and request.query == {"key": "abc"}
    body = request.json()
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert ticket.reference in content and "凭证过账卡住" in content
    assert "P1" in content and "首次响应" in content  # in the team's language, with the time left
    assert f"/admin/helpdesk/ticket/{ticket.pk}/change/" in content
    # Typed markup cannot make links or mention everyone.
    assert "<@all>" not in content and "[点我](http://evil.example)" not in content
    # Never the customer's description.
    for private in (GOOD_DETAILS["symptoms"], GOOD_DETAILS["error_message"], GOOD_DETAILS["impact"]):
        assert private not in content
    row = OutboundRequest.objects.get()
    assert (row.state, row.kind, row.event, row.attempts) == ("delivered", "wecom", "new_p1", 1)
    assert row.response_status == 200 and row.delivered_at is not None


def test_a_dingtalk_alert_is_signed_with_a_timestamp_and_sign_as_dingtalk_checks_them(
    receiver, team, django_capture_on_commit_callbacks
):
    secret = "SECd2e1f0c9b8a7"
    channel(team, receiver.url("/robot/send?access_token=tok"), platform=Platform.DINGTALK, secret=secret)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = p1_ticket()

    (request,) = delivered(1, receiver)
    assert request.query["access_token"] == "tok"
    timestamp = request.query["timestamp"]  # milliseconds
    assert abs(int(timestamp) - resolve_now(None).timestamp() * 1000) < 60_000
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert request.query["sign"] == expected  # parse_qs undid the URL encoding
    body = request.json()
    assert body["msgtype"] == "markdown" and ticket.reference in body["markdown"]["title"]
    assert ticket.reference in body["markdown"]["text"]


def test_a_feishu_card_carries_timestamp_and_sign_in_the_body_as_feishu_checks_them(
    receiver, team, django_capture_on_commit_callbacks
):
    secret = "feishu-secret-42"
    receiver.answer = {"code": 0, "msg": "success", "data": {}}
    channel(team, receiver.url("/open-apis/bot/v2/hook/xyz"), platform=Platform.FEISHU, secret=secret)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = p1_ticket()

    body = delivered(1, receiver)[0].json()
    timestamp = body["timestamp"]  # seconds, as a string
    expected = base64.b64encode(
        hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert body["sign"] == expected
    assert body["msg_type"] == "interactive"
    assert ticket.reference in body["card"]["header"]["title"]["content"]
    button = body["card"]["elements"][1]["actions"][0]
    assert button["url"].endswith(f"/admin/helpdesk/ticket/{ticket.pk}/change/")
    assert GOOD_DETAILS["symptoms"] not in json.dumps(body, ensure_ascii=False)


def test_a_platform_that_answers_200_with_an_error_code_has_not_taken_the_message(
    receiver, team, django_capture_on_commit_callbacks
):
    receiver.answer = {"errcode": 310000, "errmsg": "sign not match"}
    channel(team, receiver.url("/robot/send?access_token=t"), platform=Platform.DINGTALK, secret="SECx")
    with django_capture_on_commit_callbacks(execute=True):
        p1_ticket()
    row = OutboundRequest.objects.get()
    assert row.state == "pending" and "310000 sign not match" in row.last_error
    assert row.response_status == 200


def test_an_sla_breach_alerts_the_team_and_reaches_subscribed_webhooks(receiver, team, monday_9am):
    ticket = submit(now=monday_9am)
    channel(team, receiver.url("/cgi-bin/webhook/send?key=k"), events=[AlertEvent.SLA_BREACH])
    webhooks.create_endpoint(
        name="CRM", url=receiver.url("/crm"), events=[WebhookEvent.TICKET_SLA_BREACHED], actor=None
    )
    run_sla_pass(now=monday_9am + timedelta(days=30))
    rows = list(OutboundRequest.objects.order_by("pk"))
    assert {(r.kind, r.event) for r in rows} >= {("wecom", "sla_breach"), ("webhook", "ticket.sla_breached")}
    alert = next(r for r in rows if r.kind == "wecom")
    assert "overdue by" in json.loads(alert.body)["markdown"]["content"]
    assert alert.ticket_id == ticket.pk


def test_a_customer_reply_tells_the_team_the_ticket_waits_on_an_agent(team, monday_9am):
    ticket = submit(now=monday_9am)
    channel(team, "http://127.0.0.1:18039/hook", events=[AlertEvent.CUSTOMER_WAITING])
    record_customer_reply(ticket=ticket, author=ticket.requester, body="补充：截图见附件", now=monday_9am)
    row = OutboundRequest.objects.get()
    content = json.loads(row.body)["markdown"]["content"]
    assert "waits on an agent" in content and "补充" not in content


def test_a_team_without_a_subscribed_channel_gets_nothing(team):
    channel(team, "http://127.0.0.1:18039/hook", events=[AlertEvent.SLA_BREACH])
    submit(priority="p1", created_by=AgentFactory(), channel="phone")
    assert not OutboundRequest.objects.exists()


# --- Integration webhooks ---------------------------------------------------------------------


def test_a_webhook_is_signed_over_timestamp_and_body_and_verifies_as_a_receiver_would(
    receiver, django_capture_on_commit_callbacks
):
    endpoint, secret = webhooks.create_endpoint(
        name="ERP", url=receiver.url("/erp"), events=[WebhookEvent.TICKET_CREATED], actor=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit()

    (request,) = delivered(1, receiver)
    headers = {k.lower(): v for k, v in request.headers.items()}
    timestamp = headers["x-kuaixiang-timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256).hexdigest()
    assert headers["x-kuaixiang-signature"] == f"sha256={expected}"
    assert headers["x-kuaixiang-event"] == "ticket.created"
    row = OutboundRequest.objects.get()
    assert headers["x-kuaixiang-delivery"] == str(row.delivery_id)
    payload = request.json()
    assert payload["type"] == "ticket.created"
    assert payload["data"]["ticket"]["reference"] == ticket.reference
    assert GOOD_DETAILS["symptoms"] not in request.body.decode()

    now = resolve_now(None)
    check = {"secret": secret, "timestamp": timestamp, "now": now}
    assert signing.verify_webhook_signature(
        body=request.body, signature=headers["x-kuaixiang-signature"], **check
    )
    assert not signing.verify_webhook_signature(
        body=request.body + b" ", signature=headers["x-kuaixiang-signature"], **check
    )
    assert not signing.verify_webhook_signature(
        body=request.body,
        signature=headers["x-kuaixiang-signature"],
        **{**check, "now": now + timedelta(hours=1)},
    )


def test_receiver_down_then_up_gets_the_delivery_exactly_once_after_backoff(
    django_capture_on_commit_callbacks,
):
    port = free_port()
    webhooks.create_endpoint(
        name="CRM", url=f"http://127.0.0.1:{port}/hook", events=[WebhookEvent.TICKET_CREATED], actor=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit()
    assert ticket.pk  # the request itself went through
    row = OutboundRequest.objects.get()
    assert (row.state, row.attempts) == ("pending", 1)
    assert "Connection refused" in row.last_error or "URLError" in row.last_error
    assert row.next_attempt_at - row.created_at >= timedelta(seconds=30)  # backoff recorded

    assert http_outbox.flush_http_outbox(now=row.next_attempt_at - timedelta(seconds=1)) == {}
    server = Receiver(port=port).start()
    try:
        later = row.next_attempt_at + timedelta(seconds=1)
        assert http_outbox.flush_http_outbox(now=later) == {"delivered": 1}
        assert http_outbox.flush_http_outbox(now=later + timedelta(hours=1)) == {}
        (request,) = delivered(1, server)
    finally:
        server.stop()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("delivered", 2, "")
    assert request.headers["X-Kuaixiang-Delivery"] == str(row.delivery_id)


def test_a_delivery_is_given_up_after_the_last_attempt(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    webhooks.create_endpoint(
        name="CRM", url=f"http://127.0.0.1:{free_port()}/", events=[WebhookEvent.TICKET_CREATED], actor=None
    )
    submit()
    row = OutboundRequest.objects.get()
    now = row.created_at
    for _ in range(2):
        http_outbox.deliver_request(request_id=row.pk, now=now)
        row.refresh_from_db()
        now = row.next_attempt_at
    assert (row.state, row.attempts) == ("failed", 2)
    assert http_outbox.retry_requests(request_ids=[row.pk]) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 0)


def test_nothing_is_queued_when_the_ticket_write_rolls_back():
    webhooks.create_endpoint(name="CRM", url="http://127.0.0.1:18039/", events=["ticket.created"], actor=None)
    with pytest.raises(RuntimeError), transaction.atomic():
        submit()
        raise RuntimeError
    assert not OutboundRequest.objects.exists()


def test_a_deleted_endpoint_fails_its_waiting_deliveries_without_sending():
    endpoint, _secret = webhooks.create_endpoint(
        name="CRM", url="http://127.0.0.1:18039/", events=["ticket.created"], actor=None
    )
    submit()
    endpoint.delete()
    row = OutboundRequest.objects.get()
    assert http_outbox.deliver_request(request_id=row.pk) == "failed"
    row.refresh_from_db()
    assert "deleted" in row.last_error and row.attempts == 1


def test_a_rotated_secret_signs_the_next_attempt(receiver):
    endpoint, old = webhooks.create_endpoint(
        name="ERP", url=receiver.url(), events=[WebhookEvent.TICKET_CREATED], actor=None
    )
    submit()
    new = webhooks.rotate_secret(endpoint=endpoint)
    http_outbox.flush_http_outbox()
    request = delivered(1, receiver)[0]
    now = resolve_now(None)
    timestamp, signature = request.headers["X-Kuaixiang-Timestamp"], request.headers["X-Kuaixiang-Signature"]
    assert new != old
    assert signing.verify_webhook_signature(
        secret=new, timestamp=timestamp, body=request.body, signature=signature, now=now
    )
    assert not signing.verify_webhook_signature(
        secret=old, timestamp=timestamp, body=request.body, signature=signature, now=now
    )


def test_the_test_event_is_a_signed_ping(receiver, django_capture_on_commit_callbacks):
    endpoint, secret = webhooks.create_endpoint(
        name="ERP", url=receiver.url(), events=["ticket.created"], actor=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.send_test_event(endpoint=endpoint, actor=None)
    request = delivered(1, receiver)[0]
    assert request.json()["type"] == "ping" and request.headers["X-Kuaixiang-Event"] == "ping"
    assert signing.verify_webhook_signature(
        secret=secret,
        timestamp=request.headers["X-Kuaixiang-Timestamp"],
        body=request.body,
        signature=request.headers["X-Kuaixiang-Signature"],
        now=resolve_now(None),
    )


def test_ticket_events_map_to_webhook_events(monday_9am):
    endpoint, _ = webhooks.create_endpoint(
        name="all", url="http://127.0.0.1:18039/", events=list(WebhookEvent.values), actor=None
    )
    ticket = submit(now=monday_9am)
    agent = AgentFactory()
    from helpdesk.services.conversation import add_internal_note, record_agent_reply
    from helpdesk.services.workflow import set_status

    add_internal_note(ticket=ticket, author=agent, body="内部备注", now=monday_9am)
    record_agent_reply(ticket=ticket, author=agent, body="您好", now=monday_9am)
    set_status(ticket=ticket, status="resolved", actor=agent, now=monday_9am)
    events = list(OutboundRequest.objects.order_by("pk").values_list("event", flat=True))
    assert events[0] == "ticket.created"
    assert "ticket.replied" in events and "ticket.resolved" in events and "ticket.updated" in events
    # An internal note is nobody else's business.
    assert all("内部备注" not in body for body in OutboundRequest.objects.values_list("body", flat=True))
    assert events.count("ticket.replied") == 1


# --- Validation -------------------------------------------------------------------------------


def test_endpoints_must_use_https_except_loopback_where_allowed(settings):
    with pytest.raises(ValidationError, match="https://"):
        webhooks.create_endpoint(
            name="x", url="http://erp.example.com/hook", events=["ticket.created"], actor=None
        )
    settings.OUTBOUND_HTTP_ALLOW_LOOPBACK = False
    for url in ("http://127.0.0.1:18039/", "https://10.0.0.8/hook", "https://localhost/hook"):
        with pytest.raises(ValidationError):
            webhooks.create_endpoint(name="x", url=url, events=["ticket.created"], actor=None)
    endpoint, _ = webhooks.create_endpoint(
        name="x", url="https://erp.example.com/hook", events=["ticket.created"], actor=None
    )
    assert endpoint.pk
    with pytest.raises(ValidationError, match="Unknown events"):
        webhooks.create_endpoint(
            name="x", url="https://erp.example.com/", events=["ticket.exploded"], actor=None
        )


def test_a_channel_url_must_be_on_its_platform_host(team, settings):
    settings.OUTBOUND_HTTP_ALLOW_LOOPBACK = False
    wrong = TeamAlertChannel(
        team=team,
        name="x",
        platform=Platform.DINGTALK,
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1",
        events=["sla_breach"],
    )
    with pytest.raises(ValidationError, match="oapi.dingtalk.com"):
        wrong.full_clean()
    wrong.url = "https://oapi.dingtalk.com/robot/send?access_token=1"
    wrong.full_clean()


# --- Cost of the hook -------------------------------------------------------------------------


def test_a_ticket_write_costs_one_insert_per_subscriber_and_nothing_without(monday_9am):
    ticket = submit(now=monday_9am)
    agent = AgentFactory()

    def queries_of_a_priority_change(priority: str) -> int:
        with CaptureQueriesContext(transaction.get_connection()) as captured:
            set_priority(ticket=ticket, priority=priority, actor=agent, now=monday_9am)
        return len(captured)

    without = queries_of_a_priority_change("p2")
    webhooks.create_endpoint(name="CRM", url="http://127.0.0.1:18039/", events=["ticket.updated"], actor=None)
    integrations.subscriptions()  # the copy is read once per process (and after a change)
    with_one = queries_of_a_priority_change("p3")
    webhooks.create_endpoint(name="ERP", url="http://127.0.0.1:18038/", events=["ticket.updated"], actor=None)
    integrations.subscriptions()
    with_two = queries_of_a_priority_change("p4")
    assert without == 8
    assert (with_one, with_two) == (without + 1, without + 2)
    assert OutboundRequest.objects.count() == 3


def test_the_subscriptions_are_read_once_and_again_after_a_change(django_assert_num_queries):
    integrations.clear_subscription_cache()
    with django_assert_num_queries(2):
        integrations.subscriptions()
    with django_assert_num_queries(0):
        assert not integrations.wants("ticket.created")
    webhooks.create_endpoint(name="CRM", url="http://127.0.0.1:18039/", events=["ticket.created"], actor=None)
    assert integrations.wants("ticket.created")


# --- The watcher's alerts ---------------------------------------------------------------------


def test_a_breach_that_escalates_alerts_breach_and_escalation_but_no_new_p1():
    team = team_with_lead()
    channel(team, "http://127.0.0.1:18039/hook", events=list(AlertEvent.values))
    ticket = ticket_on("advanced", now=sh(2025, 11, 3, 10), team=team, priority="p2")

    run_sla_pass(now=sh(2025, 11, 3, 15, 1))  # P2 first response due 15:00: P2 → P1, to the lead

    ticket.refresh_from_db()
    assert ticket.priority == "p1"
    events = sorted(OutboundRequest.objects.filter(ticket=ticket).values_list("event", flat=True))
    assert events == ["escalation", "sla_breach"]  # the watcher's raise to P1 is the escalation
    escalation = OutboundRequest.objects.get(ticket=ticket, event="escalation")
    assert "Escalated: " + ticket.reference in json.loads(escalation.body)["markdown"]["content"]


def test_an_sla_warning_alert_waits_for_the_team_hours_like_its_mail():
    team = team_with_lead(calendar=plan("advanced").calendar)
    channel(team, "http://127.0.0.1:18039/hook", events=[AlertEvent.SLA_WARNING])
    ticket_on("urgent", now=sh(2025, 11, 3, 20), team=team)

    run_sla_pass(now=sh(2025, 11, 3, 20, 46))

    alert = OutboundRequest.objects.get(event="sla_warning")
    assert alert.next_attempt_at == sh(2025, 11, 4, 9)
    assert "due in" in json.loads(alert.body)["markdown"]["content"]
