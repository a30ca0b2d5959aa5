"""My requests at scale: a capped count, Previous / Next, and the page read from an index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.paging import capped_page, count_label
from core.query_plans import explain, sorts, uses_index
from helpdesk.models import Ticket
from helpdesk.tests.factories import submit
from helpdesk.tests.scale_stats import load_million_ticket_stats

LIST = reverse("portal:tickets")


def test_the_count_reads_as_the_cap_and_a_plus_once_it_is_reached():
    assert count_label(12, cap=1000) == "12"
    assert count_label(1000, cap=1000) == "1,000"
    assert count_label(1001, cap=1000) == "1,000+"


def test_a_capped_page_knows_its_neighbours_without_counting_everything(customer):
    for _ in range(5):
        submit(requester=customer)
    tickets = Ticket.objects.filter(requester=customer).order_by("-updated_at", "-pk")

    first = capped_page(tickets, number="1", per_page=2, cap=3)
    last = capped_page(tickets, number="3", per_page=2, cap=3)
    junk = capped_page(tickets, number="x", per_page=2, cap=3)

    assert [t.pk for t in first] == [t.pk for t in tickets[:2]]
    assert (first.has_previous, first.has_next, first.count_label) == (False, True, "3+")
    assert (last.has_previous, last.has_next, len(last)) == (True, False, 1)
    assert junk.number == 1


def test_my_requests_say_how_many_up_to_the_cap_and_page_onwards(customer_client, customer, monkeypatch):
    from portal.views import tickets as views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for _ in range(3):
        submit(requester=customer)

    second = customer_client.get(LIST, {"page": 2})

    assert second.status_code == 200
    html = second.content.decode()
    assert "Page 2 · 3 requests" in html
    assert "?page=1" in html and "?page=3" not in html


@pytest.mark.django_db
def test_my_requests_read_their_page_in_order_from_the_requester_index(customer_client, customer):
    submit(requester=customer)
    load_million_ticket_stats()

    with CaptureQueriesContext(connection) as queries:
        assert customer_client.get(LIST, {"scope": "mine"}).status_code == 200

    seek = next(
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "helpdesk_ticket"."id" AS "pk"')
    )
    plan = explain(seek)
    # SQLite plans with a million tickets' statistics. PostgreSQL's cannot be loaded (that
    # needs a superuser), and on a test table of a few rows, or after another test's ANALYZE
    # left its row count behind (ANALYZE updates pg_class in place, past any rollback), it
    # may as well walk the update-time index and filter: that too reads the page in order.
    # At a million tickets `make bench` measures the page on both databases.
    acceptable = (
        {"ticket_requester_recent"}
        if connection.vendor == "sqlite"
        else {"ticket_requester_recent", "ticket_recent"}
    )
    assert any(uses_index(plan, name) for name in acceptable), plan
    assert not sorts(plan), plan
