"""Shared helpers for SLA tests: Beijing wall-clock moments and tickets on a chosen plan."""

from datetime import datetime
from zoneinfo import ZoneInfo

from helpdesk.models import Ticket
from helpdesk.tests.factories import (
    AgentFactory,
    CategoryFactory,
    CustomerFactory,
    OrganizationFactory,
    TeamFactory,
    plan,
    submit,
)

SH = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware moment on Beijing wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def ticket_on(tier: str, *, now: datetime, priority: str = "p3", team=None, **kwargs) -> Ticket:
    """A ticket submitted through the real service by a customer on the `tier` plan."""
    customer = CustomerFactory(organization=OrganizationFactory(sla_plan=plan(tier)))
    category = kwargs.pop("category", None) or CategoryFactory(default_team=team)
    return submit(requester=customer, category=category, priority=priority, now=now, **kwargs)


def team_with_lead(**kwargs):
    lead = AgentFactory(full_name="Team Lead")
    team = TeamFactory(lead=lead, email="team@vendor.example", **kwargs)
    team.members.add(lead)
    return team
