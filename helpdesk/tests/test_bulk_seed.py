"""`seed_demo --tickets N`: batches of plain rows, rollups and documents in the same pass,
the indexes built once at the end."""

import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core import clock
from core.bulkload import schema_indexes
from helpdesk.demo import bulk, generate
from helpdesk.demo.seed import seed_people, seed_reference_data
from helpdesk.models import (
    OPEN_STATUSES,
    ReportBacklog,
    ReportRollup,
    RollupCursor,
    SatisfactionRating,
    Status,
    Ticket,
    TicketEvent,
    TicketPause,
    TicketReportState,
)
from helpdesk.search import DOC_TYPE, index_tickets, matching_ticket_ids
from helpdesk.services import rollups, rollups_bulk
from search.models import SearchDocument
from search.tokenize import normalise_for_index

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def marker(monkeypatch, tmp_path):
    """The load's marker file, where a failing test cannot leave it for the next run."""
    path = tmp_path / "kuaixiang.seeding"
    monkeypatch.setattr(bulk, "load_marker", lambda: path)
    return path


@pytest.fixture
def world():
    world = seed_reference_data()
    return world, seed_people(world)


def _generate(world, count: int, *, now=None, **kwargs) -> int:
    now = now or clock.now()
    return bulk.generate_tickets(count=count, world=world[0], people=world[1], now=now, **kwargs)


def _new_tickets(before: int):
    return Ticket.objects.filter(pk__gt=before).order_by("pk")


