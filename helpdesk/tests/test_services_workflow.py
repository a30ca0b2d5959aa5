"""set_status, reopen_ticket, rate_ticket and the replies that drive them."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from helpdesk.models import InvalidTransition, SatisfactionRating, Status, TicketEvent, TicketMessage
from helpdesk.services.conversation import add_internal_note, record_agent_reply, record_customer_reply
from helpdesk.services.workflow import rate_ticket, reopen_ticket, set_status
from helpdesk.tests.factories import AgentFactory, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return AgentFactory()


def test_invalid_transition_is_refused_with_a_clear_error(agent, monday_9am):
    ticket = submit(now=monday_9am)
    set_status(ticket=ticket, status=Status.CLOSED, actor=agent, now=monday_9am)
    with pytest.raises(InvalidTransition, match=re.escape("A ticket cannot go from “Closed” to “Open”.")):
        set_status(ticket=ticket, status=Status.OPEN, actor=agent, now=monday_9am)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_unknown_status_is_refused(agent):
    ticket = submit()
    with pytest.raises(InvalidTransition, match=re.escape("Unknown status “exploded”.")):
        set_status(ticket=ticket, status="exploded", actor=agent)


def test_status_change_is_audited_with_old_and_new(agent, monday_9am):
    ticket = submit(now=monday_9am)
    set_status(ticket=ticket, status=Status.OPEN, actor=agent, now=monday_9am)
    event = ticket.events.get(kind=TicketEvent.Kind.STATUS)
    assert (event.old_value, event.new_value, event.actor) == (Status.NEW, Status.OPEN, agent)


def test_pending_customer_pauses_and_customer_reply_resumes(agent, monday_9am):
    ticket = submit(now=monday_9am)
    record_agent_reply(
        ticket=ticket, author=agent, body="请提供截图", status=Status.PENDING_CUSTOMER, now=monday_9am
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_CUSTOMER
    assert ticket.sla_paused_since == monday_9am
    assert ticket.resolution_due_at is None  # the clock does not run while waiting on the customer

    later = monday_9am + timedelta(hours=2)
    record_customer_reply(ticket=ticket, author=ticket.requester, body="截图见附件", now=later)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.sla_paused_since is None
    assert ticket.resolution_due_at is not None
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert TicketEvent.Kind.SLA_PAUSED in kinds and TicketEvent.Kind.SLA_RESUMED in kinds


def test_resolving_stamps_resolution_and_sends_a_survey(agent, monday_9am):
    ticket = submit(now=monday_9am)
    record_agent_reply(ticket=ticket, author=agent, body="已修复", now=monday_9am + timedelta(hours=1))
    set_status(ticket=ticket, status=Status.RESOLVED, actor=agent, now=monday_9am + timedelta(hours=2))
    ticket.refresh_from_db()
    assert ticket.resolved_at == monday_9am + timedelta(hours=2)
    assert ticket.resolution_business_seconds == 2 * 3600
    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert ticket.emails.filter(kind="satisfaction_survey").exists()
    assert rating.rated_at is None


def test_customer_reopens_within_the_window_and_it_is_counted(agent, monday_9am):
    ticket = submit(now=monday_9am)
    set_status(ticket=ticket, status=Status.RESOLVED, actor=agent, now=monday_9am)
    reopen_ticket(
        ticket=ticket, actor=ticket.requester, reason="还是不行", now=monday_9am + timedelta(days=2)
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.reopen_count == 1
    assert ticket.resolved_at is None
    assert ticket.events.filter(kind=TicketEvent.Kind.REOPENED).exists()


def test_customer_cannot_reopen_after_the_window(agent, monday_9am):
    ticket = submit(now=monday_9am)
    set_status(ticket=ticket, status=Status.RESOLVED, actor=agent, now=monday_9am)
    too_late = "This ticket was resolved more than 7 days ago; please submit a new request."
    with pytest.raises(ValidationError, match=re.escape(too_late)):
        reopen_ticket(ticket=ticket, actor=ticket.requester, now=monday_9am + timedelta(days=8))
    # An agent still can, until the ticket is closed.
    reopen_ticket(ticket=ticket, actor=agent, now=monday_9am + timedelta(days=8))


def test_customer_reply_to_a_recently_resolved_ticket_reopens_it(agent, monday_9am):
    ticket = submit(now=monday_9am)
    set_status(ticket=ticket, status=Status.RESOLVED, actor=agent, now=monday_9am)
    record_customer_reply(
        ticket=ticket, author=ticket.requester, body="问题又出现了", now=monday_9am + timedelta(days=1)
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.reopen_count == 1


def test_customer_reply_to_a_closed_ticket_is_refused(agent, monday_9am):
    ticket = submit(now=monday_9am)
    set_status(ticket=ticket, status=Status.CLOSED, actor=agent, now=monday_9am)
    closed = f"This ticket is closed. Please submit a new request and mention {ticket.reference}."
    with pytest.raises(ValidationError, match=re.escape(closed)):
        record_customer_reply(ticket=ticket, author=ticket.requester, body="?", now=monday_9am)


def test_first_agent_reply_stamps_first_response_and_opens_the_ticket(agent, monday_9am):
    ticket = submit(now=monday_9am)
    record_agent_reply(
        ticket=ticket, author=agent, body="您好，我们正在查看。", now=monday_9am + timedelta(minutes=30)
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.first_response_at == monday_9am + timedelta(minutes=30)
    assert ticket.first_response_seconds == 1800
    assert ticket.first_response_business_seconds == 1800
    assert ticket.agent_reply_count == 1
    assert ticket.next_response_due_at is not None
    assert ticket.emails.filter(kind="agent_reply").exists()


def test_internal_note_is_not_a_first_response(agent, monday_9am):
    ticket = submit(now=monday_9am)
    add_internal_note(ticket=ticket, author=agent, body="客户的科目表可能被改过", now=monday_9am)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert ticket.agent_reply_count == 0
    assert ticket.messages.get().kind == TicketMessage.Kind.INTERNAL_NOTE
    assert not ticket.emails.filter(kind="agent_reply").exists()


def test_customers_cannot_write_agent_replies_or_notes(monday_9am):
    ticket = submit(now=monday_9am)
    with pytest.raises(ValidationError, match=re.escape("Only agents can write public replies.")):
        record_agent_reply(ticket=ticket, author=ticket.requester, body="hi")
    with pytest.raises(ValidationError, match=re.escape("Only agents can write internal notes.")):
        add_internal_note(ticket=ticket, author=ticket.requester, body="hi")


def test_empty_reply_is_refused(agent):
    ticket = submit()
    with pytest.raises(ValidationError, match=re.escape("Write a message first.")):
        record_agent_reply(ticket=ticket, author=agent, body="   ")


def test_rating_is_single_use_and_audited(agent, monday_9am):
    ticket = submit(now=monday_9am)
    set_status(ticket=ticket, status=Status.RESOLVED, actor=agent, now=monday_9am)
    token = SatisfactionRating.objects.get(ticket=ticket).token
    rate_ticket(token=token, score=5, comment="很快", now=monday_9am)
    with pytest.raises(
        ValidationError, match=re.escape("This resolution has already been rated. Thank you!")
    ):
        rate_ticket(token=token, score=1, now=monday_9am)
    assert SatisfactionRating.objects.get(ticket=ticket).score == 5
    assert ticket.events.filter(kind=TicketEvent.Kind.RATED, new_value="5").exists()


@pytest.mark.parametrize("score", [0, 6])
def test_rating_outside_one_to_five_is_refused(agent, score):
    ticket = submit()
    set_status(ticket=ticket, status=Status.RESOLVED, actor=agent)
    token = SatisfactionRating.objects.get(ticket=ticket).token
    with pytest.raises(ValidationError, match=re.escape("Choose a score from 1 to 5.")):
        rate_ticket(token=token, score=score)


def test_audit_trail_reads_status_codes_as_labels(agent, monday_9am):
    ticket = submit(now=monday_9am)
    set_status(ticket=ticket, status=Status.PENDING_CUSTOMER, actor=agent, now=monday_9am)
    event = ticket.events.get(kind=TicketEvent.Kind.STATUS)
    assert (event.old_value, event.new_value) == ("new", "pending_customer")
    assert (event.old_display, event.new_display) == ("New", "Waiting on customer")
