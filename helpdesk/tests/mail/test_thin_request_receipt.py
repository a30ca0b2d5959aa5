"""A thin request by mail gets one mail back: the receipt that lists what is missing."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as django_mail

from helpdesk.mail import addresses, inbound
from helpdesk.models import EmailKind, OutboundEmail
from helpdesk.services import outbox
from helpdesk.services.links import ticket_for_details_token
from helpdesk.tests.factories import CategoryFactory, CustomerFactory, TeamFactory, submit

from .conftest import eml

pytestmark = pytest.mark.django_db


def sent_to(address: str) -> list:
    outbox.flush_outbox()
    return [message for message in django_mail.outbox if message.to == [address]]


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_a_thin_mail_request_gets_one_mail_with_reference_promise_gaps_and_signed_link(
    mailbox, li_na, monday_9am
):
    profile = li_na.customer_profile
    profile.language = "zh-hans"
    profile.save()
    ticket = inbound.receive(mailbox=mailbox, raw=eml("new_request_gbk"), now=monday_9am).ticket

    [message] = sent_to(li_na.email)

    assert ticket.needs_details
    assert OutboundEmail.objects.get(ticket=ticket, to=[li_na.email]).kind == EmailKind.DETAILS_NEEDED
    text = message.body
    assert ticket.reference in message.subject
    assert f"我们已收到您的工单 {ticket.reference}，但还缺少工程师处理所需的信息" in text
    due = ticket.first_response_due_at.astimezone(ZoneInfo(li_na.customer_profile.effective_timezone))
    assert f"我们将在 {due:%Y-%m-%d %H:%M}（Asia/Shanghai）前首次响应" in text  # the SLA promise, her zone
    asked = [line[2:] for line in text.splitlines() if line.startswith("- ")]
    assert asked and all(line.strip() for line in asked)  # one line per missing detail
    [link] = [word for word in text.split() if "/details/?k=" in word]
    token = link.partition("?k=")[2]
    assert ticket_for_details_token(reference=ticket.reference, token=token) == ticket  # signed link
    assert f"/tickets/{ticket.reference}/" in text and "也可以直接回复本邮件。" in text
    assert message.reply_to == [addresses.reply_address(ticket)]
    html = html_of(message)
    assert f'href="{link.replace("&", "&amp;")}"' in html
    assert ticket.reference in html and all(line.replace('"', "&quot;") in html for line in asked)
    assert "另一封邮件" not in text  # no mention of a second mail: there is none


def test_the_receipt_that_asks_for_details_is_in_the_customers_language(mailbox, li_na, monday_9am):
    profile = li_na.customer_profile
    profile.language = "en"
    profile.save()

    ticket = inbound.receive(mailbox=mailbox, raw=eml("new_request_gbk"), now=monday_9am).ticket
    [message] = sent_to(li_na.email)

    assert f"We received your request {ticket.reference}, but it is missing details" in message.body
    assert "Your plan promises a first response by" in message.body
    assert "Add them here:" in message.body and "Or simply reply to this mail." in message.body
    assert "We received your request" in html_of(message)


def test_later_mails_thread_under_the_receipt_that_asked_for_details(mailbox, li_na, monday_9am):
    from helpdesk.services.conversation import add_reply
    from helpdesk.tests.factories import AgentFactory

    ticket = inbound.receive(mailbox=mailbox, raw=eml("new_request_gbk"), now=monday_9am).ticket
    add_reply(
        ticket=ticket, author=AgentFactory(), body="请补充报错截图。", now=monday_9am + timedelta(hours=1)
    )

    receipt = OutboundEmail.objects.get(ticket=ticket, kind=EmailKind.DETAILS_NEEDED)
    reply = OutboundEmail.objects.get(ticket=ticket, kind=EmailKind.AGENT_REPLY)
    assert reply.headers["In-Reply-To"] == receipt.message_id


def test_a_complete_portal_request_still_gets_the_plain_receipt_and_no_request_for_details(monday_9am):
    customer = CustomerFactory()
    ticket = submit(requester=customer, category=CategoryFactory(default_team=TeamFactory()), now=monday_9am)

    [message] = sent_to(customer.email)

    assert not ticket.needs_details
    assert OutboundEmail.objects.get(ticket=ticket, to=[customer.email]).kind == EmailKind.TICKET_RECEIVED
    assert ticket.reference in message.body and "/details/?k=" not in message.body
