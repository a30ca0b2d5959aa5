"""`manage.py seed_chat` (run by `seed_demo`): demo chats played through the chat services, so
the chat figures of the managers' overview have something to show in a fresh demo."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from chat.demo import DAYS, seed_chats
from chat.models import AgentAvailability, ChatSession
from chat.reports import chat_measures
from core import clock
from helpdesk.demo.seed import seed_people, seed_reference_data
from helpdesk.models import Channel, Status, TicketMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_people(db):
    seed_people(seed_reference_data())


def test_demo_chats_are_answered_or_abandoned_and_counted_and_a_second_run_adds_nothing(demo_people):
    assert seed_chats(now=clock.now(), count=40) > 30  # a few would fall in the last hour
    sessions = ChatSession.objects.select_related("ticket", "team")
    ended = [s for s in sessions if s.status == ChatSession.Status.ENDED]
    abandoned = [s for s in sessions if s.status == ChatSession.Status.ABANDONED]
    assert len(ended) > 5 * len(abandoned) > 0
    now = clock.now()
    assert all(now - timedelta(days=DAYS) <= s.created_at < now for s in sessions)
    for session in ended:  # answered by an agent of the chat's team, as a ticket of channel chat
        assert session.accepted_at > session.created_at and session.ended_at > session.accepted_at
        assert session.ticket.channel == Channel.CHAT
        assert session.ticket.assignee_id == session.agent_id
        assert session.team.members.filter(pk=session.agent_id).exists()
        authors = list(
            TicketMessage.objects.filter(ticket=session.ticket).values_list("author_id", flat=True)
        )
        assert authors.count(session.customer_id) == 1 and len(authors) in (3, 4)
        if len(authors) == 4:  # the agent came back to it after the chat and resolved it
            assert session.ticket.status == Status.RESOLVED
        elif session.ticket.status != Status.RESOLVED:  # only a chat of the last day waits for that
            assert session.ended_at > now - timedelta(hours=20)
    followed_up = [s for s in ended if TicketMessage.objects.filter(ticket=s.ticket).count() == 4]
    assert 0 < len(followed_up) < len(ended)
    assert all(s.ticket_id is None and s.accepted_at is None for s in abandoned)
    assert any(s.rating for s in ended)
    english = [s for s in ended if s.customer.customer_profile.language == "en"]
    assert english and all(s.opening_text.isascii() for s in english)
    # The agents are left away, as before the demo: each one says when they take chats.
    assert set(AgentAvailability.objects.values_list("status", flat=True)) == {AgentAvailability.Status.AWAY}
    measures = chat_measures(start=now - timedelta(days=DAYS + 1), end=now)
    assert (measures.requested, measures.answered, measures.abandoned) == (
        len(ended) + len(abandoned),
        len(ended),
        len(abandoned),
    )
    assert measures.median_wait_seconds > 0

    call_command("seed_chat", stdout=(again := StringIO()))
    assert "already present" in again.getvalue()
    assert ChatSession.objects.count() == len(ended) + len(abandoned)
