"""The task worker after a crash: tasks a dead worker left RUNNING, and mail it was sending."""

import io
import json
import signal
import sqlite3
import subprocess
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from core.tests.subprocesses import PYTHON, ROOT, manage, migrated_database, process_env, stop, wait_for
from helpdesk.models import OutboundEmail
from helpdesk.services.task_recovery import WorkerDied, recover_abandoned_tasks

STALE = timedelta(minutes=15)
TASKS = DBTaskResult._meta.db_table
OUTBOX = OutboundEmail._meta.db_table


def running_task(
    *, worker_ids: list[str], started_at, path: str = "helpdesk.tasks.flush_outbox"
) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=path,
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
        status=TaskResultStatus.RUNNING,
        started_at=started_at,
        worker_ids=worker_ids,
    )


@pytest.mark.django_db
def test_at_start_up_a_worker_requeues_the_task_its_previous_life_was_running(monday_9am):
    mine = running_task(worker_ids=["host-worker-1"], started_at=monday_9am)
    another_workers = running_task(worker_ids=["host-worker-2"], started_at=monday_9am)

    recovered = recover_abandoned_tasks(worker_id="host-worker-1", stale_after=STALE, now=monday_9am)

    assert recovered.requeued == [str(mine.pk)] and recovered.failed == []
    mine.refresh_from_db()
    another_workers.refresh_from_db()
    assert (mine.status, mine.started_at) == (TaskResultStatus.READY, None)
    assert another_workers.status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.ready().filter(pk=mine.pk).exists()


@pytest.mark.django_db
def test_any_worker_requeues_a_task_running_for_longer_than_stale_after(monday_9am):
    stale = running_task(worker_ids=["gone"], started_at=monday_9am - STALE - timedelta(seconds=1))
    fresh = running_task(worker_ids=["busy"], started_at=monday_9am - timedelta(seconds=5))

    recovered = recover_abandoned_tasks(stale_after=STALE, now=monday_9am)

    assert recovered.requeued == [str(stale.pk)]
    fresh.refresh_from_db()
    assert fresh.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_task_that_killed_its_worker_three_times_is_marked_failed_not_run_again(monday_9am):
    poison = running_task(worker_ids=["w", "w", "w"], started_at=monday_9am)

    recovered = recover_abandoned_tasks(worker_id="w", stale_after=STALE, now=monday_9am)

    assert recovered.failed == [str(poison.pk)]
    poison.refresh_from_db()
    assert poison.status == TaskResultStatus.FAILED
    (error,) = poison.task_result.errors
    assert error.exception_class is WorkerDied
    assert "claimed 3 times" in error.traceback


@pytest.mark.django_db
def test_the_sla_watcher_retries_a_pass_that_found_the_database_locked():
    from helpdesk.management.commands import sla_watch as command
    from helpdesk.services.sla_watch import PassResult

    calls = []

    def flaky_pass(**kwargs):
        calls.append(kwargs)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return PassResult()

    out, err = io.StringIO(), io.StringIO()
    with mock.patch.object(command, "run_sla_pass", flaky_pass), mock.patch("core.db_retry.time.sleep"):
        call_command("sla_watch", "--once", stdout=out, stderr=err)

    assert len(calls) == 3
    assert "sla pass: checked=0" in out.getvalue()
    assert err.getvalue() == ""


# --- kill -9 for real ----------------------------------------------------------------------


QUEUE_ONE_MAIL = """
from django.db import transaction
from helpdesk.models import EmailKind
from helpdesk.services import outbox
with transaction.atomic():
    outbox.queue_email(to=["zhao@example.com"], subject="回复：凭证", body="b", kind=EmailKind.AGENT_REPLY)
"""


def _row(db, query):
    with sqlite3.connect(db, timeout=10) as connection:
        return connection.execute(query).fetchone()


def test_a_worker_killed_mid_send_is_recovered_by_its_restart_and_the_mail_sent_once(tmp_path):
    lease = 2
    env = process_env(tmp_path, settings="helpdesk.tests.worker_settings", OUTBOX_LEASE_SECONDS=str(lease))
    db = tmp_path / "kuaixiang.sqlite3"
    migrated_database(db)
    manage("shell", "-c", QUEUE_ONE_MAIL, env=env)
    worker = [PYTHON, "manage.py", "task_worker", "--worker-id", "test-worker-1", "--no-startup-delay"]
    worker += ["--interval", "0.2"]

    # Without its flush thread the first life hangs in the send_outbound_email task itself.
    first = subprocess.Popen(
        [*worker, "--outbox-interval", "0"], cwd=ROOT, env={**env, "WORKER_MAIL_MODE": "hang"}
    )
    try:
        wait_for(lambda: (tmp_path / "hung").exists(), timeout=60, what="the worker to be mid-send")
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL
    finally:
        stop(first)
    assert _row(db, f"SELECT state, attempts FROM {OUTBOX}") == ("sending", 1)
    assert _row(db, f"SELECT status FROM {TASKS}") == ("RUNNING",)

    log = (tmp_path / "second.log").open("w")
    second = subprocess.Popen(
        [*worker, "--outbox-interval", "0.5"],
        cwd=ROOT,
        env={**env, "WORKER_MAIL_MODE": "record"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(
            lambda: _row(db, f"SELECT state FROM {OUTBOX}") == ("sent",),
            timeout=lease + 30,
            what="the mail to be sent after the lease",
        )
        wait_for(
            lambda: _row(db, f"SELECT status FROM {TASKS}") != ("RUNNING",),
            timeout=10,
            what="the abandoned task to finish",
        )
        time.sleep(1.5)  # three more flush rounds: none of them may send it again
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0
    finally:
        stop(second)
        log.close()

    sent = [json.loads(line) for line in (tmp_path / "sent.jsonl").read_text().splitlines()]
    assert [m["subject"] for m in sent] == ["回复：凭证"]
    assert _row(db, f"SELECT state, attempts, claimed_until FROM {OUTBOX}") == ("sent", 2, None)
    assert _row(db, f"SELECT status FROM {TASKS}") == ("SUCCESSFUL",)
    assert (
        "requeued 1 and failed 0 task(s) a dead worker left running" in (tmp_path / "second.log").read_text()
    )
