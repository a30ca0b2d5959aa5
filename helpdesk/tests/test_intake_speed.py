"""Opening a ticket holds the write lock only for its inserts; the rest waits for the worker.

These tests run with the database task backend (as in production), so a queued task is a
row in the ticket's own transaction and nothing runs until a worker takes it.
"""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from helpdesk.models import EmailKind, OutboundEmail, Team
from helpdesk.search import DOC_TYPE
from helpdesk.selectors import reference
from helpdesk.services.intake import announce_new_ticket
from helpdesk.sla.clock import find_target
from helpdesk.tests.factories import CategoryFactory, CustomerFactory, TeamFactory, submit
from search.models import SearchDocument

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
ANNOUNCE = "helpdesk.tasks.announce_new_ticket"


@pytest.fixture
def database_tasks(db):
    with override_settings(TASKS=DATABASE_TASKS):
        yield


@pytest.fixture
def category(db):
    return CategoryFactory(default_team=TeamFactory(email="team@example.com"))


def test_a_new_ticket_queues_one_task_in_its_transaction_and_neither_mail_nor_index_yet(
    database_tasks, category
):
    ticket = submit(requester=CustomerFactory(), category=category)

    task = DBTaskResult.objects.get(task_path=ANNOUNCE)
    assert task.args_kwargs["kwargs"] == {"ticket_id": ticket.pk, "missing": []}
    assert not OutboundEmail.objects.filter(ticket=ticket).exists()
    assert not SearchDocument.objects.filter(doc_type=DOC_TYPE, object_id=str(ticket.pk)).exists()


def test_the_announce_task_indexes_the_ticket_and_queues_its_mails_once(database_tasks, category):
    ticket = submit(requester=CustomerFactory(), category=category)

    assert announce_new_ticket(ticket_id=ticket.pk, missing=[]) is True
    assert announce_new_ticket(ticket_id=ticket.pk, missing=[]) is False  # a retried task

    kinds = sorted(OutboundEmail.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == sorted([EmailKind.TICKET_RECEIVED, EmailKind.TEAM_NEW_TICKET])
    assert SearchDocument.objects.filter(doc_type=DOC_TYPE, object_id=str(ticket.pk)).count() == 1


def test_the_announce_task_for_a_vague_phone_ticket_asks_for_the_details(database_tasks, category):
    ticket = submit(requester=CustomerFactory(), category=category, channel="phone", details={"symptoms": ""})
    missing = DBTaskResult.objects.get(task_path=ANNOUNCE).args_kwargs["kwargs"]["missing"]

    announce_new_ticket(ticket_id=ticket.pk, missing=missing)

    assert missing
    assert OutboundEmail.objects.filter(ticket=ticket, kind=EmailKind.DETAILS_NEEDED).count() == 1


# The idempotency lookup, the reference data's version (cache), then the writes: a savepoint
# here (the transaction in production), ticket, audit event, task row, release.
OPEN_TICKET_QUERIES = 7


def test_opening_a_ticket_reads_no_team_category_plan_or_calendar_once_cached(
    database_tasks, category, django_assert_num_queries
):
    requester = CustomerFactory()
    submit(requester=requester, category=category, submission_key=None)  # fills the caches

    with django_assert_num_queries(OPEN_TICKET_QUERIES):
        submit(requester=requester, category=category, submission_key="0b1e3b7a-6d1c-4a5e-9a41-6f0c8b4e2d10")


def test_every_write_of_a_new_ticket_happens_in_one_transaction(database_tasks, category):
    requester = CustomerFactory()
    submit(requester=requester, category=category)

    with CaptureQueriesContext(connection) as queries:
        submit(requester=requester, category=category)

    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    first_write = statements.index("INSERT")
    assert statements[first_write - 1] == "SAVEPOINT"
    assert statements[first_write:].count("RELEASE") == 1
    assert statements[-1] == "RELEASE"
    assert set(statements[: first_write - 1]) == {"SELECT"}


def test_an_edited_team_reaches_the_routing_of_the_next_ticket(category):
    first = submit(requester=CustomerFactory(), category=category)
    other = TeamFactory()
    other.categories.add(category)
    other.erp_systems = ["kingdee"]
    other.save()

    second = submit(requester=CustomerFactory(), category=category)

    assert first.team == category.default_team
    assert second.team == other


def test_an_edited_sla_target_reaches_the_snapshot_of_the_next_ticket(category):
    requester = CustomerFactory()
    submit(requester=requester, category=category)
    plan = requester.customer_profile.organization.sla_plan
    target = find_target(plan_id=plan.pk, priority="p3", complexity=category.complexity)
    target.first_response_minutes = 17
    target.save()

    ticket = submit(requester=requester, category=category)

    assert ticket.sla_snapshot["first_response_minutes"] == 17


def test_the_reference_data_is_rebuilt_when_another_process_bumps_the_version(category):
    data = reference.reference_data()
    Team.objects.filter(pk=category.default_team_id).update(name="renamed without a signal")
    reference.bump_version()  # as the signal receivers in any process do

    assert reference.reference_data() is not data
    assert {t.name for t in reference.reference_data().teams} >= {"renamed without a signal"}


def test_the_idempotency_lookup_reads_only_the_id_unless_a_ticket_has_the_key(
    category, django_assert_num_queries
):
    from helpdesk.selectors.tickets import ticket_with_key

    ticket = submit(
        requester=CustomerFactory(), category=category, submission_key="5f0c2a4e-3b1d-4c6e-8a7f-9d2e1b0c4a6f"
    )

    with django_assert_num_queries(1) as miss:
        assert ticket_with_key("0b1e3b7a-6d1c-4a5e-9a41-6f0c8b4e2d10") is None
    with django_assert_num_queries(2):
        assert ticket_with_key(ticket.submission_key) == ticket
    assert miss.captured_queries[0]["sql"].startswith('SELECT "helpdesk_ticket"."id" AS "pk" FROM')
