"""Every door a ticket comes through keeps the same rules: one intake service behind them.

Each door is a translator from its own input (the portal's form, the agents' add form in
admin, the API's JSON) onto `helpdesk.services.intake.open_ticket`. The same vague request
gets the same verdict and the same words on every door of a policy; the same good request
gets the same priority and SLA targets whichever door it came through.
"""

import uuid
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from helpdesk.models import OutboundEmail, Priority, Ticket
from helpdesk.tests.factories import AgentFactory, CategoryFactory, CustomerFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(datetime(2025, 11, 3, 2, 0, tzinfo=UTC), tick=False),
]

NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai

VAGUE = {"subject": "不行", "symptoms": "不行"}
GOOD = {
    "subject": "金蝶收款单生成凭证失败：科目不存在",
    "symptoms": "在金蝶云星空中点击“生成凭证”后，收款单没有生成凭证，界面弹出红色错误提示框，当天所有收款单都无法过账。",
    "occurred_at": "2025-11-03T09:15",  # the customer's local time (Asia/Shanghai)
    "error_message": "ERR-4012: 科目 1122 不存在或已禁用",
    "steps_to_reproduce": "1. 打开收款单列表 2. 选择 11 月 3 日的收款单 3. 点击生成凭证 4. 查看弹出的错误",
    "expected_result": "凭证生成并自动过账",
    "actual_result": "弹出错误，凭证没有生成",
    "erp_system": "kingdee",
    "erp_version": "K/3 Cloud 8.1",
    "plugin_version": "3.2.1",
    "posting_blocked": True,
    "affected_users": 5,
}
# What a vague request must hear about, at least, on every door.
VAGUE_FIELDS = {"symptoms", "occurred_at", "error_message", "steps_to_reproduce", "erp_version"}


@pytest.fixture
def world(db):
    from helpdesk.models import PluginVersion

    PluginVersion.objects.create(version="3.2.1", released_on=datetime(2025, 9, 1, tzinfo=UTC).date())
    return {"customer": CustomerFactory(), "category": CategoryFactory(), "agent": AgentFactory()}


def through_portal(world, fields) -> tuple[Ticket | None, dict[str, list[str]]]:
    client = Client()
    client.force_login(world["customer"])
    post = {
        **{k: ("on" if v is True else v) for k, v in fields.items()},
        "category": world["category"].pk,
        "submission_key": uuid.uuid4(),
    }
    response = client.post(reverse("portal:submit_details"), post)
    if response.status_code == 302:
        return Ticket.objects.get(requester=world["customer"]), {}
    assert response.status_code == 200
    return None, {name: list(errors) for name, errors in response.context["form"].errors.items()}


def through_api(world, fields) -> tuple[Ticket | None, dict[str, list[str]]]:
    client = APIClient()
    client.force_authenticate(world["customer"])
    body = {**fields, "category": world["category"].slug}
    if "occurred_at" in body:
        body["occurred_at"] = body["occurred_at"] + "+08:00"
    response = client.post("/api/v1/tickets/", body, format="json")
    if response.status_code == 201:
        return Ticket.objects.get(pk=response.json()["id"]), {}
    assert response.status_code == 400, response.content
    return None, response.json()["errors"]


def through_admin(world, fields) -> tuple[Ticket | None, dict[str, list[str]]]:
    client = Client()
    client.force_login(world["agent"])
    post = {
        **{k: ("on" if v is True else v) for k, v in fields.items()},
        "requester": world["customer"].pk,
        "channel": "phone",
        "category": world["category"].pk,
        "priority": Priority.P3,
        "form_key": uuid.uuid4(),
    }
    if "occurred_at" in post:
        # The admin's split date/time widget, in the agent's zone (Asia/Shanghai).
        day, time = post.pop("occurred_at").split("T")
        post["occurred_at_0"], post["occurred_at_1"] = day, time
    response = client.post(reverse("admin:helpdesk_ticket_add"), post)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    return Ticket.objects.get(requester=world["customer"]), {}


REFUSING_DOORS = {"portal": through_portal, "api": through_api}
ALL_DOORS = {**REFUSING_DOORS, "admin on behalf": through_admin}


def _expected_messages() -> dict[str, list[str]]:
    from helpdesk.quality import score_description
    from helpdesk.services.intake import normalise_fields, quality_errors

    report = score_description(normalise_fields(VAGUE), category=CategoryFactory.build(), now=NOW)
    return quality_errors(report)


@pytest.mark.parametrize("door", REFUSING_DOORS)
def test_a_vague_request_is_refused_with_the_same_messages_on_every_refusing_door(world, door):
    ticket, errors = REFUSING_DOORS[door](world, VAGUE)

    assert ticket is None
    assert not Ticket.objects.exists()
    expected = _expected_messages()
    assert set(errors) >= VAGUE_FIELDS
    for name in VAGUE_FIELDS:
        assert errors[name] == expected[name], name


