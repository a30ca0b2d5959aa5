"""The task worker's loop, claiming and recording tasks in batches.

django-tasks-db's `db_worker` spends two write transactions on every task: one to claim it
(an EXCLUSIVE transaction on SQLite) and one to record its result. Under a burst of new
tickets these compete with the web workers for SQLite's one write lock more than the tasks'
own work does. `BatchWorker` claims up to `claim_batch` due tasks in one transaction (one
SELECT, one UPDATE), runs them one after the other, and records all their results in one
more, so a batch of N tasks costs two transactions instead of 2N.

What a batch changes, and why it is safe:

- A claimed task is RUNNING with this worker's id from the claim on, as with `db_worker`; a
  worker killed mid-batch leaves its claimed tasks RUNNING, and `task_recovery` requeues
  them (at this worker id's next start, or after `--stale-after`). Every task in
  `helpdesk/tasks.py` is safe to run twice, so a task that ran but whose result was not yet
  recorded runs again harmlessly.
- A worker stopped (SIGTERM) between two tasks of a batch records the ones it ran and puts
  the others back in the queue, without counting the claim against them.
- Tasks with a group runner (`helpdesk.tasks.GROUP_RUNNERS`: the new tickets' announce
  tasks) run as one call when a claim holds several of them, so their work shares one read,
  one write transaction and one mail delivery. A group whose call raises runs task by task
  (its transaction rolled back, nothing half done), so a bad task fails alone. With
  `max_tasks` (a test or a one-off run) tasks always run one by one.
- Results are written a batch late, at most `claim_batch` tasks' time. Keep batches small
  when several workers share the queue (PostgreSQL): a claimed task waits for its batch.
"""

import json
import logging
import time
from dataclasses import dataclass, field
from traceback import format_exception

from django.db import OperationalError, close_old_connections, transaction
from django_tasks_db.compat import TaskContext, TaskResultStatus, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from core.clock import now
from core.db_retry import retry_when_locked

logger = logging.getLogger("helpdesk.task_worker")

DEFAULT_CLAIM_BATCH = 10


def group_runners() -> dict:
    """Tasks that run together when a batch holds several of them: task path → a function
    taking each task's keyword arguments (a list) and returning each one's value (a list,
    in the same order). Each must do exactly what running the tasks one by one would."""
    from helpdesk.tasks import GROUP_RUNNERS

    return GROUP_RUNNERS


RESULT_FIELDS = ["status", "return_value", "finished_at", "exception_class_path", "traceback"]


@dataclass
class Batch:
    """Tasks claimed together: those run so far, and the rest."""

    claimed: list[DBTaskResult]
    done: list[DBTaskResult] = field(default_factory=list)

    @property
    def unrun(self) -> list[DBTaskResult]:
        finished = {task.pk for task in self.done}
        return [task for task in self.claimed if task.pk not in finished]


