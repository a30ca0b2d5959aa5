"""Notifications: each mail is one EmailKind, in the recipient's language, through the outbox."""

import pytest
from django.urls import reverse

from helpdesk.models import EmailKind, OutboundEmail, TicketMessage
from helpdesk.services import notifications
from helpdesk.tests.factories import AgentFactory, CategoryFactory, CustomerFactory, TeamFactory, submit

pytestmark = pytest.mark.django_db


def reopen_reason(ticket, body="问题又出现了：凭证仍然无法生成", *, now):
    return TicketMessage.objects.create(
        ticket=ticket,
        kind=TicketMessage.Kind.CUSTOMER_REPLY,
        author=ticket.requester,
        body=body,
        created_at=now,
    )


def mails(ticket, kind: EmailKind) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(ticket=ticket, kind=kind))


def test_a_new_ticket_queues_the_receipt_and_the_team_mail_under_their_kinds(monday_9am):
    team = TeamFactory(email="kingdee@vendor.example")
    ticket = submit(category=CategoryFactory(default_team=team), now=monday_9am)

    [receipt] = mails(ticket, EmailKind.TICKET_RECEIVED)
    [team_mail] = mails(ticket, EmailKind.TEAM_NEW_TICKET)
    assert receipt.to == [ticket.requester.email]
    assert team_mail.to == ["kingdee@vendor.example"]


def test_ticket_reopened_tells_the_team_mailbox_and_quotes_the_customers_reason(monday_9am):
    team = TeamFactory(email="kingdee@vendor.example")
    ticket = submit(category=CategoryFactory(default_team=team), now=monday_9am)
    message = reopen_reason(ticket, now=monday_9am)

    notifications.ticket_reopened(ticket, message, now=monday_9am)

    [mail] = mails(ticket, EmailKind.TICKET_REOPENED)
    assert mail.to == ["kingdee@vendor.example"]
    assert mail.subject == f"[{ticket.reference}] Reopened by the customer: {ticket.subject}"
    assert "问题又出现了：凭证仍然无法生成" in mail.body
    assert f"/admin/helpdesk/ticket/{ticket.pk}/change/" in mail.body
    assert mail.headers == {"X-Kuaixiang-Ticket": ticket.reference, "Auto-Submitted": "auto-generated"}


def test_ticket_reopened_goes_to_the_active_members_of_a_team_without_a_mailbox(monday_9am):
    team = TeamFactory(email="")
    present, gone = AgentFactory(), AgentFactory(is_active=False)
    team.members.add(present, gone)
    ticket = submit(category=CategoryFactory(default_team=team), now=monday_9am)

    notifications.ticket_reopened(ticket, reopen_reason(ticket, now=monday_9am), now=monday_9am)

    [mail] = mails(ticket, EmailKind.TICKET_REOPENED)
    assert mail.to == [present.email]


def test_ticket_reopened_without_a_team_sends_nothing(monday_9am):
    ticket = submit(now=monday_9am)
    ticket.team = None

    notifications.ticket_reopened(ticket, reopen_reason(ticket, now=monday_9am), now=monday_9am)

    assert mails(ticket, EmailKind.TICKET_REOPENED) == []


def test_details_needed_lists_each_missing_detail_and_links_to_the_completion_page(monday_9am):
    ticket = submit(now=monday_9am)
    missing = ["Add the exact error message.", "Say which ERP version you use."]

    notifications.details_needed(ticket, missing=missing, now=monday_9am)

    [mail] = mails(ticket, EmailKind.DETAILS_NEEDED)
    assert mail.to == [ticket.requester.email]
    assert mail.subject == f"[{ticket.reference}] We need a few more details: {ticket.subject}"
    assert "- Add the exact error message.\n- Say which ERP version you use.\n" in mail.body
    link = reverse("portal:ticket_complete", args=[ticket.reference])
    assert link == f"/tickets/{ticket.reference}/details/"
    assert f"http://127.0.0.1:8000{link}" in mail.body


def test_details_needed_is_written_in_the_requesters_language(monday_9am):
    chinese = CustomerFactory(organization__language="zh-hans")
    ticket = submit(requester=chinese, now=monday_9am)

    notifications.details_needed(ticket, missing=["请填写完整的报错信息。"], now=monday_9am)

    [mail] = mails(ticket, EmailKind.DETAILS_NEEDED)
    assert mail.subject == f"[{ticket.reference}] 请补充一些信息：{ticket.subject}"
    assert "- 请填写完整的报错信息。" in mail.body
    assert "请在此补充：" in mail.body


def test_an_sla_alert_must_be_a_warning_or_a_breach(monday_9am):
    ticket = submit(now=monday_9am)

    with pytest.raises(ValueError, match="not an SLA alert"):
        notifications.sla_alert(
            ticket, kind=EmailKind.AGENT_REPLY, target="first response", due_at=None, not_before=None
        )
