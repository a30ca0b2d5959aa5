"""Fixtures for the dashboards: a manager, a team with an agent, tickets through the services."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group

from helpdesk.roles import MANAGERS
from helpdesk.services.conversation import record_agent_reply
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import AgentFactory, CategoryFactory, TeamFactory, submit

# Monday 2025-11-03 09:00 Beijing.
MONDAY_9 = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)
NOW = MONDAY_9 + timedelta(days=2)


@pytest.fixture
def manager(db):
    user = AgentFactory(full_name="赵经理")
    user.groups.add(Group.objects.get(name=MANAGERS))
    return user


@pytest.fixture
def team_agent(db):
    """An agent of the Kingdee team (no report permission: sees the team's figures only)."""
    team = TeamFactory(name="金蝶对接组")
    agent = AgentFactory(full_name="李客服")
    team.members.add(agent)
    return agent


def story(*, team=None, category=None, agent=None, at=MONDAY_9, answer_after=None, resolve_after=None):
    """One ticket through the services: submitted at `at`, answered and resolved after the delays."""
    category = category or CategoryFactory(default_team=team)
    ticket = submit(category=category, now=at)
    agent = agent or AgentFactory()
    if answer_after is not None:
        record_agent_reply(ticket=ticket, author=agent, body="您好，请检查科目设置。", now=at + answer_after)
    if resolve_after is not None:
        set_status(ticket=ticket, status="resolved", actor=agent, now=at + resolve_after)
    return ticket


@pytest.fixture
def history(django_capture_on_commit_callbacks, team_agent):
    """Three tickets of the agent's team and one of another, folded into the rollups."""
    team = team_agent.teams.get()
    other = TeamFactory(name="用友对接组")
    with django_capture_on_commit_callbacks(execute=True):
        story(team=team, agent=team_agent, answer_after=timedelta(hours=1), resolve_after=timedelta(hours=3))
        story(team=team, agent=team_agent, answer_after=timedelta(hours=2))
        story(team=team)
        story(team=other, category=CategoryFactory(default_team=other, name='=HYPERLINK("http://x")'))
    return team, other
