"""manage.py task_worker: django-tasks-db's `db_worker`, plus what it needs to run unattended.

It takes every `db_worker` option and adds:

- **recovery**: at start-up, tasks left RUNNING by this `--worker-id`'s previous life are
  queued again; every minute, so are tasks RUNNING for longer than `--stale-after`
  (`helpdesk.services.task_recovery`);
- **the outbox flush**: every `--outbox-interval` seconds a housekeeping thread sends the
  due mail — retries, mail held back by `not_before`, and rows whose worker died mid-send
  (lease ran out). The worker thus retries mail by itself, without the SLA watcher;
- **statistics**: every `--optimize-interval` seconds (hourly by default), `PRAGMA optimize`
  refreshes the SQLite planner's stale statistics (`core.db_stats`; nothing on PostgreSQL,
  whose autovacuum does it);
- **lock retries**: these duties retry with backoff on "database is locked";
- **batches**: up to `--claim-batch` due tasks are claimed in one transaction and their
  results recorded in one more (`helpdesk.services.task_batches`), instead of two write
  transactions per task.

A thread rather than a second process keeps one process (one log, one restart loop) per
worker; the thread has its own database connection, and the outbox claim keeps it and the
`send_outbound_email` tasks from sending one row twice.
"""

import logging
import threading
import time
from datetime import timedelta

from django.core.management.base import CommandError
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from core.db_retry import retry_when_locked
from core.db_stats import optimize
from helpdesk.services.http_outbox import flush_http_outbox
from helpdesk.services.outbox import flush_outbox
from helpdesk.services.task_batches import DEFAULT_CLAIM_BATCH, BatchWorker
from helpdesk.services.task_recovery import recover_abandoned_tasks

logger = logging.getLogger("helpdesk.task_worker")

RECOVERY_EVERY_SECONDS = 60.0


class Command(DbWorkerCommand):
    help = (
        "Run the task worker (django-tasks-db) with recovery of tasks a dead worker left "
        "running and a periodic outbox flush."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # The reloader forks a child; recovery and the flush thread belong in one process.
        parser.set_defaults(reload=False)
        parser.add_argument(
            "--outbox-interval",
            type=float,
            default=10.0,
            help="Seconds between outbox flushes (0 turns the flush off; default: %(default)s).",
        )
        parser.add_argument(
            "--stale-after",
            type=float,
            default=900.0,
            help="Seconds after which any RUNNING task counts as abandoned (default: %(default)s).",
        )
        parser.add_argument(
            "--claim-batch",
            type=int,
            default=DEFAULT_CLAIM_BATCH,
            help="Due tasks claimed (and their results recorded) per transaction (default: %(default)s).",
        )
        parser.add_argument(
            "--optimize-interval",
            type=float,
            default=3600.0,
            help="Seconds between PRAGMA optimize runs on SQLite (0: never; default: %(default)s).",
        )

    def handle(
        self,
        *args,
        outbox_interval: float,
        stale_after: float,
        optimize_interval: float = 3600.0,
        claim_batch: int = DEFAULT_CLAIM_BATCH,
        **options,
    ):
        if options["reload"]:
            raise CommandError("task_worker does not reload; use db_worker --reload while developing")
        if outbox_interval < 0 or stale_after <= 0 or claim_batch < 1:
            raise CommandError(
                "--outbox-interval must be >= 0, --stale-after positive and --claim-batch at least 1"
            )
        self.configure_logging(options["verbosity"])
        worker_id = options["worker_id"]
        stale = timedelta(seconds=stale_after)
        self.recover(worker_id=worker_id, stale_after=stale)

        stop = threading.Event()
        housekeeping = threading.Thread(
            target=self.housekeep,
            kwargs={
                "stop": stop,
                "interval": outbox_interval,
                "stale_after": stale,
                "optimize_every": optimize_interval,
            },
            name="outbox-flush",
            daemon=True,  # a second Ctrl-C must not wait for it
        )
        if outbox_interval > 0 and not options["batch"]:
            housekeeping.start()
        excluded = options["exclude_queues"]
        try:
            worker = BatchWorker(
                claim_batch=claim_batch,
                queue_names=options["queue_name"].split(","),
                interval=options["interval"],
                batch=options["batch"],
                backend_name=options["backend_name"],
                startup_delay=options["startup_delay"],
                max_tasks=options["max_tasks"],
                worker_id=worker_id,
                excluded_queue_names=excluded.split(",") if excluded else [],
            )
            worker.configure_signals()
            worker.run()  # a signal ends it with SystemExit, which the finally lets through
            if options["batch"] and outbox_interval > 0:
                self.flush_once()
                self.flush_http_once()
        finally:
            stop.set()
            if housekeeping.is_alive():
                # Long enough for a send in progress to finish and be marked (SMTP timeout 10 s).
                housekeeping.join(timeout=15)

    def recover(self, *, worker_id: str | None, stale_after: timedelta) -> None:
        try:
            recovered = retry_when_locked(
                lambda: recover_abandoned_tasks(worker_id=worker_id, stale_after=stale_after),
                what="recover abandoned tasks",
            )
        except Exception:  # never fatal: the next round tries again
            logger.exception("recovering abandoned tasks failed")
            return
        if recovered:
            self.stdout.write(
                f"task_worker: requeued {len(recovered.requeued)} and failed {len(recovered.failed)} "
                "task(s) a dead worker left running"
            )

    def flush_once(self) -> None:
        began = time.monotonic()
        try:
            counts = retry_when_locked(flush_outbox, what="outbox flush")
        except Exception:  # a database hiccup or a bug in one row: log it, try next interval
            logger.exception("outbox flush failed")
            return
        if counts:
            sent = " ".join(f"{state}={count}" for state, count in sorted(counts.items()))
            self.stdout.write(f"outbox: {sent} ({time.monotonic() - began:.2f} s)")
            self.stdout.flush()

    def flush_http_once(self) -> None:
        """The webhooks and chat alerts that are due (helpdesk.services.http_outbox)."""
        began = time.monotonic()
        try:
            counts = retry_when_locked(flush_http_outbox, what="http outbox flush")
        except Exception:  # as for mail: log it, try next interval
            logger.exception("http outbox flush failed")
            return
        if counts:
            sent = " ".join(f"{state}={count}" for state, count in sorted(counts.items()))
            self.stdout.write(f"http outbox: {sent} ({time.monotonic() - began:.2f} s)")
            self.stdout.flush()

    def optimize_once(self) -> None:
        try:
            retry_when_locked(optimize, what="PRAGMA optimize")
        except Exception:  # stale statistics only slow queries down: try again next time
            logger.exception("PRAGMA optimize failed")

    def housekeep(
        self, *, stop: threading.Event, interval: float, stale_after: timedelta, optimize_every: float = 0
    ) -> None:
        next_recovery = time.monotonic() + RECOVERY_EVERY_SECONDS
        next_optimize = time.monotonic() + optimize_every
        try:
            while not stop.is_set():
                close_old_connections()
                self.flush_once()
                self.flush_http_once()
                if time.monotonic() >= next_recovery:
                    self.recover(worker_id=None, stale_after=stale_after)
                    next_recovery = time.monotonic() + RECOVERY_EVERY_SECONDS
                if optimize_every > 0 and time.monotonic() >= next_optimize:
                    self.optimize_once()
                    next_optimize = time.monotonic() + optimize_every
                stop.wait(interval)
        finally:
            connection.close()  # this thread's own connection
