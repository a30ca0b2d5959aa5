"""Inbound mail through the intake and conversation doors, with real .eml files."""

from datetime import timedelta

import pytest
from django.core import mail as django_mail

from helpdesk.mail import addresses, inbound
from helpdesk.models import (
    Attachment,
    Channel,
    EmailKind,
    InboundMessage,
    Mailbox,
    OutboundEmail,
    Status,
    Ticket,
    TicketMessage,
    User,
)
from helpdesk.services.conversation import add_reply
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import AgentFactory, CustomerFactory

from .conftest import eml

pytestmark = pytest.mark.django_db
Outcome = InboundMessage.Outcome
Reason = InboundMessage.Reason


def reply_tag(ticket: Ticket) -> str:
    return addresses.reply_address(ticket, base="support@example.com").partition("+")[2].partition("@")[0]


@pytest.fixture
def ticket(mailbox, li_na, monday_9am):
    record = inbound.receive(mailbox=mailbox, raw=eml("new_request_gbk"), now=monday_9am)
    return record.ticket


@pytest.fixture
def agent_mail(ticket, monday_9am):
    """The agent's reply mail (its outbox row), as the requester received it."""
    agent = AgentFactory()
    add_reply(
        ticket=ticket, author=agent, body="请在科目表中启用 1122。", now=monday_9am + timedelta(hours=1)
    )
    return OutboundEmail.objects.get(ticket=ticket, kind=EmailKind.AGENT_REPLY)


def test_a_gbk_mail_with_an_encoded_word_subject_opens_an_email_ticket_flagged_for_details(
    mailbox, li_na, monday_9am
):
    record = inbound.receive(mailbox=mailbox, raw=eml("new_request_gbk"), now=monday_9am)

    assert record.outcome == Outcome.TICKET
    ticket = record.ticket
    assert ticket.subject == "金蝶收款单生成凭证失败"
    assert "今天上午点击“生成凭证”后报错" in ticket.symptoms
    assert (ticket.channel, ticket.requester, ticket.category) == (Channel.EMAIL, li_na, mailbox.category)
    assert ticket.needs_details is True
    # One mail to the requester: the receipt, which also asks for what is missing.
    [asked] = OutboundEmail.objects.filter(ticket=ticket, to=[li_na.email])
    assert asked.kind == EmailKind.DETAILS_NEEDED
    assert f"/tickets/{ticket.reference}/details/?k=" in asked.body
    assert asked.reply_to == addresses.reply_address(ticket)
    assert asked.headers["Auto-Submitted"] == "auto-generated"
    assert "Asia/Shanghai" in asked.body  # the SLA promise in the requester's zone


def test_the_same_message_id_twice_is_one_ticket_and_one_record(mailbox, li_na, monday_9am):
    first = inbound.receive(mailbox=mailbox, raw=eml("new_request_gbk"), now=monday_9am)
    again = inbound.receive(
        mailbox=mailbox, raw=eml("new_request_gbk"), now=monday_9am + timedelta(minutes=5)
    )

    assert again.pk == first.pk
    assert Ticket.objects.count() == 1
    assert InboundMessage.objects.count() == 1
    assert OutboundEmail.objects.filter(kind=EmailKind.DETAILS_NEEDED).count() == 1


def test_attachments_follow_the_attachment_rules_and_html_is_kept_as_text(mailbox, organization, monday_9am):
    CustomerFactory(email="wang.wei@huadong.example", organization=organization)

    record = inbound.receive(mailbox=mailbox, raw=eml("attachments_utf8"), now=monday_9am)

    ticket = record.ticket
    stored = {a.original_name: a for a in Attachment.objects.filter(ticket=ticket)}
    assert set(stored) == {"error.png", "日志.log", "report.txt"}
    assert stored["report.txt"].content_type == "text/plain"
    text = stored["report.txt"].file.read().decode()
    assert "错误报告" in text and "<" not in text and "alert" not in text
    assert "fix.exe" in ticket.symptoms  # the refused file is named, not silently dropped
    assert "ERR-4090" in ticket.subject
    assert "步骤：打开收款单" in ticket.symptoms


