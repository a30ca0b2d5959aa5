"""What one portal submission costs the server: a fixed number of queries, one write
transaction, and nothing run after its commit (the task worker does the rest)."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from helpdesk.models import OutboundEmail, Ticket
from search.models import SearchDocument

from .helpers import details_post

pytestmark = pytest.mark.django_db

DETAILS = reverse("portal:submit_details")
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Session, user, profile, organization; the resubmission check; the form's plugin version and
# category; the intake's idempotency lookup and the reference data's version; then the one
# write transaction (a savepoint here): ticket, audit event, task row.
SUBMISSION_QUERIES = 14


@pytest.fixture
def database_tasks():
    with override_settings(TASKS=DATABASE_TASKS):
        yield


def test_a_portal_submission_runs_a_fixed_number_of_queries_and_one_write_transaction(
    database_tasks, customer_client, customer, category, versions, team, django_assert_num_queries
):
    customer_client.post(DETAILS, details_post(category))  # fills the per-process caches

    with django_assert_num_queries(SUBMISSION_QUERIES) as captured:
        response = customer_client.post(DETAILS, details_post(category))

    assert response.status_code == 302
    writes = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert [sql.split('"')[1] for sql in writes] == [
        Ticket._meta.db_table,
        "helpdesk_ticketevent",
        DBTaskResult._meta.db_table,
    ]


def test_nothing_runs_after_a_portal_submissions_commit(
    database_tasks, customer_client, customer, category, versions, team, django_capture_on_commit_callbacks
):
    # Report rollups, mails and indexing all wait for the task queued in the transaction:
    # a second write transaction in the request would queue behind the worker's writes.
    with django_capture_on_commit_callbacks() as callbacks:
        response = customer_client.post(DETAILS, details_post(category))

    assert response.status_code == 302
    assert callbacks == []
    ticket = Ticket.objects.get(requester=customer)
    assert DBTaskResult.objects.filter(task_path="helpdesk.tasks.announce_new_ticket").count() == 1
    assert not OutboundEmail.objects.filter(ticket=ticket).exists()
    assert not SearchDocument.objects.filter(object_id=str(ticket.pk), doc_type="ticket").exists()
