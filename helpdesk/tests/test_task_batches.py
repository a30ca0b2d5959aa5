"""The task worker claims due tasks and records their results in batches."""

from unittest import mock

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from helpdesk.models import EmailKind, OutboundEmail
from helpdesk.services.task_batches import BatchWorker
from helpdesk.tests.factories import CategoryFactory, CustomerFactory, TeamFactory, submit

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_tasks():
    with override_settings(TASKS=DATABASE_TASKS):
        yield


def worker(
    *, claim_batch: int = 10, max_tasks: int | None = None, worker_id: str = "host-worker-1"
) -> BatchWorker:
    return BatchWorker(
        claim_batch=claim_batch,
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def enqueue_reindex(count: int) -> list[str]:
    from helpdesk.tasks import reindex_ticket

    return [str(reindex_ticket.enqueue(ticket_id=10_000 + n).id) for n in range(count)]


def transactions(queries) -> int:
    return sum(1 for q in queries if q["sql"].upper().startswith("BEGIN"))


def test_a_batch_of_tasks_is_claimed_in_one_transaction_and_recorded_in_one_more(database_tasks):
    ids = enqueue_reindex(5)

    with CaptureQueriesContext(connection) as queries:
        worker(claim_batch=5, max_tasks=5).run()

    tasks = DBTaskResult.objects.filter(pk__in=ids)
    assert sorted(tasks.values_list("status", flat=True)) == [TaskResultStatus.SUCCESSFUL] * 5
    assert all(task.worker_ids == ["host-worker-1"] for task in tasks)
    assert all(task.return_value is False for task in tasks)  # no such tickets: left the index
    # One claim, one record; the tasks' own work (no ticket found) opens one transaction each.
    assert transactions(queries) == 2 + 5


def test_a_batch_takes_at_most_claim_batch_tasks_and_the_next_claim_takes_the_rest(database_tasks):
    enqueue_reindex(3)
    batcher = worker(claim_batch=2)

    first = batcher.claim()
    assert len(first) == 2
    assert DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() == 2
    second = batcher.claim()
    assert len(second) == 1
    assert batcher.claim() == []


def test_a_failing_task_is_recorded_failed_and_the_rest_of_its_batch_still_runs(database_tasks):
    ids = enqueue_reindex(3)
    DBTaskResult.objects.filter(pk=ids[1]).update(task_path="helpdesk.tasks.no_such_task")

    worker(claim_batch=3).run()

    statuses = {
        str(pk): status for pk, status in DBTaskResult.objects.filter(pk__in=ids).values_list("pk", "status")
    }
    assert [statuses[pk] for pk in ids] == [
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.FAILED,
        TaskResultStatus.SUCCESSFUL,
    ]
    failed = DBTaskResult.objects.get(pk=ids[1])
    assert failed.exception_class_path and "no_such_task" in failed.traceback


def test_a_worker_stopped_mid_batch_records_what_it_ran_and_requeues_the_rest_uncounted(database_tasks):
    ids = enqueue_reindex(4)
    batcher = worker(claim_batch=4)
    ran = []
    original = batcher.run_task

    def run_then_stop(task):
        original(task)
        ran.append(str(task.pk))
        batcher.running = False  # SIGTERM arrives during the first task

    batcher.run_task = run_then_stop
    batcher.run_batch(batch=_claimed(batcher))

    [done] = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL)
    assert [str(done.pk)] == ran
    assert done.status == TaskResultStatus.SUCCESSFUL
    rest = DBTaskResult.objects.filter(pk__in=ids).exclude(pk=ran[0])
    assert [(t.status, t.started_at, t.worker_ids) for t in rest] == [(TaskResultStatus.READY, None, [])] * 3
    assert DBTaskResult.objects.ready().count() == 3


def _claimed(batcher):
    from helpdesk.services.task_batches import Batch

    return Batch(claimed=batcher.claim())


def test_tasks_a_killed_worker_claimed_in_a_batch_stay_running_under_its_id_for_recovery(database_tasks):
    from datetime import timedelta

    from helpdesk.services.task_recovery import recover_abandoned_tasks

    enqueue_reindex(3)
    claimed = worker(claim_batch=3).claim()  # then kill -9: nothing recorded

    assert {t.status for t in DBTaskResult.objects.all()} == {TaskResultStatus.RUNNING}
    recovered = recover_abandoned_tasks(worker_id="host-worker-1", stale_after=timedelta(minutes=15))
    assert sorted(recovered.requeued) == sorted(str(t.pk) for t in claimed)


