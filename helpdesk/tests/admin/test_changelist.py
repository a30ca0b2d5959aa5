from datetime import timedelta

import pytest
from django.urls import reverse

from core import clock
from helpdesk.models import Ticket
from helpdesk.services.tickets import assign_ticket
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import AgentFactory, CategoryFactory, CustomerFactory, TeamFactory, submit

CHANGELIST = reverse("admin:helpdesk_ticket_changelist")


def listed(response) -> set[int]:
    return {ticket.pk for ticket in response.context["cl"].result_list}


def test_changelist_shows_reference_requester_and_sla_badge(agent_client, ticket):
    response = agent_client.get(CHANGELIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert ticket.reference in html
    assert "华东物流有限公司" in html
    assert "kx-sla kx-sla-running" in html
    assert reverse("admin:helpdesk_ticket_change", args=[ticket.pk]) in html


CHANGELIST_QUERIES = 12


@pytest.mark.parametrize("rows", [1, 5])
def test_changelist_runs_a_fixed_number_of_queries(agent_client, agent, rows, django_assert_num_queries):
    for index in range(rows):
        # Every row with its own requester, organization, team, category and assignee.
        category = CategoryFactory(default_team=TeamFactory())
        ticket = submit(requester=CustomerFactory(), category=category)
        assign_ticket(ticket=ticket, assignee=AgentFactory(), actor=agent)
        if index % 2:
            set_status(ticket=ticket, status="pending_customer", actor=agent)
    agent_client.get(CHANGELIST)  # warm per-process caches (calendars)

    with django_assert_num_queries(CHANGELIST_QUERIES):
        response = agent_client.get(CHANGELIST)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows
    assert len({ticket.team_id for ticket in response.context["cl"].result_list}) == rows


def test_assignee_filter_selects_mine_and_unassigned(agent_client, agent, customer):
    mine = submit(requester=customer)
    assign_ticket(ticket=mine, assignee=agent, actor=agent)
    theirs = submit(requester=customer)
    colleague = AgentFactory()
    assign_ticket(ticket=theirs, assignee=colleague, actor=agent)
    nobody = submit(requester=customer)

    assert listed(agent_client.get(CHANGELIST, {"assignee": "me"})) == {mine.pk}
    assert listed(agent_client.get(CHANGELIST, {"assignee": "none"})) == {nobody.pk}
    assert listed(agent_client.get(CHANGELIST, {"assignee": str(colleague.pk)})) == {theirs.pk}


def test_team_filter_selects_a_team_and_the_tickets_no_team_holds(agent_client, customer):
    team = TeamFactory(name="用友支持组")
    held = submit(requester=customer, category=CategoryFactory(default_team=team))
    homeless = submit(requester=customer)
    Ticket.objects.filter(pk=homeless.pk).update(team=None)

    response = agent_client.get(CHANGELIST)
    filter_links = {
        str(choice["display"]): choice["query_string"]
        for spec in response.context["cl"].filter_specs
        if spec.title == "team"
        for choice in spec.choices(response.context["cl"])
    }
    assert "No team" in filter_links and "-" not in filter_links
    assert listed(agent_client.get(CHANGELIST + filter_links["No team"])) == {homeless.pk}
    assert listed(agent_client.get(CHANGELIST + filter_links["用友支持组"])) == {held.pk}
    chinese = agent_client.get(CHANGELIST, headers={"accept-language": "zh-hans"})
    assert "无团队" in chinese.content.decode()


@pytest.fixture
def sla_tickets(customer, agent):
    now = clock.now()
    on_track = submit(requester=customer, subject="on track: 金蝶收款单生成凭证失败")
    # Each with the watcher's next check as clock.refresh sets it (the earliest unflagged
    # warning or due time): the "due soon" filter reads it.
    Ticket.objects.filter(pk=on_track.pk).update(
        first_response_due_at=now + timedelta(days=2),
        resolution_due_at=now + timedelta(days=5),
        sla_next_check_at=now + timedelta(days=1),
    )
    due_soon = submit(requester=customer, subject="due soon: 金蝶收款单生成凭证失败")
    Ticket.objects.filter(pk=due_soon.pk).update(
        first_response_due_at=now + timedelta(minutes=30),
        resolution_due_at=now + timedelta(days=5),
        sla_next_check_at=now + timedelta(minutes=24),
    )
    overdue = submit(requester=customer, subject="overdue: 金蝶收款单生成凭证失败")
    Ticket.objects.filter(pk=overdue.pk).update(
        first_response_due_at=now - timedelta(minutes=5),
        resolution_due_at=now + timedelta(days=5),
        sla_next_check_at=now - timedelta(minutes=5),
    )
    breached = submit(requester=customer, subject="breached: 金蝶收款单生成凭证失败")
    Ticket.objects.filter(pk=breached.pk).update(
        first_response_breached=True,
        first_response_due_at=now + timedelta(days=2),
        sla_next_check_at=now + timedelta(days=3),
    )
    paused = submit(requester=customer, subject="paused: 金蝶收款单生成凭证失败")
    set_status(ticket=paused, status="pending_customer", actor=agent)
    Ticket.objects.filter(pk=paused.pk).update(first_response_due_at=now - timedelta(hours=1))
    met = submit(requester=customer, subject="met: 金蝶收款单生成凭证失败")
    set_status(ticket=met, status="resolved", actor=agent)
    return {
        "on_track": on_track,
        "due_soon": due_soon,
        "overdue": overdue,
        "breached": breached,
        "paused": paused,
        "met": met,
    }


def test_sla_filter_selects_breached_due_soon_paused_and_met(agent_client, sla_tickets):
    pk = {name: ticket.pk for name, ticket in sla_tickets.items()}

    assert listed(agent_client.get(CHANGELIST, {"sla": "breached"})) == {pk["breached"]}
    assert listed(agent_client.get(CHANGELIST, {"sla": "due_soon"})) == {pk["due_soon"], pk["overdue"]}
    assert listed(agent_client.get(CHANGELIST, {"sla": "paused"})) == {pk["paused"]}
    assert listed(agent_client.get(CHANGELIST, {"sla": "met"})) == {pk["met"]}


@pytest.mark.parametrize("term", ["KX-{pk:06d}", "kx{pk}", " KX-{pk} "])
def test_search_by_reference_finds_exactly_that_ticket(agent_client, customer, term):
    wanted = submit(requester=customer, subject="对账单导入报错")
    submit(requester=customer, subject="另一个问题")

    response = agent_client.get(CHANGELIST, {"q": term.format(pk=wanted.pk)})

    assert listed(response) == {wanted.pk}


def test_search_by_bare_number_finds_the_ticket_and_text_matches(agent_client, customer):
    wanted = submit(requester=customer, subject="对账单导入报错")
    mentions = submit(requester=customer, subject=f"凭证号 {wanted.pk} 无法过账：提示单据不存在")
    submit(requester=customer, subject="另一个问题")

    found = listed(agent_client.get(CHANGELIST, {"q": str(wanted.pk)}))

    assert {wanted.pk, mentions.pk} <= found


def test_search_by_subject_and_requester_email(agent_client, customer):
    wanted = submit(requester=customer, subject="对账单导入报错")
    other = submit(subject="另一个问题")

    assert listed(agent_client.get(CHANGELIST, {"q": "对账单"})) == {wanted.pk}
    assert listed(agent_client.get(CHANGELIST, {"q": other.requester.email})) == {other.pk}


def test_index_panel_links_open_a_filtered_queue(agent_client, agent, customer):
    mine = submit(requester=customer)
    assign_ticket(ticket=mine, assignee=agent, actor=agent)
    submit(requester=customer)

    response = agent_client.get(CHANGELIST + "?assignee=me&status__in=new,open,pending_customer,on_hold")

    assert response.status_code == 200
    assert listed(response) == {mine.pk}
