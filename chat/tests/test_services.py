"""Routing, availability and capacity, and the intake of a chat (services, no websocket)."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from chat import selectors, services
from chat.models import ChatSession
from helpdesk.models import Channel, Status, Ticket, TicketMessage
from helpdesk.models.outbox import EmailKind, OutboundEmail
from helpdesk.tests.factories import AgentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_chat_waits_for_the_team_skilled_in_its_category_and_erp(customer, category, team, other_team):
    session = services.start_chat(customer=customer, category=category, text="凭证过账失败")
    assert session.team == team
    assert session.status == ChatSession.Status.WAITING


def test_a_customer_has_one_open_chat_at_a_time(customer, category, team):
    first = services.start_chat(customer=customer, category=category, text="第一次")
    again = services.start_chat(customer=customer, category=category, text="第二次")
    assert again.pk == first.pk
    assert ChatSession.objects.count() == 1


def test_an_agent_who_is_away_cannot_accept(customer, category, agent):
    services.set_availability(agent=agent, status="away")
    session = services.start_chat(customer=customer, category=category, text="你好")
    with pytest.raises(ValidationError, match="available"):
        services.accept_chat(session=session, agent=agent)
    session.refresh_from_db()
    assert session.status == ChatSession.Status.WAITING
    assert session.ticket is None


def test_an_agent_at_their_maximum_cannot_accept_another(category, agent, team):
    from helpdesk.tests.factories import CustomerFactory

    services.set_availability(agent=agent, status="available", max_chats=1)
    first = services.start_chat(customer=CustomerFactory(), category=category, text="一")
    second = services.start_chat(customer=CustomerFactory(), category=category, text="二")
    services.accept_chat(session=first, agent=agent)
    with pytest.raises(ValidationError, match="maximum"):
        services.accept_chat(session=second, agent=agent)
    services.end_chat(session=first, actor=agent)
    assert services.accept_chat(session=second, agent=agent).status == ChatSession.Status.ACTIVE


def test_an_agent_of_another_team_cannot_accept(customer, category, agent, other_team):
    outsider = AgentFactory()
    other_team.members.add(outsider)
    services.set_availability(agent=outsider, status="available")
    session = services.start_chat(customer=customer, category=category, text="你好")
    with pytest.raises(ValidationError, match="another team"):
        services.accept_chat(session=session, agent=outsider)
    assert session.pk in [chat.pk for chat in selectors.waiting_chats(agent)]
    assert session.pk not in [chat.pk for chat in selectors.waiting_chats(outsider)]


def test_the_second_of_two_agents_accepting_the_same_chat_is_told_it_is_taken(
    customer, category, agent, second_agent
):
    session = services.start_chat(customer=customer, category=category, text="两个人同时接")
    stale = ChatSession.objects.get(pk=session.pk)  # what the second agent's page still shows
    services.accept_chat(session=session, agent=agent)
    with pytest.raises(ValidationError, match="Another agent"):
        services.accept_chat(session=stale, agent=second_agent)
    session.refresh_from_db()
    assert session.agent == agent
    assert session.ticket.assignee == agent
    assert Ticket.objects.filter(channel=Channel.CHAT).count() == 1


def test_accepting_opens_a_chat_ticket_through_intake(customer, category, agent):
    session = services.start_chat(customer=customer, category=category, text="凭证过账失败\n金蝶报错 E1024")
    session = services.accept_chat(session=session, agent=agent)
    ticket = session.ticket
    assert ticket.channel == Channel.CHAT
    assert ticket.requester == customer
    assert ticket.assignee == agent
    assert ticket.subject == "凭证过账失败"
    assert "E1024" in ticket.symptoms
    assert ticket.first_response_due_at is not None
    assert ticket.events.filter(kind="created").exists()
    # A vague chat is accepted and flagged, as the chat policy says, never refused.
    assert ticket.needs_details


def test_the_agents_first_chat_message_is_the_first_response(customer, category, agent, monday_9am):
    session = services.accept_chat(
        session=services.start_chat(customer=customer, category=category, text="你好"), agent=agent
    )
    services.post_message(session=session, author=agent, body="备注：先查日志", internal=True)
    session.ticket.refresh_from_db()
    assert session.ticket.first_response_at is None
    message = services.post_message(session=session, author=agent, body="您好，我来看看")
    session.ticket.refresh_from_db()
    assert message.kind == TicketMessage.Kind.PUBLIC_REPLY
    assert message.channel == Channel.CHAT
    assert session.ticket.first_response_at == message.created_at


def test_words_written_while_waiting_become_the_description(customer, category, agent):
    session = services.start_chat(customer=customer, category=category, text="第一句")
    assert services.post_message(session=session, author=customer, body="第二句") is None
    session = services.accept_chat(session=session, agent=agent)
    assert "第一句" in session.ticket.symptoms and "第二句" in session.ticket.symptoms


def test_an_overlong_message_is_refused_with_its_limit(customer, category, settings):
    settings.CHAT_MAX_MESSAGE_CHARS = 10
    with pytest.raises(ValidationError, match="10"):
        services.start_chat(customer=customer, category=category, text="长" * 11)


def test_ending_resolved_resolves_the_ticket_and_the_customer_can_rate_and_get_the_transcript(
    customer, category, agent
):
    session = services.accept_chat(
        session=services.start_chat(customer=customer, category=category, text="你好"), agent=agent
    )
    services.post_message(session=session, author=agent, body="已解决，请重试")
    services.post_message(session=session, author=agent, body="内部：客户版本旧", internal=True)
    services.end_chat(session=session, actor=agent, resolve=True)
    session.refresh_from_db()
    session.ticket.refresh_from_db()
    assert session.status == ChatSession.Status.ENDED
    assert session.ticket.status == Status.RESOLVED
    services.rate_chat(session=session, customer=customer, score=5, comment="很快")
    mail.outbox.clear()
    services.mail_transcript(session=session, customer=customer)
    row = OutboundEmail.objects.get(kind=EmailKind.CHAT_TRANSCRIPT)
    assert "已解决，请重试" in row.body
    assert "客户版本旧" not in row.body
    assert session.ticket.reference in row.subject


def test_customers_see_the_agent_by_first_name_in_the_chat_and_its_transcript(customer, category, team):
    agent = AgentFactory(email="li.kefu@vendor.example", full_name="李客服 Li (Agent)")
    team.members.add(agent)
    services.set_availability(agent=agent, status="available")
    session = services.accept_chat(
        session=services.start_chat(customer=customer, category=category, text="你好"), agent=agent
    )
    services.post_message(session=session, author=agent, body="请重试")
    [reply] = [m for m in selectors.messages_after(session, user=customer, after=0) if m.author == agent]

    assert selectors.message_payload(reply, for_staff=False)["author"] == "李客服"
    assert selectors.session_payload(session, for_staff=False)["agent"] == "李客服"
    assert selectors.message_payload(reply, for_staff=True)["author"] == "李客服 Li (Agent)"
    services.mail_transcript(session=session, customer=customer)
    body = OutboundEmail.objects.get(kind=EmailKind.CHAT_TRANSCRIPT).body
    assert "李客服:" in body and "(Agent)" not in body and "vendor.example" not in body


def test_a_customer_who_leaves_before_an_answer_abandons_the_chat(customer, category, team):
    session = services.start_chat(customer=customer, category=category, text="你好")
    services.end_chat(session=session, actor=customer)
    session.refresh_from_db()
    assert session.status == ChatSession.Status.ABANDONED


def test_transfer_to_another_agent_moves_chat_and_ticket(customer, category, agent, second_agent):
    session = services.accept_chat(
        session=services.start_chat(customer=customer, category=category, text="你好"), agent=agent
    )
    session = services.transfer_chat(session=session, actor=agent, to_agent=second_agent)
    session.ticket.refresh_from_db()
    assert session.agent == second_agent and session.status == ChatSession.Status.ACTIVE
    assert session.ticket.assignee == second_agent


def test_transfer_to_a_team_puts_the_chat_back_in_that_queue(customer, category, agent, other_team):
    session = services.accept_chat(
        session=services.start_chat(customer=customer, category=category, text="你好"), agent=agent
    )
    session = services.transfer_chat(session=session, actor=agent, to_team=other_team)
    assert session.status == ChatSession.Status.WAITING and session.team == other_team
    session.ticket.refresh_from_db()
    assert session.ticket.team == other_team and session.ticket.assignee is None


def test_availability_counts_free_slots_place_and_offers_the_form_when_nobody_is_available(
    customer, category, team, agent
):
    session = services.start_chat(customer=customer, category=category, text="你好")
    now = session.created_at
    shown = selectors.availability_for(
        customer=customer, team=team, organization=session.organization, session=session, now=now
    )
    assert (shown.is_open, shown.agents_free, shown.place, shown.offer_form) == (True, 2, 1, False)
    services.set_availability(agent=agent, status="away")
    shown = selectors.availability_for(
        customer=customer, team=team, organization=session.organization, session=session, now=now
    )
    assert shown.agents_free == 0 and shown.offer_form


def test_outside_the_teams_hours_the_form_is_offered_with_the_opening_time(category, agent, team):
    from helpdesk.tests.factories import CustomerFactory, OrganizationFactory, plan

    team.calendar = plan().calendar  # Advanced: Beijing working hours
    team.save()
    customer = CustomerFactory(organization=OrganizationFactory(sla_plan=plan()))
    saturday_night = datetime(2025, 11, 8, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
    shown = selectors.availability_for(
        customer=customer,
        team=team,
        organization=customer.customer_profile.organization,
        session=None,
        now=saturday_night,
    )
    assert not shown.is_open and shown.offer_form
    assert shown.opens_at == datetime(2025, 11, 10, 1, 0, tzinfo=UTC)  # Monday 09:00 Beijing


def test_a_suggestion_that_solves_it_is_counted_as_a_chat_deflection(customer, category, team):
    services.record_deflection(customer=customer, category=category, text="凭证", url="/kb/a/", title="A")
    services.start_chat(customer=customer, category=category, text="另一个问题")
    start, end = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    assert selectors.chat_deflection_rate(start=start, end=end) == {"started": 2, "deflected": 1, "rate": 0.5}


def test_chat_messages_are_not_mailed_one_by_one(customer, category, agent):
    session = services.accept_chat(
        session=services.start_chat(customer=customer, category=category, text="你好"), agent=agent
    )
    services.post_message(session=session, author=agent, body="您好")
    services.post_message(session=session, author=customer, body="谢谢")
    kinds = set(OutboundEmail.objects.values_list("kind", flat=True))
    assert EmailKind.AGENT_REPLY not in kinds and EmailKind.CUSTOMER_REPLY not in kinds


def test_urgent_plan_customers_can_chat_around_the_clock(customer, category, agent, team):
    from helpdesk.tests.factories import plan

    team.calendar = plan().calendar  # the team keeps Beijing office hours…
    team.save()
    saturday_night = datetime(2025, 11, 8, 14, 0, tzinfo=UTC)
    shown = selectors.availability_for(
        customer=customer,
        team=team,
        organization=customer.customer_profile.organization,
        session=None,
        now=saturday_night,
    )
    assert shown.is_open and not shown.offer_form  # …but the Urgent plan promises 24×7
