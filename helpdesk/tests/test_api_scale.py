"""The API's ticket list at a million tickets: a deep keyset page reads what page 1 does.

An integrator follows `next` links; each page continues after the last row's (created_at,
id) and is read in order from the created_at index, however deep, with no OFFSET and no sort
of the matching tickets. On SQLite the planner gets a million tickets' statistics
(`scale_stats`); on PostgreSQL sequential scans are priced out for the EXPLAIN.
"""

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.query_plans import explain, sorts, uses_index
from helpdesk.tests.factories import AgentFactory, ensure_seeded, submit

from .scale_stats import load_million_ticket_stats

pytestmark = pytest.mark.django_db
CREATED_INDEX = "helpdesk_ticket_created_at_cd770843"


def page_seek(client: APIClient, url: str) -> tuple[dict, str]:
    """The page's JSON and the SQL that read its tickets."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "helpdesk_ticket"' in q["sql"] and "LIMIT" in q["sql"]
    ]
    assert len(reads) == 1, [q["sql"] for q in queries.captured_queries]
    return response.json(), reads[0]


def test_a_deep_keyset_page_is_read_in_order_from_the_created_index():
    ensure_seeded()
    for _ in range(7):
        submit()
    client = APIClient()
    client.force_authenticate(AgentFactory())
    load_million_ticket_stats()

    page, first = page_seek(client, "/api/v1/tickets/?page_size=2")
    for _ in range(2):  # as an integrator pages on: the `next` link, never ?page=N
        parts = urlsplit(page["next"])
        page, deep = page_seek(client, f"{parts.path}?{parts.query}")

    assert "OFFSET" not in deep
    assert '"helpdesk_ticket"."created_at" <' in deep or '"helpdesk_ticket"."created_at" <=' in deep, deep
    for sql in (first, deep):
        plan = explain(sql)
        assert uses_index(plan, CREATED_INDEX), plan
        assert not sorts(plan) or reads_in_created_order(plan), plan


def reads_in_created_order(plan: str) -> bool:
    """PostgreSQL's index holds created_at alone (SQLite's holds the rowid too): it reads the
    rows in created_at order and sorts only tickets created in the same microsecond by id
    (an incremental sort, stopping at the LIMIT), never all the matching tickets."""
    return (
        connection.vendor == "postgresql"
        and "Incremental Sort" in plan
        and "Presorted Key: helpdesk_ticket.created_at" in plan
        and not any(line.strip().startswith(("Sort  (", "->  Sort  (")) for line in plan.splitlines())
    )