def test_an_html_only_mail_becomes_text_without_scripts(mailbox, organization, monday_9am):
    CustomerFactory(email="zhao.lei@huadong.example", organization=organization)

    ticket = inbound.receive(mailbox=mailbox, raw=eml("html_only"), now=monday_9am).ticket

    assert "BAPI_ACC_DOCUMENT_POST" in ticket.symptoms
    assert "https://erp.example/log/42" in ticket.symptoms
    assert "document.write" not in ticket.symptoms and "font-size" not in ticket.symptoms


def test_a_forwarded_mail_keeps_the_forwarded_text(mailbox, li_na, monday_9am):
    ticket = inbound.receive(mailbox=mailbox, raw=eml("forwarded"), now=monday_9am).ticket

    assert "请帮忙看一下" in ticket.symptoms
    assert "生成的凭证号和上月重复：记-0001" in ticket.symptoms


def test_a_big5_body_is_read_in_its_charset(mailbox, organization, monday_9am):
    CustomerFactory(email="chan.tai@hk.example", organization=organization)

    ticket = inbound.receive(mailbox=mailbox, raw=eml("big5"), now=monday_9am).ticket

    assert ticket.subject == "憑證無法過帳"
    assert "錯誤代碼 ERR-4012" in ticket.symptoms


def test_a_reply_to_the_signed_address_is_the_customers_reply_and_resumes_the_clock(
    mailbox, ticket, agent_mail, li_na, monday_9am
):
    set_status(ticket=ticket, status=Status.PENDING_CUSTOMER, actor=AgentFactory(), now=monday_9am)
    raw = eml("reply_signed", REPLY_TAG=reply_tag(ticket), REF=ticket.reference, IN_REPLY_TO="<unrelated@x>")

    record = inbound.receive(mailbox=mailbox, raw=raw, now=monday_9am + timedelta(hours=2))

    assert (record.outcome, record.ticket) == (Outcome.REPLY, ticket)
    message = record.ticket_message
    assert (message.kind, message.author, message.channel) == (
        TicketMessage.Kind.CUSTOMER_REPLY,
        li_na,
        "email",
    )
    assert message.body == "按照您说的启用了科目 1122，凭证已经可以生成了。\n\n李娜"  # the quote is trimmed
    assert message.email_message_id == "<reply.8@huadong.example>"
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.sla_paused_since is None


def test_a_reply_threads_by_the_message_id_of_our_mail(mailbox, ticket, agent_mail, li_na, monday_9am):
    raw = eml(
        "reply_signed", REPLY_TAG="no-tag", REF=ticket.reference, IN_REPLY_TO=agent_mail.message_id
    ).replace(b"support+no-tag@", b"support@")

    record = inbound.receive(mailbox=mailbox, raw=raw, now=monday_9am + timedelta(hours=2))

    assert (record.outcome, record.ticket) == (Outcome.REPLY, ticket)


def test_a_reply_within_the_reopen_window_reopens_the_resolved_ticket(mailbox, ticket, li_na, monday_9am):
    set_status(ticket=ticket, status=Status.RESOLVED, actor=AgentFactory(), now=monday_9am)
    raw = eml("reply_signed", REPLY_TAG=reply_tag(ticket), REF=ticket.reference, IN_REPLY_TO="<x@y>")

    inbound.receive(mailbox=mailbox, raw=raw, now=monday_9am + timedelta(days=2))

    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count) == (Status.OPEN, 1)


def test_the_agent_reply_mail_carries_the_signed_address_and_quotes_the_history(ticket, agent_mail):
    assert agent_mail.reply_to == addresses.reply_address(ticket)
    assert "请在科目表中启用 1122。" in agent_mail.body
    assert "> 今天上午点击“生成凭证”后报错" in agent_mail.body  # the request, quoted under the reply
    assert "Auto-Submitted" not in agent_mail.headers  # written by a person
    root = OutboundEmail.objects.get(ticket=ticket, kind=EmailKind.DETAILS_NEEDED)
    assert agent_mail.headers["In-Reply-To"] == root.message_id