def _last_pk() -> int:
    return Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_generated_tickets_arrive_in_batches_with_events_documents_and_report_states(world, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH", 7)
    batches: list[int] = []
    real_write = bulk._Writer.write
    monkeypatch.setattr(
        bulk._Writer,
        "write",
        lambda self, tickets, ratings: batches.append(len(tickets)) or real_write(self, tickets, ratings),
    )
    phases: list[tuple[int, str]] = []
    before = _last_pk()

    made = _generate(world, 23, progress=lambda n, p: phases.append((n, p)))

    new = list(_new_tickets(before).values_list("pk", flat=True))
    assert made == len(new) == 23
    assert new == list(range(before + 1, before + 24))
    assert TicketEvent.objects.filter(ticket_id__in=new, kind="created").count() == 23
    assert (
        SearchDocument.objects.filter(doc_type=DOC_TYPE, object_id__in=[str(pk) for pk in new]).count() == 23
    )
    assert TicketReportState.objects.filter(ticket_id__in=new).count() == 23
    assert batches == [7, 7, 7, 2]  # no batch holds more than BATCH tickets in memory
    assert [n for n, phase in phases if phase == "inserted"] == [7, 14, 21, 23]
    assert phases[-2:] == [(23, "rollups written"), (23, "indexes built")]


def test_new_rows_get_ids_above_the_generated_ones_afterwards(world):
    _generate(world, 5)
    last = _last_pk()

    ticket = Ticket.objects.create(
        subject="after the load",
        category=Ticket.objects.get(pk=last).category,
        requester=Ticket.objects.get(pk=last).requester,
        organization=Ticket.objects.get(pk=last).organization,
        created_at=clock.now(),
        updated_at=clock.now(),
    )

    assert ticket.pk > last


def test_the_same_seed_generates_the_same_tickets(world):
    columns = ["subject", "status", "priority", "requester_id", "assignee_id", "created_at", "resolved_at"]
    now = clock.now()
    before = _last_pk()
    _generate(world, 40, seed=11, now=now)
    first = list(_new_tickets(before).values_list(*columns))
    middle = _last_pk()
    _generate(world, 40, seed=11, now=now)

    assert list(_new_tickets(middle).values_list(*columns)) == first


def test_generated_tickets_keep_the_realistic_mix(world):
    before = _last_pk()
    _generate(world, 300)
    new = _new_tickets(before)

    statuses = {status: new.filter(status=status).count() for status in Status.values}
    # Weighted 6/12/6/2/34/40 before the SLA clock decides: most are resolved or closed, a
    # backlog stays open, some wait on the customer.
    assert statuses["resolved"] + statuses["closed"] > 150
    assert statuses["new"] + statuses["open"] > 20
    assert statuses["pending_customer"] + statuses["on_hold"] > 5
    assert (
        new.filter(first_response_breached=True).exists()
        and new.filter(first_response_breached=False).exists()
    )
    assert (
        TicketPause.objects.filter(ticket__in=new).count()
        == new.filter(sla_paused_since__isnull=False).count()
    )
    ratings = SatisfactionRating.objects.filter(ticket__in=new)
    assert ratings.exists() and not ratings.filter(ticket__resolved_at__isnull=True).exists()


def test_open_generated_tickets_leave_only_running_clocks_to_the_watcher(world):
    now = clock.now()
    bulk.generate_tickets(count=60, world=world[0], people=world[1], now=now)

    for ticket in Ticket.objects.filter(status__in=OPEN_STATUSES):
        if ticket.sla_next_check_at is not None:
            assert ticket.sla_next_check_at >= now  # a due time already past is flagged
        if ticket.resolution_due_at and ticket.resolution_due_at < now:
            assert ticket.resolution_breached


def _rollup_snapshot():
    return (
        {
            (r.day, r.team, r.dimension, r.value, r.measure, r.bucket): r.count
            for r in ReportRollup.objects.exclude(count=0)
        },
        {s.ticket_id: (s.in_hours, s.timezone, s.dims, s.facts) for s in TicketReportState.objects.all()},
        {b["ticket_id"]: b for b in ReportBacklog.objects.values()},
    )


# PostgreSQL: 10**9 makes every write an upsert (no write here has that many rows; 10,000 did
# not, each of the load's writes had more), 0 makes every write one COPY.
@pytest.mark.parametrize("copy_from", [10**9, 0])
def test_seeded_rollups_equal_what_a_rebuild_computes(world, monkeypatch, copy_from):
    rollups.rebuild()  # the demo's own tickets, folded through the services
    monkeypatch.setattr(rollups_bulk, "COPY_FROM", copy_from)
    monkeypatch.setattr(bulk, "BATCH", 50)
    monkeypatch.setattr(rollups_bulk.BulkFolder, "REDUCE_AT", 120)  # several partial sums
    _generate(world, 300)
    seeded = _rollup_snapshot()

    rollups.rebuild()

    assert seeded == _rollup_snapshot()
    assert len(seeded[1]) == Ticket.objects.count()


@pytest.mark.parametrize("swept_before", [True, False])
def test_the_sweep_cursor_moves_over_the_events_the_load_counted(world, swept_before):
    rollups.rebuild()
    if not swept_before:
        RollupCursor.objects.all().delete()
    _generate(world, 12)

    cursor = RollupCursor.objects.get(key=rollups.CURSOR)
    assert cursor.last_event_id == TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert rollups.sweep() == 0


def test_the_schema_after_a_seed_is_what_migrate_made(world, monkeypatch):
    before = schema_indexes(bulk.TABLES)
    during: list[set] = []
    monkeypatch.setattr(bulk, "BATCH", 10)

    _generate(
        world,
        20,
        progress=lambda n, phase: phase == "inserted" and during.append(schema_indexes(bulk.TABLES)),
    )

    assert schema_indexes(bulk.TABLES) == before
    ticket_indexes = {name for table, name, _sql in before if table == Ticket._meta.db_table}
    assert len(ticket_indexes) > 10
    # While loading, the ticket table kept only what cannot be dropped (its primary key and
    # unique columns): the others were built once, at the end.
    assert all(len({n for t, n, _ in schema if t == Ticket._meta.db_table}) < 5 for schema in during)


def test_bulk_documents_are_what_index_tickets_writes_and_are_found(world):
    before = _last_pk()
    _generate(world, 30)
    new = list(_new_tickets(before).select_related("organization"))
    fields = ["title", "url", "text", "tags_text", "title_norm", "tags_norm", "body_norm", "changed_at"]
    fields += ["erp_systems", "collection", "kind", "visibility", "kind_label"]
    keys = [str(t.pk) for t in new]
    bulk_rows = list(
        SearchDocument.objects.filter(doc_type=DOC_TYPE, object_id__in=keys).order_by("pk").values(*fields)
    )

    index_tickets(new)

    assert (
        list(
            SearchDocument.objects.filter(doc_type=DOC_TYPE, object_id__in=keys)
            .order_by("pk")
            .values(*fields)
        )
        == bulk_rows
    )
    agent = next(user for user in world[1].values() if user.is_staff)
    assert new[0].pk in matching_ticket_ids(query=new[0].reference, user=agent)


@pytest.mark.parametrize("template", generate.SUBJECTS)
def test_a_titles_tokens_composed_from_its_template_are_its_analysis(template):
    rng = random.Random(template)
    for _ in range(200):
        pk, n = rng.randint(1, 3_000_000), rng.randint(100, 99999)
        parts = bulk._subject_tokens(template)
        assert parts is not None
        reference = bulk._reference(pk)
        assert bulk._composed(reference, parts, n) == normalise_for_index(
            f"{reference} {template.format(n=n)}"
        )


def test_a_load_that_stopped_midway_is_refused_until_the_database_is_seeded_again(world, monkeypatch, marker):
    indexes = schema_indexes(bulk.TABLES)
    real_write = bulk._Writer.write

    def crash(self, tickets, ratings):
        raise RuntimeError("killed")

    monkeypatch.setattr(bulk._Writer, "write", crash)
    with pytest.raises(RuntimeError):
        _generate(world, 3)

    assert marker.exists()
    assert schema_indexes(bulk.TABLES) == indexes  # re-created even so
    with pytest.raises(CommandError, match="must be seeded again"):
        call_command("seed_demo", tickets=3, stdout=StringIO())
    marker.unlink()
    monkeypatch.setattr(bulk._Writer, "write", real_write)
    _generate(world, 3)
    assert not marker.exists()


def test_a_load_refused_before_it_began_leaves_no_marker(world, monkeypatch, marker):
    def busy(self):
        raise RuntimeError("Another process has the database open; stop it before a bulk load.")

    monkeypatch.setattr(bulk.BulkLoad, "begin", busy)
    with pytest.raises(RuntimeError, match="Another process"):
        _generate(world, 3)

    assert not marker.exists()
