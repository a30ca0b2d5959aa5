"""Outgoing mail as the recipient reads it: their language, the signed reply address, who is
told, and the HTML part every mail carries."""

import pytest
from django.core import mail

from helpdesk.mail import addresses
from helpdesk.models import EmailKind, OutboundEmail, Status
from helpdesk.services import notifications, outbox
from helpdesk.services.conversation import add_reply
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import AgentFactory, CategoryFactory, CustomerFactory, TeamFactory, submit

pytestmark = pytest.mark.django_db


def test_the_agent_reply_is_written_in_each_requesters_language(monday_9am):
    agent = AgentFactory()
    chinese = submit(requester=CustomerFactory(organization__language="zh-hans"), now=monday_9am)
    english = submit(requester=CustomerFactory(organization__language="en"), now=monday_9am)

    for ticket in (chinese, english):
        add_reply(ticket=ticket, author=agent, body="请启用科目 1122。", now=monday_9am)

    zh = OutboundEmail.objects.get(ticket=chinese, kind=EmailKind.AGENT_REPLY)
    en = OutboundEmail.objects.get(ticket=english, kind=EmailKind.AGENT_REPLY)
    assert zh.subject.startswith(f"[{chinese.reference}] 新回复")
    assert en.subject.startswith(f"[{english.reference}] New reply")
    assert zh.reply_to == addresses.reply_address(chinese) and en.reply_to == addresses.reply_address(english)


def test_the_quoted_history_names_staff_by_first_name_and_never_by_address(monday_9am):
    ticket = submit(
        requester=CustomerFactory(full_name="赵会计 Zhao", organization__language="zh-hans"), now=monday_9am
    )
    named = AgentFactory(full_name="李客服 Li (Agent)", email="li.kefu@vendor.example")
    nameless = AgentFactory(full_name="", email="zhang.gong@vendor.example")
    add_reply(ticket=ticket, author=named, body="请启用科目 1122。", now=monday_9am)
    add_reply(ticket=ticket, author=nameless, body="请发日志。", now=monday_9am)
    add_reply(ticket=ticket, author=ticket.requester, body="日志已附上。", now=monday_9am)
    add_reply(ticket=ticket, author=named, body="请升级到 3.2.1。", now=monday_9am)

    last = OutboundEmail.objects.filter(ticket=ticket, kind=EmailKind.AGENT_REPLY).latest("pk")
    # Who answered and when, in the requester's time zone, above the answer.
    assert "李客服 于 2025-11-03 09:00 回复：\n\n请升级到 3.2.1。" in last.body
    history = last.body.split("请升级到 3.2.1。", 1)[1]
    assert "李客服 于" in history and "(Agent)" not in history
    assert "赵会计 Zhao 于" in history
    assert "快响服务台 于" in history  # the agent without a name
    assert "vendor.example" not in last.body


def test_waiting_on_the_customer_is_told_to_the_requester_with_the_reply_address(monday_9am):
    ticket = submit(requester=CustomerFactory(organization__language="zh-hans"), now=monday_9am)

    set_status(ticket=ticket, status=Status.PENDING_CUSTOMER, actor=AgentFactory(), now=monday_9am)

    [told] = OutboundEmail.objects.filter(ticket=ticket, kind=EmailKind.STATUS_CHANGED)
    assert told.to == [ticket.requester.email]
    assert "等待客户回复" in told.body  # the status in the requester's language
    assert told.reply_to == addresses.reply_address(ticket)
    assert told.headers["Auto-Submitted"] == "auto-generated"


def test_a_move_the_customer_need_not_hear_about_sends_nothing(monday_9am):
    ticket = submit(now=monday_9am)

    set_status(ticket=ticket, status=Status.OPEN, actor=AgentFactory(), now=monday_9am)

    assert not OutboundEmail.objects.filter(ticket=ticket, kind=EmailKind.STATUS_CHANGED).exists()


def test_resolving_sends_the_survey_link_with_the_reply_address(monday_9am):
    ticket = submit(now=monday_9am)

    set_status(ticket=ticket, status=Status.RESOLVED, actor=AgentFactory(), now=monday_9am)

    [survey] = OutboundEmail.objects.filter(ticket=ticket, kind=EmailKind.SATISFACTION_SURVEY)
    token = ticket.ratings.get().token
    assert f"/rate/{token}/" in survey.body
    assert survey.reply_to == addresses.reply_address(ticket)


def test_an_sla_breach_goes_to_the_assignee_and_the_team_lead(monday_9am):
    lead, assignee = AgentFactory(), AgentFactory()
    team = TeamFactory(email="", lead=lead)
    ticket = submit(category=CategoryFactory(default_team=team), now=monday_9am)
    ticket.assignee = assignee

    notifications.sla_alert(
        ticket,
        kind=EmailKind.SLA_BREACH,
        target="first response",
        due_at=monday_9am,
        not_before=None,
        now=monday_9am,
    )

    [breach] = OutboundEmail.objects.filter(ticket=ticket, kind=EmailKind.SLA_BREACH)
    assert breach.to == sorted([assignee.email, lead.email])


def test_every_mail_leaves_with_an_html_part_saying_the_same(monday_9am):
    email = outbox.queue_email(
        to=["member@example.com"],
        subject="论坛摘要",
        body="新回复：https://kx.example/community/t/1/\n\n> 引用的内容\n<script>x</script>",
        kind=EmailKind.FORUM_DIGEST,
        now=monday_9am,
    )

    outbox.deliver(email_id=email.pk, now=monday_9am)

    [sent] = mail.outbox
    [(html, mimetype)] = sent.alternatives
    assert mimetype == "text/html"
    assert '<a href="https://kx.example/community/t/1/"' in html
    assert "<blockquote" in html and "引用的内容" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
