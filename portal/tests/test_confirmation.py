"""The confirmation tells the truth about when support will look at the request."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from helpdesk.tests.factories import (
    CategoryFactory,
    CustomerFactory,
    OrganizationFactory,
    TeamFactory,
    plan,
    submit,
)

pytestmark = pytest.mark.django_db

SATURDAY_NOON = datetime(2025, 11, 8, 4, 0, tzinfo=UTC)  # 12:00 Beijing
MONDAY_TEN = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)  # 10:00 Beijing


def confirmation(client, *, tier: str, now: datetime, user_timezone: str = "") -> str:
    organization = OrganizationFactory(sla_plan=plan(tier))
    customer = CustomerFactory(organization=organization, organization__timezone=user_timezone)
    team = TeamFactory(calendar=plan("advanced").calendar)  # a team that works office hours
    ticket = submit(requester=customer, category=CategoryFactory(default_team=team), now=now)
    client.force_login(customer)
    response = client.get(reverse("portal:submit_done", kwargs={"reference": ticket.reference}))
    assert response.status_code == 200
    return response.content.decode()


def test_a_weekend_request_is_told_when_support_opens_in_the_users_time(client):
    page = confirmation(client, tier="advanced", now=SATURDAY_NOON)
    assert 'id="outside-hours"' in page
    assert "Monday 09:00" in page


def test_the_opening_is_shown_in_the_users_own_zone_and_the_teams(client):
    page = confirmation(client, tier="advanced", now=SATURDAY_NOON, user_timezone="Europe/Berlin")
    assert "Monday 02:00" in page  # 09:00 Beijing is 02:00 in Berlin in November
    assert "Asia/Shanghai" in page


def test_no_note_inside_support_hours(client):
    assert 'id="outside-hours"' not in confirmation(client, tier="advanced", now=MONDAY_TEN)


def test_no_note_for_a_round_the_clock_plan_even_when_the_team_is_away(client):
    assert 'id="outside-hours"' not in confirmation(client, tier="urgent", now=SATURDAY_NOON)


def test_the_plan_promise_is_explained_in_plain_words(client):
    page = confirmation(client, tier="advanced", now=MONDAY_TEN)
    assert "promises a first response within 8 hours of support time" in page
    assert "Monday – Friday" in page
    assert "09:00–12:00, 13:00–18:00" in page


def test_a_round_the_clock_promise_says_so(client):
    page = confirmation(client, tier="urgent", now=SATURDAY_NOON)
    assert "within 1 hour, around the clock" in page


def test_the_standard_promise_counts_whole_working_days(client):
    page = confirmation(client, tier="standard", now=MONDAY_TEN)
    assert "within 24 hours of support time" in page
    assert "Monday – Friday" in page and "all day" in page