def test_the_api_refuses_the_vague_ticket_of_the_bug_report_in_the_portals_words(world):
    _ticket, api_errors = through_api(world, VAGUE)
    _ticket, portal_errors = through_portal(world, VAGUE)

    assert api_errors["symptoms"] == portal_errors["symptoms"]
    assert "does not tell us what happened" in api_errors["symptoms"][0]


def test_a_vague_phone_ticket_is_accepted_flagged_and_the_requester_asked_for_the_same_details(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _errors = through_admin(world, VAGUE)

    assert ticket.needs_details is True
    assert ticket.channel == "phone"
    asked = OutboundEmail.objects.get(ticket=ticket, to=[world["customer"].email], kind="details_needed")
    for name in VAGUE_FIELDS:
        for message in _expected_messages()[name]:
            assert message in asked.body, name
    assert reverse("portal:ticket_complete", args=[ticket.reference]) in asked.body


@pytest.mark.parametrize("door", ALL_DOORS)
def test_a_good_request_gets_the_same_priority_and_sla_targets_on_every_door(world, door):
    ticket, errors = ALL_DOORS[door](world, GOOD)

    assert errors == {}
    assert ticket.needs_details is False
    # Blocked posting → P2 on every channel; the targets follow from plan and priority.
    assert ticket.priority == Priority.P2
    assert ticket.sla_snapshot == reference_ticket(world).sla_snapshot
    assert ticket.first_response_due_at == reference_ticket(world).first_response_due_at
    assert ticket.occurred_at == datetime(2025, 11, 3, 1, 15, tzinfo=UTC)
    assert ticket.quality_score >= 80


def reference_ticket(world) -> Ticket:
    """The same request opened by calling the service directly."""
    from helpdesk.services.intake import prepare_ticket

    fields = {**GOOD, "category": world["category"], "occurred_at": datetime(2025, 11, 3, 1, 15, tzinfo=UTC)}
    return prepare_ticket(
        requester=world["customer"],
        channel="web",
        fields=fields,
        attachment_count=0,
        policy="refuse",
        now=NOW,
    ).ticket


def test_an_agents_priority_stands_but_blocked_posting_is_never_below_p2():
    from helpdesk.services.intake import priority_for

    assert priority_for({"posting_blocked": True}, requested=Priority.P4) == Priority.P2
    assert priority_for({"posting_blocked": True}, requested=Priority.P1) == Priority.P1
    assert priority_for({"posting_blocked": True}) == Priority.P2
    assert priority_for({}, requested=Priority.P4) == Priority.P4
    assert priority_for({}) == Priority.P3


def test_the_same_idempotency_key_twice_opens_one_ticket_through_the_api(world):
    client = APIClient()
    client.force_authenticate(world["customer"])
    body = {**GOOD, "category": world["category"].slug, "occurred_at": GOOD["occurred_at"] + "+08:00"}

    first = client.post("/api/v1/tickets/", body, format="json", headers={"Idempotency-Key": "crm-42"})
    again = client.post("/api/v1/tickets/", body, format="json", headers={"Idempotency-Key": "crm-42"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    assert Ticket.objects.count() == 1
    # The retry did nothing else either: one receipt for the customer.
    assert OutboundEmail.objects.filter(kind="ticket_received").count() == 1


def through_mail(world, fields) -> tuple[Ticket | None, dict[str, list[str]]]:
    """Mail carries a subject and free text: the description lands in "what happened"."""
    from email.message import EmailMessage

    from helpdesk.mail.inbound import receive
    from helpdesk.models import Mailbox

    mailbox, _ = Mailbox.objects.get_or_create(
        address="support@example.com",
        defaults={"name": "support", "source": Mailbox.Source.RELAY, "category": world["category"]},
    )
    message = EmailMessage()
    message["From"] = world["customer"].email
    message["To"] = mailbox.address
    message["Subject"] = fields["subject"]
    message["Message-ID"] = f"<{uuid.uuid4()}@customer.example>"
    message.set_content(fields["symptoms"])
    record = receive(mailbox=mailbox, raw=message.as_bytes())
    return record.ticket, {}


def test_a_vague_mail_is_accepted_flagged_and_the_requester_asked_for_the_same_details(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _errors = through_mail(world, VAGUE)

    assert (ticket.needs_details, ticket.channel) == (True, "email")
    asked = OutboundEmail.objects.get(ticket=ticket, to=[world["customer"].email], kind="details_needed")
    for name in VAGUE_FIELDS:
        for message in _expected_messages()[name]:
            assert message in asked.body, name
    assert reverse("portal:ticket_complete", args=[ticket.reference]) + "?k=" in asked.body