class BatchWorker(Worker):
    """`db_worker`'s Worker with batched claims and results (see the module docstring)."""

    def __init__(self, *, claim_batch: int = DEFAULT_CLAIM_BATCH, **options) -> None:
        super().__init__(**options)
        if claim_batch < 1:
            raise ValueError("claim_batch must be at least 1")
        self.claim_batch = claim_batch

    def due_tasks(self):
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        return tasks

    def claim(self) -> list[DBTaskResult] | None:
        """Claim up to `claim_batch` due tasks in one transaction; None when the database
        was locked (try again), [] when nothing is due."""
        tasks = self.due_tasks()
        try:
            with exclusive_transaction(tasks.db):
                batch = list(tasks.select_for_update(skip_locked=True)[: self.claim_batch])
                started = now()
                for task in batch:
                    task.status = TaskResultStatus.RUNNING
                    task.started_at = started
                    task.worker_ids = [*task.worker_ids, self.worker_id]
                if batch:
                    DBTaskResult.objects.bulk_update(batch, ["status", "started_at", "worker_ids"])
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None
            raise
        return batch

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names))
        while self.running:
            close_old_connections()
            claimed = self.claim()
            if claimed:
                self.run_batch(Batch(claimed=claimed))
            if self.batch and claimed == []:
                logger.info("No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info(
                    "Run maximum tasks (%d) on worker=%s - exiting gracefully.",
                    self._run_tasks,
                    self.worker_id,
                )
                return
            if self.running and not claimed:
                time.sleep(self.interval)

    def run_batch(self, batch: Batch) -> None:
        try:
            grouped = self.run_grouped(batch) if self.max_tasks is None else set()
            for task in batch.claimed:
                if task.pk in grouped:
                    continue
                if not self.running or (self.max_tasks is not None and self._run_tasks >= self.max_tasks):
                    break
                self.run_task(task)
                batch.done.append(task)
        finally:  # also on SystemExit from a signal between two tasks
            self.record(batch)

    def run_grouped(self, batch: Batch) -> set:
        """Run together the claimed tasks that have a group runner (`group_runners`), one
        call per task path; returns the pks of the tasks that ran so. A group whose runner
        raises is left to run task by task, so one bad task fails alone."""
        groups: dict[str, list[DBTaskResult]] = {}
        for task in batch.claimed:
            if task.task_path in group_runners() and not task.task_result.args:
                groups.setdefault(task.task_path, []).append(task)
        ran: set = set()
        for path, tasks in groups.items():
            if len(tasks) < 2 or not self.running:
                continue
            if self.run_group(tasks, group_runners()[path]):
                batch.done += tasks
                ran.update(task.pk for task in tasks)
        return ran

    def run_group(self, tasks: list[DBTaskResult], runner) -> bool:
        """One call of `runner` for these tasks; their outcome noted on each row, unsaved."""
        try:
            self.running_task = True
            for task in tasks:
                task_started.send(sender=type(task.task.get_backend()), task_result=task.task_result)
            values = runner([task.task_result.kwargs for task in tasks])
            json.dumps(values)
        except Exception:
            logger.exception(
                "running tasks %s together failed; running them one by one", [str(t.pk) for t in tasks]
            )
            return False
        finally:
            self.running_task = False
        finished = now()
        for task, value in zip(tasks, values, strict=True):
            task.status = TaskResultStatus.SUCCESSFUL
            task.return_value = value
            task.exception_class_path = ""
            task.traceback = ""
            task.finished_at = finished
            self._run_tasks += 1
        return True

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run one task and note its outcome on the row, unsaved (`record` saves the batch)."""
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            task_started.send(sender=type(task.get_backend()), task_result=task_result)
            if task.takes_context:
                value = task.call(
                    TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
                )
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            json.dumps(value)  # a value the result column cannot hold fails the task, not the batch
        except BaseException as exc:
            db_task_result.status = TaskResultStatus.FAILED
            db_task_result.return_value = None
            db_task_result.exception_class_path = f"{type(exc).__module__}.{type(exc).__qualname__}"
            db_task_result.traceback = "".join(format_exception(exc))
            if not isinstance(exc, Exception):  # SystemExit, KeyboardInterrupt: stop after recording
                self.running = False
        else:
            db_task_result.status = TaskResultStatus.SUCCESSFUL
            db_task_result.return_value = value
            db_task_result.exception_class_path = ""
            db_task_result.traceback = ""
        finally:
            db_task_result.finished_at = now()
            self.running_task = False
            self._run_tasks += 1

    def record(self, batch: Batch) -> None:
        """The results of the tasks run, and the rest back in the queue, in one transaction."""
        unrun = batch.unrun
        for task in unrun:
            task.status = TaskResultStatus.READY
            task.started_at = None
            task.worker_ids = task.worker_ids[:-1]  # this claim does not count against it

        def write() -> None:
            with transaction.atomic():
                if batch.done:
                    DBTaskResult.objects.bulk_update(batch.done, RESULT_FIELDS)
                if unrun:
                    DBTaskResult.objects.bulk_update(unrun, ["status", "started_at", "worker_ids"])

        try:
            retry_when_locked(write, what=f"record {len(batch.done)} task result(s)")
        except Exception:  # left RUNNING: task_recovery requeues them, and they run again
            logger.exception("recording the results of tasks %s failed", [str(t.pk) for t in batch.claimed])
            return
        for task in batch.done:
            try:
                sender = type(task.task.get_backend())
            except Exception:  # an unknown task path: nothing to tell
                continue
            task_finished.send(sender=sender, task_result=task.task_result)
