"""manage.py sla_watch [--once] [--interval 30]: the SLA watcher loop `make run` starts."""

import logging
import signal
import threading
import time

from django.core.management.base import BaseCommand, CommandError

from core.db_retry import retry_when_locked
from helpdesk.services.outbox import flush_outbox
from helpdesk.services.rollups import sweep as sweep_rollups
from helpdesk.services.sla_watch import run_sla_pass

logger = logging.getLogger("helpdesk.sla_watch")


class Command(BaseCommand):
    help = (
        "Flag SLA warnings and breaches that came due, notify and escalate, and send mail "
        "waiting for a retry; every --interval seconds until SIGTERM/SIGINT, or once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one pass and exit.")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between passes.")
        parser.add_argument("--limit", type=int, default=500, help="Tickets per pass at most.")

    def handle(self, *args, once: bool, interval: float, limit: int, **options):
        if interval <= 0:
            raise CommandError("--interval must be positive")
        if once:
            self.run_pass(limit)
            return
        stop = threading.Event()
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

        def request_stop(signum, frame):
            stop.set()

        for sig in previous:
            signal.signal(sig, request_stop)
        self.stdout.write(f"sla_watch: every {interval:g} s; SIGTERM or Ctrl-C stops")
        try:
            while not stop.is_set():
                self.run_pass(limit)
                stop.wait(interval)  # wakes at once on a signal
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("sla_watch: stopped")

    def run_pass(self, limit: int) -> None:
        began = time.monotonic()
        try:
            # A pass and a flush are safe to repeat, so a lost race for the write lock is
            # retried at once with backoff rather than an interval later.
            result = retry_when_locked(lambda: run_sla_pass(limit=limit), what="SLA pass")
            mail = retry_when_locked(flush_outbox, what="outbox flush")
            folded = retry_when_locked(sweep_rollups, what="report rollups sweep")
        except Exception:  # still locked, or the database is away: log it, try next interval
            logger.exception("SLA pass failed")
            self.stderr.write("sla_watch: pass failed (see log)")
            return
        counts = " ".join(f"{k}={v}" for k, v in result.as_dict().items())
        sent = " ".join(f"{k}={v}" for k, v in sorted(mail.items())) or "none"
        self.stdout.write(
            f"sla pass: {counts} mail: {sent} rollups: {folded} ({time.monotonic() - began:.2f} s)"
        )
        self.stdout.flush()
