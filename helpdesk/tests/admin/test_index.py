from django.urls import reverse

from helpdesk.services.tickets import assign_ticket
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import AgentFactory, submit


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


def test_index_query_count_does_not_grow_with_tickets(
    agent_client, agent, customer, django_assert_max_num_queries
):
    def make(count):
        for _ in range(count):
            ticket = submit(requester=customer)
            assign_ticket(ticket=ticket, assignee=agent, actor=agent)

    make(2)
    agent_client.get(reverse("admin:index"))  # warm the calendar cache
    with django_assert_max_num_queries(12) as few:
        agent_client.get(reverse("admin:index"))
    make(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        agent_client.get(reverse("admin:index"))


def workspace_section(response) -> dict:
    """The helpdesk's block on the admin index (registered through core.registry)."""
    return next(s for s in response.context["index_sections"] if s["key"] == "helpdesk.workspace")
