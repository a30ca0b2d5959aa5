"""The SLA badge agents see: which target matters now and how much business time is left."""

from datetime import timedelta

import pytest
from django.utils import translation

from helpdesk.admin.display import sla_badge
from helpdesk.models import Status
from helpdesk.services.conversation import record_agent_reply
from helpdesk.services.tickets import merge_tickets
from helpdesk.services.workflow import set_status
from helpdesk.sla.status import SlaOutcome, badges_for
from helpdesk.tests.factories import AgentFactory, submit

pytestmark = pytest.mark.django_db


def badge(ticket, now):
    ticket.refresh_from_db()
    return badges_for([ticket], now=now)[ticket.pk]


def test_new_ticket_counts_down_the_first_response_in_business_time(monday_9am):
    ticket = submit(now=monday_9am)  # Advanced P3: 8 business hours → Mon 18:00
    shown = badge(ticket, monday_9am + timedelta(hours=1))
    assert (shown.state, shown.target) == ("running", "first_response")
    assert shown.remaining_seconds == 7 * 3600
    assert shown.remaining_text == "7h 00m"


def test_warning_once_three_quarters_of_the_target_are_used(monday_9am):
    ticket = submit(now=monday_9am)
    # 09:00 + 6.5 business hours (lunch 12–13 excluded) = 16:30; 1.5 h of 8 h left < 25 %.
    shown = badge(ticket, monday_9am + timedelta(hours=7, minutes=30))
    assert shown.state == "warning"
    assert shown.remaining_seconds == 90 * 60


def test_overdue_target_is_breached_with_negative_business_time(monday_9am):
    ticket = submit(now=monday_9am)
    # Due Mon 18:00; the evening does not count, so at Tue 10:00 it is one business hour late.
    shown = badge(ticket, monday_9am + timedelta(hours=25))
    assert shown.state == "breached"
    assert shown.remaining_seconds == -3600
    assert badge(ticket, monday_9am + timedelta(hours=10)).state == "breached"


def test_a_past_miss_is_a_note_when_the_current_target_is_on_track(monday_9am):
    ticket = submit(now=monday_9am)
    agent = AgentFactory()
    late = monday_9am + timedelta(hours=10)
    record_agent_reply(ticket=ticket, author=agent, body="抱歉回复晚了", now=late)
    shown = badge(ticket, late + timedelta(minutes=5))
    assert shown.state == "running"
    assert shown.breached_before
    assert "breached earlier" in shown.label


def test_paused_and_finished_tickets(monday_9am):
    ticket = submit(now=monday_9am)
    agent = AgentFactory()
    record_agent_reply(
        ticket=ticket, author=agent, body="请提供日志", status=Status.PENDING_CUSTOMER, now=monday_9am
    )
    assert badge(ticket, monday_9am + timedelta(days=3)).state == "paused"
    set_status(ticket=ticket, status=Status.RESOLVED, actor=agent, now=monday_9am + timedelta(days=3))
    assert badge(ticket, monday_9am + timedelta(days=3)).state == "met"


def test_merged_ticket_says_merged_into_the_survivor_never_met(monday_9am):
    survivor = submit(now=monday_9am)
    duplicate = submit(requester=survivor.requester, now=monday_9am)
    merge_tickets(
        source=duplicate, target=survivor, actor=AgentFactory(), now=monday_9am + timedelta(hours=1)
    )

    shown = badge(duplicate, monday_9am + timedelta(days=3))  # closed by the merge, never answered

    assert shown.state == SlaOutcome.MERGED == "merged"
    assert shown.label == f"Merged into {survivor.reference}"
    assert (shown.target, shown.due_at, shown.remaining_text) == (None, None, "")
    html = sla_badge(shown)
    assert 'class="kx-sla kx-sla-merged"' in html and survivor.reference in html
    with translation.override("zh-hans"):
        assert shown.label == f"已合并到 {survivor.reference}"


def test_ticket_breached_before_the_merge_still_says_merged_with_a_note(monday_9am):
    """Reports count it as merged, neither met nor breached; the badge keeps the past miss."""
    survivor = submit(now=monday_9am)
    duplicate = submit(requester=survivor.requester, now=monday_9am)
    agent = AgentFactory()
    late = monday_9am + timedelta(hours=25)  # due Mon 18:00
    record_agent_reply(ticket=duplicate, author=agent, body="抱歉回复晚了", now=late)
    merge_tickets(source=duplicate, target=survivor, actor=agent, now=late)

    shown = badge(duplicate, late)

    assert shown.state == "merged" and shown.breached_before
    assert shown.label == f"Merged into {survivor.reference} (breached earlier)"


@pytest.mark.parametrize("count", [1, 5])
def test_badges_for_a_page_cost_one_query_however_many_tickets(monday_9am, count, django_assert_num_queries):
    tickets = [submit(now=monday_9am) for _ in range(count)]
    merged = submit(requester=tickets[0].requester, now=monday_9am)
    merge_tickets(source=merged, target=tickets[0], actor=None, now=monday_9am)
    merged.refresh_from_db()
    tickets.append(merged)  # its "Merged into KX-…" needs no query for the survivor
    badges_for(tickets, now=monday_9am)  # warm the calendar cache

    with django_assert_num_queries(1):
        badges = badges_for(tickets, now=monday_9am)

    assert len(badges) == count + 1
    assert badges[merged.pk].state == "merged"
    assert badges[merged.pk].label == f"Merged into {tickets[0].reference}"
