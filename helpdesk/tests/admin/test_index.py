import pytest
from django.urls import reverse

from helpdesk.services.tickets import assign_ticket
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import AgentFactory, CustomerFactory, submit


def test_index_shows_my_unassigned_and_waiting_tickets_with_links(agent_client, agent, customer):
    mine = submit(requester=customer, subject="我的工单：凭证生成失败")
    assign_ticket(ticket=mine, assignee=agent, actor=agent)
    unassigned = submit(requester=customer, subject="没人处理的工单")
    waiting = submit(requester=customer, subject="等客户回复的工单")
    assign_ticket(ticket=waiting, assignee=agent, actor=agent)
    set_status(ticket=waiting, status="pending_customer", actor=agent)
    someone_else = submit(requester=customer, subject="别人的工单")
    assign_ticket(ticket=someone_else, assignee=AgentFactory(), actor=agent)

    response = agent_client.get(reverse("admin:index"))

    assert response.status_code == 200
    panels = {
        panel["key"]: [t.pk for t, _badge in panel["rows"]]
        for panel in workspace_section(response)["workspace_panels"]
    }
    assert mine.pk in panels["mine"] and someone_else.pk not in panels["mine"]
    assert panels["unassigned"] == [unassigned.pk]
    assert panels["waiting"] == [waiting.pk]
    html = response.content.decode()
    assert reverse("admin:helpdesk_ticket_change", args=[mine.pk]) in html
    assert "kx-sla" in html


# The panels seek their ids one status at a time (4 for "mine", 2 for "unassigned"), each
# from its index in order, rather than sorting all of an agent's open tickets; one more
# query loads the tickets of all four panels with their joins. Agents get no holiday
# check (a calendar manager's warning since issue 14).
INDEX_QUERIES = 15


@pytest.mark.parametrize("per_panel", [1, 5])
def test_index_runs_a_fixed_number_of_queries(agent_client, agent, per_panel, django_assert_num_queries):
    for _ in range(per_panel):  # a ticket in each panel, each with its own customer and organization
        mine = submit(requester=CustomerFactory())
        assign_ticket(ticket=mine, assignee=agent, actor=agent)
        submit(requester=CustomerFactory())  # unassigned
        waiting = submit(requester=CustomerFactory())
        assign_ticket(ticket=waiting, assignee=agent, actor=agent)
        set_status(ticket=waiting, status="pending_customer", actor=agent)
    agent_client.get(reverse("admin:index"))  # warm per-process caches (calendars)

    with django_assert_num_queries(INDEX_QUERIES):
        response = agent_client.get(reverse("admin:index"))

    assert response.status_code == 200
    panels = {panel["key"]: panel["rows"] for panel in workspace_section(response)["workspace_panels"]}
    # "Mine" holds every open ticket of the agent, the waiting ones too.
    assert [len(panels[key]) for key in ("mine", "unassigned", "waiting")] == [
        2 * per_panel,
        per_panel,
        per_panel,
    ]


def workspace_section(response) -> dict:
    """The helpdesk's block on the admin index (registered through core.registry)."""
    return next(s for s in response.context["index_sections"] if s["key"] == "helpdesk.workspace")


def test_my_panel_lists_the_soonest_first_response_due_across_open_statuses(agent, customer):
    from datetime import timedelta

    from core import clock
    from helpdesk.models import Ticket
    from helpdesk.selectors.workspace import agent_workspace

    now = clock.now()
    tickets = []
    for minutes, status in [(90, "open"), (30, "on_hold"), (60, "new"), (10, "pending_customer")]:
        ticket = submit(requester=customer)
        assign_ticket(ticket=ticket, assignee=agent, actor=agent)
        Ticket.objects.filter(pk=ticket.pk).update(
            status=status, first_response_due_at=now + timedelta(minutes=minutes)
        )
        tickets.append((minutes, ticket.pk))

    mine = [ticket.pk for ticket in agent_workspace(user=agent)["mine"]]

    assert mine == [pk for _, pk in sorted(tickets)]
