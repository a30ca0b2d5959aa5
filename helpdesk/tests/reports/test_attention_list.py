"""The list of breached and at-risk tickets, against a plain reading of the ticket table."""

from datetime import timedelta

import pytest

from helpdesk.models import OPEN_STATUSES, Status, Ticket
from helpdesk.selectors.reports import Scope, attention_list
from helpdesk.selectors.reports.trends import AT_RISK_WINDOW
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import AgentFactory, TeamFactory

from .conftest import MONDAY_9, story

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def expected(now, low, high):
    """Open, unmerged tickets with a running clock due in [low, high), soonest first."""
    found = []
    for ticket in Ticket.objects.filter(status__in=OPEN_STATUSES, merged_into__isnull=True):
        dues = []
        if ticket.first_response_at is None and ticket.first_response_due_at:
            dues.append(ticket.first_response_due_at)
        if (
            ticket.resolved_at is None
            and ticket.status in (Status.NEW, Status.OPEN)
            and ticket.resolution_due_at
        ):
            dues.append(ticket.resolution_due_at)
        due = min((d for d in dues if (low is None or d >= low) and d < high), default=None)
        if due is not None:
            found.append((due, ticket.pk))
    return [pk for _due, pk in sorted(found)]


@pytest.fixture
def tickets(django_capture_on_commit_callbacks):
    team, agent = TeamFactory(name="金蝶对接组"), AgentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for hours in range(0, 60, 6):
            story(team=team, at=MONDAY_9 + hours * HOUR)  # never answered
        answered = [story(team=team, agent=agent, at=MONDAY_9 + h * HOUR, answer_after=HOUR) for h in (1, 7)]
        story(team=team, agent=agent, answer_after=HOUR, resolve_after=3 * HOUR)  # resolved: not listed
        set_status(ticket=answered[0], status=Status.PENDING_CUSTOMER, actor=agent, now=MONDAY_9 + 3 * HOUR)
    return team


@pytest.mark.parametrize("hours", [2, 10, 30, 200])
def test_breached_and_at_risk_are_the_open_tickets_whose_running_clock_is_due(tickets, hours):
    now = MONDAY_9 + hours * HOUR

    lists = attention_list(now=now)

    assert [t.pk for t in lists["breached"]] == expected(now, None, now)
    assert [t.pk for t in lists["at_risk"]] == expected(now, now, now + AT_RISK_WINDOW)


def test_a_team_lists_only_its_own_tickets(tickets):
    other = TeamFactory(name="用友对接组")
    now = MONDAY_9 + 200 * HOUR

    assert attention_list(scope=Scope(teams=frozenset({other.pk})), now=now)["breached"] == []
    assert len(attention_list(scope=Scope(teams=frozenset({tickets.pk})), now=now)["breached"]) >= 10


def test_the_lists_take_four_queries(tickets, django_assert_num_queries):
    with django_assert_num_queries(4):
        attention_list(now=MONDAY_9 + 30 * HOUR)
