"""`seed_demo --tickets N`: batches of plain inserts, the index built once at the end."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from core import clock
from helpdesk.demo import bulk
from helpdesk.demo.seed import seed_people, seed_reference_data
from helpdesk.models import OPEN_STATUSES, Ticket, TicketEvent
from helpdesk.search import DOC_TYPE
from search.models import SearchDocument

pytestmark = pytest.mark.django_db


def test_generated_tickets_arrive_in_batches_with_their_events_and_are_indexed_once(monkeypatch):
    monkeypatch.setattr(bulk, "BATCH", 7)
    monkeypatch.setattr(bulk, "INDEX_BATCH", 5)
    phases: list[tuple[int, str]] = []
    indexed_batches: list[int] = []
    real_index = bulk.index_tickets
    monkeypatch.setattr(
        bulk, "index_tickets", lambda tickets: indexed_batches.append(len(tickets)) or real_index(tickets)
    )
    world = seed_reference_data()
    people = seed_people(world)
    before = Ticket.objects.count()

    made = bulk.generate_tickets(
        count=23, world=world, people=people, now=clock.now(), progress=lambda n, p: phases.append((n, p))
    )

    generated = Ticket.objects.order_by("-pk")[:23]
    assert made == 23
    assert Ticket.objects.count() == before + 23
    assert TicketEvent.objects.filter(ticket__in=generated, kind="created").count() == 23
    assert (
        SearchDocument.objects.filter(doc_type=DOC_TYPE, object_id__in=[str(t.pk) for t in generated]).count()
        == 23
    )
    assert [n for n, phase in phases if phase == "inserted"] == [7, 14, 21, 23]
    assert indexed_batches == [5, 5, 5, 5, 3]  # after every insert, from the first new ticket on


def test_open_generated_tickets_leave_only_running_clocks_to_the_watcher():
    world = seed_reference_data()
    now = clock.now()
    bulk.generate_tickets(count=60, world=world, people=seed_people(world), now=now)

    for ticket in Ticket.objects.filter(status__in=OPEN_STATUSES):
        if ticket.sla_next_check_at is not None:
            assert ticket.sla_next_check_at >= now  # a due time already past is flagged
        if ticket.resolution_due_at and ticket.resolution_due_at < now:
            assert ticket.resolution_breached


def test_insert_rows_sets_the_primary_keys_of_what_it_inserted(customer_with_ticket_world):
    requester, category = customer_with_ticket_world
    rows = [
        Ticket(
            subject=f"bulk {n}",
            category=category,
            requester=requester,
            organization=requester.customer_profile.organization,
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        for n in range(3)
    ]

    bulk.insert_rows(Ticket, rows)

    assert [Ticket.objects.get(pk=row.pk).subject for row in rows] == ["bulk 0", "bulk 1", "bulk 2"]


def test_seeding_leaves_planner_statistics():
    call_command("seed_demo", stdout=StringIO())

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'helpdesk_ticket'")
        else:
            # reltuples is -1 until a table was first analysed (PostgreSQL 14+); it changes
            # with the ANALYZE, inside this test's transaction.
            cursor.execute(
                "SELECT count(*) FROM pg_class WHERE relname = 'helpdesk_ticket' AND reltuples >= 0"
            )
        assert cursor.fetchone()[0] >= 1


@pytest.fixture
def customer_with_ticket_world():
    from helpdesk.tests.factories import CategoryFactory, CustomerFactory

    return CustomerFactory(), CategoryFactory()
