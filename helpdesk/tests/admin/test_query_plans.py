"""The ticket queue's lists read their page in index order, whatever the filter.

Each test opens a list as an agent, takes the query that seeks the page's ticket ids (the
changelist's join-free query, `core.paging`) and checks its plan: the named index, and no
sort of the matching rows. On SQLite the planner is given the statistics of a database of a
million generated tickets (`scale_stats`), so it chooses as it would there; on PostgreSQL
sequential scans are priced out for the EXPLAIN (`core.query_plans`).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.query_plans import explain, sorts, uses_index
from helpdesk.tests.factories import CategoryFactory, CustomerFactory, TeamFactory, submit

from ..scale_stats import load_million_ticket_stats

CHANGELIST = reverse("admin:helpdesk_ticket_changelist")


def page_query(client, params: dict) -> str:
    """The SQL that seeks the ids of the list's first page (50 rows and one to spare)."""
    client.get(CHANGELIST, params)  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    seeks = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "helpdesk_ticket"."id" AS "pk" FROM "helpdesk_ticket"')
        and "LIMIT 51" in q["sql"]
    ]
    assert len(seeks) == 1, [q["sql"] for q in queries.captured_queries]
    return seeks[0]


@pytest.fixture
def queued(customer):
    # Two of each (teams, categories, organizations): a list filter with one choice is not
    # offered, and its parameter is ignored.
    submit(requester=CustomerFactory(), category=CategoryFactory(default_team=TeamFactory()))
    return submit(requester=customer, category=CategoryFactory(default_team=TeamFactory()))


@pytest.fixture
def queue(agent_client, queued):
    load_million_ticket_stats()
    return agent_client


@pytest.mark.parametrize(
    ("params", "index"),
    [
        ({"status__exact": "open"}, "ticket_status_recent"),
        ({"priority__exact": "p1"}, "ticket_priority_recent"),
        ({"team__id__exact": "team_id"}, "ticket_team_recent"),
        ({"assignee": "me"}, "ticket_assignee_recent"),
        ({"assignee": "none"}, "ticket_assignee_recent"),
        ({"category__id__exact": "category_id"}, "ticket_category_recent"),
        ({"channel__exact": "email"}, "ticket_channel_recent"),
        ({"needs_details__exact": "1"}, "ticket_needs_details_recent"),
        ({"organization__id__exact": "organization_id"}, "ticket_org_recent"),
    ],
)
def test_a_filtered_queue_reads_its_page_from_the_filters_index_in_order(queue, queued, params, index):
    # A value naming a foreign key is taken from the ticket (a filter on a missing row is dropped).
    params = {name: str(getattr(queued, value, value)) for name, value in params.items()}
    plan = explain(page_query(queue, params))

    # PostgreSQL, given no statistics, may as well walk the update-time index and filter:
    # that too reads the page in order. SQLite plans with a million tickets' statistics.
    acceptable = {index} if connection.vendor == "sqlite" else {index, "ticket_recent"}
    assert any(uses_index(plan, name) for name in acceptable), plan
    assert not sorts(plan), plan


def test_the_default_queue_walks_the_updated_at_index_without_joins_or_sorting(queue):
    sql = page_query(queue, {})
    plan = explain(sql)

    assert "JOIN" not in sql
    assert uses_index(plan, "ticket_recent"), plan
    assert not sorts(plan), plan


def test_due_soon_finds_and_orders_its_tickets_through_the_watchers_next_check(queue):
    sql = page_query(queue, {"sla": "due_soon"})
    plan = explain(sql)

    assert 'ORDER BY "helpdesk_ticket"."sla_next_check_at" ASC' in sql
    assert uses_index(plan, "ticket_sla_next_check"), plan


def test_a_deep_page_of_the_queue_is_still_read_in_index_order(queue):
    plan = explain(page_query(queue, {"p": "40", "status__exact": "closed"}))

    assert uses_index(plan, "ticket_status_recent"), plan
    assert not sorts(plan), plan


def test_the_agents_index_seeks_each_panel_from_its_index_and_loads_the_rows_once(queue, agent):
    from helpdesk.services.tickets import assign_ticket

    assign_ticket(ticket=submit(requester=CustomerFactory()), assignee=agent, actor=agent)
    queue.get(reverse("admin:index"))  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert queue.get(reverse("admin:index")).status_code == 200
    tickets = [q["sql"] for q in queries.captured_queries if 'FROM "helpdesk_ticket"' in q["sql"]]
    seeks = [sql for sql in tickets if "LIMIT 10" in sql]
    loads = [sql for sql in tickets if "LIMIT" not in sql and "JOIN" in sql]

    # "mine" per open status (4), "unassigned" per active status (2), "waiting", "recent".
    assert len(seeks) == 8, tickets
    assert all("JOIN" not in sql for sql in seeks), seeks
    assert len(loads) == 1, tickets
    mine = [sql for sql in seeks if '"assignee_id" = ' in sql and "first_response_due_at" in sql]
    assert len(mine) == 4, seeks
    for sql in mine:
        plan = explain(sql)
        if connection.vendor == "sqlite":
            assert uses_index(plan, "ticket_assignee_status_due"), plan
        else:
            # Both this index and the due-time one need a sort of equal due times, and on a
            # test table of a few rows PostgreSQL prices them the same and picks either (its
            # statistics cannot be loaded): what it must never do is read the table.
            assert "Seq Scan" not in plan and " using " in plan, plan
    unassigned = [sql for sql in seeks if '"assignee_id" IS NULL' in sql]
    assert len(unassigned) == 2, seeks
    for sql in unassigned:
        # PostgreSQL walked the due-time index past 650,000 assigned tickets without this one.
        plan = explain(sql)
        assert uses_index(plan, "ticket_unassigned_due"), plan
        assert not sorts(plan), plan
    recent = next(sql for sql in seeks if "WHERE" not in sql)
    plan = explain(recent)
    assert uses_index(plan, "ticket_recent"), plan
    assert not sorts(plan), plan


def test_met_walks_the_queue_order_instead_of_the_merged_into_index_and_a_sort(queue):
    # "merged_into IS NULL" holds for nearly every ticket: read through the foreign key's
    # index it meant sorting a million rows (0.5 s on SQLite).
    plan = explain(page_query(queue, {"sla": "met"}))

    assert not uses_index(plan, "helpdesk_ticket_merged_into_id_5cb70bdd"), plan
    assert uses_index(plan, "ticket_recent"), plan
    assert not sorts(plan), plan