def test_a_spoofed_reply_with_only_a_subject_tag_is_held_and_posts_nothing(mailbox, ticket, monday_9am):
    raw = eml("spoofed_subject_tag", REF=ticket.reference)

    record = inbound.receive(mailbox=mailbox, raw=raw, now=monday_9am)

    assert (record.outcome, record.reason) == (Outcome.HELD, Reason.UNVERIFIED_REFERENCE)
    assert ticket.messages.count() == 0
    assert Ticket.objects.count() == 1


def test_a_tampered_signature_does_not_attach_the_mail(mailbox, ticket, li_na, monday_9am):
    tag = reply_tag(ticket)
    forged = tag[:-1] + ("0" if tag[-1] != "0" else "1")
    raw = eml("reply_signed", REPLY_TAG=forged, REF=ticket.reference, IN_REPLY_TO="<x@y>")

    record = inbound.receive(mailbox=mailbox, raw=raw, now=monday_9am)

    assert (record.outcome, record.reason) == (Outcome.HELD, Reason.UNVERIFIED_REFERENCE)
    assert ticket.messages.count() == 0
    assert addresses.ticket_pk_from_address(f"support+{forged}@example.com") is None
    assert addresses.ticket_pk_from_address(f"support+{tag}@example.com") == ticket.pk
    other = f"support+KX-{ticket.pk + 1:06d}.{tag.partition('.')[2]}@example.com"
    assert addresses.ticket_pk_from_address(other) is None  # a signature is for one ticket only


def test_a_reply_from_a_non_participant_is_held_for_review(mailbox, ticket, monday_9am):
    raw = eml("reply_non_participant", REPLY_TAG=reply_tag(ticket), REF=ticket.reference)

    record = inbound.receive(mailbox=mailbox, raw=raw, now=monday_9am)

    assert (record.outcome, record.reason, record.ticket) == (Outcome.HELD, Reason.NOT_PARTICIPANT, ticket)
    assert ticket.messages.count() == 0


def test_an_auto_reply_posts_nothing_and_triggers_no_mail(
    mailbox, ticket, monday_9am, django_capture_on_commit_callbacks
):
    before = OutboundEmail.objects.count()
    received = OutboundEmail.objects.get(ticket=ticket, kind=EmailKind.DETAILS_NEEDED)
    raw = eml("auto_reply", REPLY_TAG=reply_tag(ticket), IN_REPLY_TO=received.message_id)

    record = inbound.receive(mailbox=mailbox, raw=raw, now=monday_9am)

    assert (record.outcome, record.reason, record.ticket) == (Outcome.IGNORED, Reason.AUTO_SUBMITTED, ticket)
    assert ticket.messages.count() == 0
    assert OutboundEmail.objects.count() == before


def test_a_bounce_triggers_no_mail_and_is_noted_on_the_mail_that_bounced(mailbox, ticket, monday_9am):
    received = OutboundEmail.objects.get(ticket=ticket, kind=EmailKind.DETAILS_NEEDED)
    before = OutboundEmail.objects.count()

    record = inbound.receive(
        mailbox=mailbox, raw=eml("bounce", BOUNCED_ID=received.message_id), now=monday_9am
    )

    assert (record.outcome, record.reason) == (Outcome.IGNORED, Reason.BOUNCE)
    assert OutboundEmail.objects.count() == before
    received.refresh_from_db()
    assert received.last_error.startswith("Bounced:") and "User unknown" in received.last_error


def test_our_own_mail_coming_back_is_a_loop_and_ignored(mailbox, ticket, monday_9am):
    raw = eml("new_request_gbk").replace(
        b"Message-ID: <20251103091200.gbk.1@huadong.example>", b"Message-ID: <loop.1@x>"
    )
    raw = raw.replace(b"To: support@example.com", b"To: support@example.com\r\nX-Kuaixiang-Ticket: KX-000001")

    record = inbound.receive(mailbox=mailbox, raw=raw, now=monday_9am)

    assert (record.outcome, record.reason) == (Outcome.IGNORED, Reason.LOOP)


