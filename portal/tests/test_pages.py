"""Home page support status, plans page, error pages."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from helpdesk.models import SLAPlan
from helpdesk.tests.factories import plan
from portal import selectors

pytestmark = pytest.mark.django_db

SATURDAY_NOON_SHANGHAI = datetime(2025, 11, 8, 4, 0, tzinfo=UTC)


def test_the_home_page_works_for_anonymous_visitors(client, db):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert reverse("portal:submit") in response.content.decode()


def test_the_home_page_shows_the_support_status_for_the_users_plan(customer_client, team):
    response = customer_client.get(reverse("portal:home"))
    assert response.context["status"].plan.tier == SLAPlan.Tier.ADVANCED
    assert 'id="support-status"' in response.content.decode()


def test_support_is_closed_on_a_saturday_and_opens_monday_morning(customer, team, monday_9am):
    status = selectors.support_status(user=customer, now=SATURDAY_NOON_SHANGHAI)
    assert not status.plan_hours.is_open
    # Advanced plan: Monday 10 Nov 09:00 Beijing time = 01:00 UTC
    assert status.plan_hours.opens_at == datetime(2025, 11, 10, 1, 0, tzinfo=UTC)
    assert status.team_hours is not None
    assert selectors.support_status(user=customer, now=monday_9am).plan_hours.is_open


def test_the_urgent_plan_is_always_open(customer, team):
    profile_org = customer.customer_profile.organization
    profile_org.sla_plan = plan(SLAPlan.Tier.URGENT)
    profile_org.save()
    assert selectors.support_status(user=customer, now=SATURDAY_NOON_SHANGHAI).plan_hours.is_open


def test_the_support_status_is_shown_in_the_users_time_zone(customer_client, customer, team):
    customer.customer_profile.timezone = "Europe/Berlin"
    customer.customer_profile.save()
    response = customer_client.get(reverse("portal:home"))
    assert "Europe/Berlin" in response.content.decode()


def test_the_plans_page_lists_targets_and_highlights_the_users_plan(customer_client):
    response = customer_client.get(reverse("portal:plans"))
    plans = response.context["plans"]
    assert [p.plan.tier for p in plans] == ["standard", "advanced", "urgent"]
    current = [p for p in plans if p.is_current]
    assert [p.plan.tier for p in current] == ["advanced"]
    advanced = current[0]
    assert [t.priority for t in advanced.targets] == ["p1", "p2", "p3", "p4"]
    assert advanced.hours[0][1] == "09:00–12:00, 13:00–18:00"
    assert "plan-current" in response.content.decode()


def test_the_plans_page_is_public(client, db):
    assert client.get(reverse("portal:plans")).status_code == 200


def test_an_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404


def test_the_home_page_lists_popular_knowledge_base_articles(client, db):
    from knowledgebase.models import Kind
    from knowledgebase.tests.factories import article

    faq = article(title="如何重新同步失败的凭证？", kind=Kind.FAQ)
    client.get(faq.get_absolute_url())
    html = client.get(reverse("portal:home")).content.decode()
    assert faq.get_absolute_url() in html
    assert 'action="/search/"' in html


def test_popular_panels_wait_until_something_was_read(client, db):
    from knowledgebase.models import Kind
    from knowledgebase.tests.factories import article

    faq = article(title="如何重新同步失败的凭证？", kind=Kind.FAQ)
    guide = article(title="凭证规则入门")
    html = client.get(reverse("portal:home")).content.decode()
    assert 'id="faq-title"' not in html and 'id="articles-title"' not in html
    assert faq.get_absolute_url() not in html and guide.get_absolute_url() not in html
    assert 'id="categories-title"' in html  # a panel that promises no popularity stays
    client.get(guide.get_absolute_url())
    html = client.get(reverse("portal:home")).content.decode()
    assert 'id="articles-title"' in html and guide.get_absolute_url() in html
    assert 'id="faq-title"' not in html