def test_each_new_tickets_mails_go_out_once_through_the_worker_and_no_flush_resends_them(
    database_tasks, mailoutbox
):
    from helpdesk.services import outbox

    category = CategoryFactory(default_team=TeamFactory(email="team@example.com"))
    tickets = [submit(requester=CustomerFactory(), category=category) for _ in range(3)]
    assert mailoutbox == []  # the request only queued the task

    worker(claim_batch=2).run()
    outbox.flush_outbox()
    worker().run()

    assert not DBTaskResult.objects.filter(task_path="helpdesk.tasks.send_outbound_email").exists()
    for ticket in tickets:
        rows = OutboundEmail.objects.filter(ticket=ticket)
        assert sorted(rows.values_list("kind", flat=True)) == sorted(
            [EmailKind.TICKET_RECEIVED, EmailKind.TEAM_NEW_TICKET]
        )
        assert set(rows.values_list("state", flat=True)) == {OutboundEmail.State.SENT}
        assert set(rows.values_list("attempts", flat=True)) == {1}
        sent = [m for m in mailoutbox if m.extra_headers.get("X-Kuaixiang-Ticket") == ticket.reference]
        assert len(sent) == 2
        assert sorted(m.extra_headers["Message-ID"] for m in sent) == sorted(
            rows.values_list("message_id", flat=True)
        )


# Announcing tickets together, besides one INSERT per mail (transaction statements included):
# before the transaction the tickets with their requester, organization, team and category,
# and their messages; in it the index upsert (SQLite also writes its FTS5 table), the
# rollups' fold (lock, tickets, ratings, report states, calendars, backlog and state rows)
# and the receipts already written; after the commit the mails' claim, reading and mark.
ANNOUNCE_QUERIES = {"sqlite": 26, "postgresql": 24}


def _announce_three():
    category = CategoryFactory(default_team=TeamFactory(email="team@example.com"))
    return [submit(requester=CustomerFactory(), category=category) for _ in range(3)]


def test_the_announce_tasks_of_one_claim_run_in_one_transaction_and_one_mail_connection(
    database_tasks, mailoutbox
):
    from django.core.mail.backends import locmem

    from search.models import SearchDocument

    tickets = _announce_three()
    opened = []
    real_open = locmem.EmailBackend.open

    def counting_open(backend):
        opened.append(backend)
        return real_open(backend)

    with (
        CaptureQueriesContext(connection) as queries,
        mock.patch.object(locmem.EmailBackend, "open", counting_open),
    ):
        worker().run()

    # The claim; the three tickets' index, rollups and mails; the mails' claim and their
    # mark; the results. One by one it was 2 + 3 × 3.
    assert transactions(queries) == 5
    assert len(opened) == 1
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == [True] * 3
    for ticket in tickets:
        rows = OutboundEmail.objects.filter(ticket=ticket)
        assert sorted(rows.values_list("kind", flat=True)) == sorted(
            [EmailKind.TICKET_RECEIVED, EmailKind.TEAM_NEW_TICKET]
        )
        assert set(rows.values_list("state", flat=True)) == {OutboundEmail.State.SENT}
        assert SearchDocument.objects.filter(doc_type="ticket", object_id=str(ticket.pk)).count() == 1
    assert len(mailoutbox) == 6


def test_announcing_tickets_together_reads_them_once_however_many_there_are(database_tasks):
    from helpdesk.services.intake import announce_new_tickets

    def queries_for(tickets) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            announce_new_tickets(tickets=[(t.pk, []) for t in tickets])
        mail_inserts = sum(1 for q in captured if q["sql"].startswith('INSERT INTO "helpdesk_outboundemail"'))
        return len(captured) - mail_inserts, mail_inserts

    category = CategoryFactory(default_team=TeamFactory(email="team@example.com"))
    warm, one = ([submit(requester=CustomerFactory(), category=category)] for _ in range(2))
    five = [submit(requester=CustomerFactory(), category=category) for _ in range(5)]
    queries_for(warm)  # the per-process caches (calendars) filled

    one_other, one_mails = queries_for(one)
    five_other, five_mails = queries_for(five)

    # Apart from the row of each mail, five tickets cost what one does.
    assert (one_mails, five_mails) == (2, 10)
    assert five_other == one_other == ANNOUNCE_QUERIES[connection.vendor]


def test_a_ticket_announced_before_or_listed_twice_gets_its_mails_once(database_tasks):
    from helpdesk.services.intake import announce_new_ticket, announce_new_tickets

    first, second = _announce_three()[:2]
    assert announce_new_ticket(ticket_id=first.pk, missing=[]) is True

    results = announce_new_tickets(tickets=[(first.pk, []), (second.pk, []), (second.pk, []), (999_999, [])])

    assert results == [False, True, False, False]
    for ticket in (first, second):
        assert OutboundEmail.objects.filter(ticket=ticket).count() == 2


def test_a_group_of_tasks_whose_runner_fails_runs_task_by_task_and_each_mail_still_goes_once(
    database_tasks, mailoutbox
):
    from helpdesk.services import intake

    tickets = _announce_three()
    real = intake.announce_new_tickets

    def fails_together(*, tickets):
        if len(tickets) > 1:
            raise RuntimeError("a bad ticket in the group")
        return real(tickets=tickets)

    with mock.patch.object(intake, "announce_new_tickets", fails_together):
        worker().run()

    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == [TaskResultStatus.SUCCESSFUL] * 3
    assert not OutboundEmail.objects.exclude(state=OutboundEmail.State.SENT).exists()
    assert OutboundEmail.objects.filter(ticket__in=tickets).count() == 6
    assert len(mailoutbox) == 6
