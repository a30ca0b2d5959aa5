"""Live chat on the managers' overview: requested, answered, abandoned before an answer, wait."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from chat import services
from chat.reports import chat_measures
from helpdesk.roles import MANAGERS
from helpdesk.tests.factories import AgentFactory, CustomerFactory

MINUTE = timedelta(minutes=1)


def _another(customer):
    return CustomerFactory(organization=customer.customer_profile.organization)


def test_a_chat_left_while_waiting_is_abandoned_and_an_accepted_one_is_answered(
    customer, category, agent, monday_9am
):
    t = monday_9am
    quick = services.start_chat(customer=customer, category=category, text="凭证过账失败", now=t)
    services.accept_chat(session=quick, agent=agent, now=t + 3 * MINUTE)
    left = services.start_chat(customer=_another(customer), category=category, text="有人吗", now=t + MINUTE)
    services.end_chat(session=left, actor=left.customer, now=t + 6 * MINUTE)
    slow = services.start_chat(
        customer=_another(customer), category=category, text="科目不存在", now=t + 2 * MINUTE
    )
    services.accept_chat(session=slow, agent=agent, now=t + 10 * MINUTE)
    services.end_chat(session=slow, actor=slow.customer, now=t + 20 * MINUTE)  # left after the answer

    m = chat_measures(start=t, end=t + timedelta(days=1))

    assert (m.requested, m.answered, m.abandoned) == (3, 2, 1)
    assert m.abandonment_rate == pytest.approx(1 / 3)
    assert m.median_wait_seconds == 180  # nearest rank of 3 and 8 minutes


def test_a_chat_counts_in_the_period_it_was_started_in(customer, category, agent, monday_9am):
    start, end = monday_9am, monday_9am + timedelta(days=1)
    before = services.start_chat(customer=customer, category=category, text="前一天", now=start - MINUTE)
    services.end_chat(session=before, actor=customer, now=start + MINUTE)  # abandoned inside the period
    first = services.start_chat(customer=_another(customer), category=category, text="刚好开始", now=start)
    services.end_chat(session=first, actor=first.customer, now=start + MINUTE)
    services.start_chat(customer=_another(customer), category=category, text="刚好结束", now=end)

    m = chat_measures(start=start, end=end)

    assert (m.requested, m.answered, m.abandoned) == (1, 0, 1)
    assert m.median_wait_seconds is None  # nothing answered: no value, not 0
    assert chat_measures(start=start - timedelta(days=1), end=start).abandoned == 1


def test_a_chat_solved_by_a_suggestion_is_not_requested(customer, category, monday_9am):
    services.record_deflection(
        customer=customer, category=category, text="科目", url="/kb/1/", title="科目设置", now=monday_9am
    )

    m = chat_measures(start=monday_9am, end=monday_9am + timedelta(days=1))

    assert (m.requested, m.abandoned) == (0, 0)
    assert m.abandonment_rate is None


def test_a_team_sees_only_its_own_chats(customer, category, team, other_team, monday_9am):
    services.start_chat(customer=customer, category=category, text="凭证", now=monday_9am)
    day = {"start": monday_9am, "end": monday_9am + timedelta(days=1)}

    assert chat_measures(**day, teams=frozenset({team.pk})).requested == 1
    assert chat_measures(**day, teams=frozenset({other_team.pk})).requested == 0


def test_the_overview_shows_the_chat_cards_and_their_definitions(client, customer, category, agent):
    from core.clock import now

    manager = AgentFactory(full_name="赵经理")
    manager.groups.add(Group.objects.get(name=MANAGERS))
    left = services.start_chat(customer=customer, category=category, text="有人吗", now=now() - MINUTE)
    services.end_chat(session=left, actor=customer)
    client.force_login(manager)

    response = client.get(reverse("admin:reports_overview"), {"preset": "7d"})

    assert response.status_code == 200
    groups = {group["key"]: group for group in response.context["card_groups"]}
    cards = {str(card["label"]): card["value"] for card in groups["chat"]["cards"]}
    assert cards["Chats requested"] == "1"
    assert cards["Abandoned before an answer"] == "1"
    assert cards["Abandonment rate"] == "100.0 %"
    assert cards["Median wait for an answer"] == "—"
    assert "Chats abandoned before an answer" in {
        str(term) for term, _text in response.context["definitions"]
    }