def test_an_unknown_sender_is_held_or_becomes_a_customer_as_the_mailbox_says(
    mailbox, organization, monday_9am
):
    held = inbound.receive(mailbox=mailbox, raw=eml("html_only"), now=monday_9am)
    assert (held.outcome, held.reason) == (Outcome.HELD, Reason.UNKNOWN_SENDER)
    assert not User.objects.filter(email="zhao.lei@huadong.example").exists()

    mailbox.unknown_sender = Mailbox.UnknownSender.CREATE
    mailbox.save()
    created = inbound.receive(mailbox=mailbox, raw=eml("big5"), now=monday_9am)

    assert created.outcome == Outcome.TICKET
    customer = User.objects.get(email="chan.tai@hk.example")
    assert customer.customer_profile.organization == organization
    assert customer.customer_profile.language == "zh-hans"
    assert not customer.has_usable_password()


def test_an_agent_accepts_a_held_unknown_sender_and_the_ticket_opens(mailbox, organization, monday_9am):
    held = inbound.receive(mailbox=mailbox, raw=eml("html_only"), now=monday_9am)

    accepted = inbound.release(record=held, reviewer=AgentFactory(), now=monday_9am)

    assert accepted.outcome == Outcome.TICKET
    assert accepted.ticket.requester.email == "zhao.lei@huadong.example"


def test_a_sender_over_the_rate_limit_is_held_without_any_mail(mailbox, li_na, monday_9am, settings):
    settings.MAIL_SENDER_LIMIT = 2
    outcomes = []
    for number in range(3):
        raw = eml("new_request_gbk").replace(b"gbk.1@", f"gbk.1.{number}@".encode())
        outcomes.append(inbound.receive(mailbox=mailbox, raw=raw, now=monday_9am).outcome)
    mails = OutboundEmail.objects.filter(kind=EmailKind.DETAILS_NEEDED).count()

    assert outcomes == [Outcome.TICKET, Outcome.TICKET, Outcome.HELD]
    assert mails == 2


def test_a_mail_over_the_size_limit_is_refused_and_only_its_headers_kept(
    mailbox, li_na, monday_9am, settings
):
    settings.MAIL_MAX_BYTES = 200

    record = inbound.receive(mailbox=mailbox, raw=eml("new_request_gbk"), now=monday_9am)

    assert (record.outcome, record.reason) == (Outcome.REFUSED, Reason.TOO_LARGE)
    assert Ticket.objects.count() == 0
    assert record.raw.size < len(eml("new_request_gbk"))


def test_mail_sent_after_commit_leaves_with_its_stored_message_id(ticket, django_capture_on_commit_callbacks):
    from helpdesk.services.outbox import flush_outbox

    flush_outbox()
    sent = {m.extra_headers.get("Message-ID") for m in django_mail.outbox}
    stored = set(OutboundEmail.objects.filter(ticket=ticket).values_list("message_id", flat=True))
    assert stored and stored <= sent


def test_a_mailbox_with_a_team_gives_its_tickets_to_that_team(mailbox, li_na, monday_9am):
    from helpdesk.tests.factories import TeamFactory

    mailbox.team = TeamFactory(name="邮件组")
    mailbox.save()

    ticket = inbound.receive(mailbox=mailbox, raw=eml("new_request_gbk"), now=monday_9am).ticket

    assert ticket.team == mailbox.team


def test_a_reply_fetched_again_after_its_record_was_lost_is_still_one_message(
    mailbox, ticket, li_na, monday_9am
):
    raw = eml("reply_signed", REPLY_TAG=reply_tag(ticket), REF=ticket.reference, IN_REPLY_TO="<x@y>")
    first = inbound.receive(mailbox=mailbox, raw=raw, now=monday_9am)
    InboundMessage.objects.filter(pk=first.pk).delete()  # as if the fetcher died before recording

    again = inbound.receive(mailbox=mailbox, raw=raw, now=monday_9am)

    assert again.ticket_message == first.ticket_message
    assert ticket.messages.count() == 1
