"""The queue's rows built once per page are the HTML Django's admin would have rendered."""

from datetime import UTC, datetime

import pytest
from django.contrib.admin.templatetags.admin_list import results
from django.urls import reverse
from django.utils import timezone, translation

from helpdesk.admin.display import sla_badge
from helpdesk.admin.queue_rows import QueueRows
from helpdesk.models import SlaTarget, Ticket
from helpdesk.services.tickets import assign_ticket, merge_tickets
from helpdesk.services.workflow import set_status
from helpdesk.sla.status import SlaBadge
from helpdesk.tests.factories import AgentFactory, CategoryFactory, CustomerFactory, TeamFactory, submit

CHANGELIST = reverse("admin:helpdesk_ticket_changelist")


def rows_html(rows) -> list[str]:
    return ["".join(str(cell) for cell in row) for row in rows]


@pytest.fixture
def varied_queue(agent, customer, organization):
    """Rows with every kind of cell: no team, unassigned, paused, resolved, merged, markup
    in the subject and the organization, a requester known only by email, no SLA."""
    organization.name = "华东 <物流> & Co"
    organization.save()
    plain = submit(requester=customer, subject='报错 <script>"x"</script> & 凭证')
    assign_ticket(ticket=plain, assignee=agent, actor=agent)
    paused = submit(
        requester=customer, category=CategoryFactory(default_team=TeamFactory(name="二线 & 集成"))
    )
    set_status(ticket=paused, status="pending_customer", actor=agent)
    resolved = submit(requester=CustomerFactory(full_name="", organization=organization))
    assign_ticket(ticket=resolved, assignee=AgentFactory(full_name=""), actor=agent)
    set_status(ticket=resolved, status="resolved", actor=agent)
    merged = submit(requester=customer)
    merge_tickets(source=merged, target=plain, actor=agent)
    no_sla = submit(requester=customer)
    Ticket.objects.filter(pk=no_sla.pk).update(sla_snapshot={}, team=None)
    return [plain, paused, resolved, merged, no_sla]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status__exact": "open", "o": "-3.1"},
        {"assignee": "none", "sla": "paused"},
        {"q": "KX", "p": "1"},
    ],
)
@pytest.mark.parametrize("language, zone", [("zh-hans", "Asia/Shanghai"), ("en", "America/New_York")])
def test_each_row_is_the_html_the_admin_renders(agent_client, varied_queue, query, language, zone):
    response = agent_client.get(CHANGELIST, query)
    changelist = response.context["cl"]

    with translation.override(language), timezone.override(zone):
        ours = rows_html(QueueRows(changelist))
        djangos = rows_html(results(changelist))

    assert ours == djangos
    if not query:
        assert len(ours) == len(varied_queue)


def test_the_page_shows_the_rows_with_links_that_keep_the_filters(agent_client, varied_queue):
    response = agent_client.get(CHANGELIST, {"status__exact": "new"})

    html = response.content.decode()
    changelist = response.context["cl"]
    assert changelist.result_list
    for row in rows_html(QueueRows(changelist)):
        assert f"<tr>{row}</tr>" in html
    ticket = changelist.result_list[0]
    link = (
        reverse("admin:helpdesk_ticket_change", args=[ticket.pk]) + "?_changelist_filters=status__exact%3Dnew"
    )
    assert f'<a href="{link}">{ticket.reference}</a>' in html
    assert 'id="result_list"' in html and "kx-sla" in html


def test_a_column_the_rows_do_not_know_falls_back_to_the_admins_rendering(agent_client, varied_queue):
    changelist = agent_client.get(CHANGELIST).context["cl"]
    changelist.list_display = [*changelist.list_display, "channel"]

    rows = QueueRows(changelist)

    assert rows.columns is None
    assert rows_html(rows) == rows_html(results(changelist))
    assert 'class="field-channel"' in rows_html(rows)[0]


def test_the_sla_badge_shows_target_and_due_time_in_the_agents_zone_and_what_is_left():
    due = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)
    running = SlaBadge("running", SlaTarget.FIRST_RESPONSE, due_at=due, remaining_seconds=2 * 3600 + 9 * 60)

    with translation.override("en"), timezone.override("Asia/Shanghai"):
        html = sla_badge(running)

    assert html == (
        f'<span class="kx-sla kx-sla-running" title="first response due 2026-12-01 09:30">{running.label}</span>'
        '<span class="kx-sla-left">2h 09m</span>'
    )


def test_the_sla_badge_escapes_what_it_shows_and_says_when_there_is_no_sla():
    merged = SlaBadge("merged", merged_into='KX-<1>&"')

    with translation.override("en"):
        assert sla_badge(merged) == (
            '<span class="kx-sla kx-sla-merged" title="">Merged into KX-&lt;1&gt;&amp;&quot;</span>'
        )
        assert sla_badge(None) == '<span class="kx-sla kx-sla-none">No SLA</span>'
