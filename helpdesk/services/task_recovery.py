"""Tasks left "running" by a task worker that died (kill -9, OOM, power cut).

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again:
it has no heartbeat, and `prune_db_task_results` deletes only finished results. A worker
that dies mid-task therefore leaves the row RUNNING for good and the work undone.

`manage.py task_worker` calls `recover_abandoned_tasks` at start-up and then every minute:

- at start-up, with its own `--worker-id`: a task whose last claim carries this id was
  being run by this worker's previous life, which is certainly dead, since a supervisor
  runs one process per id;
- every minute, with `stale_after`: a task RUNNING for longer than any of ours takes
  belongs to a worker that is not coming back (a host that was removed, say).

Every task in `helpdesk/tasks.py` is safe to run again (the outbox claim, the SLA flags and
the index rewrite are idempotent), so a recovered task is put back in the queue. One that
has been claimed `max_runs` times is marked failed instead: a task that kills its worker
must not kill every worker in turn.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.clock import resolve_now

logger = logging.getLogger(__name__)

MAX_RUNS = 3


class WorkerDied(Exception):
    """Recorded as the error of a task whose worker died while running it."""


@dataclass
class Recovered:
    requeued: list[str]
    failed: list[str]

    def __bool__(self) -> bool:
        return bool(self.requeued or self.failed)


def recover_abandoned_tasks(
    *,
    stale_after: timedelta,
    worker_id: str | None = None,
    max_runs: int = MAX_RUNS,
    now: datetime | None = None,
) -> Recovered:
    """Requeue (or fail) RUNNING tasks last claimed by `worker_id`, or running since before
    `now - stale_after`. Returns the ids of the tasks it changed."""
    now = resolve_now(now)
    result = Recovered(requeued=[], failed=[])
    # Few rows: one per worker at most, unless workers died.
    for task in DBTaskResult.objects.running().only("id", "started_at", "worker_ids", "task_path"):
        claimed_by = task.worker_ids[-1] if task.worker_ids else None
        mine = worker_id is not None and claimed_by == worker_id
        stale = task.started_at is not None and task.started_at < now - stale_after
        if not (mine or stale):
            continue
        # Conditional on the claim we looked at: the task may have finished in the meantime.
        still_running = DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        )
        if len(task.worker_ids) >= max_runs:
            changed = still_running.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                return_value=None,
                exception_class_path=f"{WorkerDied.__module__}.{WorkerDied.__qualname__}",
                traceback=(
                    f"WorkerDied: worker {claimed_by} stopped while running {task.task_path}; "
                    f"claimed {len(task.worker_ids)} times, given up."
                ),
            )
            if changed:
                result.failed.append(str(task.pk))
        else:
            changed = still_running.update(status=TaskResultStatus.READY, started_at=None)
            if changed:
                result.requeued.append(str(task.pk))
        if changed:
            logger.warning(
                "task %s (%s) was left running by worker %s: %s",
                task.pk,
                task.task_path,
                claimed_by,
                "given up" if len(task.worker_ids) >= max_runs else "queued again",
            )
    return result
