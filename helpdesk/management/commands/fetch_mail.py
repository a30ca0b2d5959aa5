"""manage.py fetch_mail [--loop --interval 10] [--mailbox NAME] [--if-configured]: read inbound mail.

Reads every active mailbox whose source can be fetched (IMAP over TLS, Maildir, mbox); a
relay mailbox receives its mail through the HTTP endpoint instead. `make run` starts the
loop beside the task worker when a mailbox is configured.
"""

import logging
import signal
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from helpdesk.mail.sources import fetch
from helpdesk.models import Mailbox
from search import segmenter

logger = logging.getLogger("helpdesk.fetch_mail")
FETCHED = (Mailbox.Source.IMAP, Mailbox.Source.MAILDIR, Mailbox.Source.MBOX)


class Command(BaseCommand):
    help = "Read new mail from the configured mailboxes into tickets and replies; once, or in a loop."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep fetching until SIGTERM/SIGINT.")
        parser.add_argument("--interval", type=float, default=10.0, help="Seconds between rounds (--loop).")
        parser.add_argument("--mailbox", help="Only the mailbox with this name.")
        parser.add_argument(
            "--if-configured",
            action="store_true",
            help="Exit 0 at once and print nothing when no mailbox needs fetching (for scripts).",
        )
        parser.add_argument(
            "--check", action="store_true", help="Exit 0 if a mailbox needs fetching, 1 otherwise."
        )

    def mailboxes(self, name: str | None) -> list[Mailbox]:
        boxes = Mailbox.objects.filter(is_active=True, source__in=FETCHED).order_by("pk")
        if name:
            boxes = boxes.filter(name=name)
        return list(boxes)

    def handle(self, *args, loop: bool, interval: float, mailbox: str | None, **options):
        if interval <= 0:
            raise CommandError("--interval must be positive")
        if options["check"]:
            raise SystemExit(0 if self.mailboxes(mailbox) else 1)
        if not self.mailboxes(mailbox):
            if options["if_configured"]:
                return
            raise CommandError("No active IMAP, Maildir or mbox mailbox is configured (admin → Mailboxes).")
        if not loop:
            self.round(mailbox)
            return
        # A new ticket is indexed for search: load the word dictionary now (about a second),
        # not when the first customer's mail is waiting.
        segmenter.tokenizer()
        stop = threading.Event()
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
        for sig in previous:
            signal.signal(sig, lambda signum, frame: stop.set())
        self.stdout.write(f"fetch_mail: every {interval:g} s; SIGTERM or Ctrl-C stops")
        try:
            while not stop.is_set():
                self.round(mailbox)
                close_old_connections()  # a long-lived loop: drop a connection the database lost
                stop.wait(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("fetch_mail: stopped")

    def round(self, name: str | None) -> None:
        began = time.monotonic()
        for box in self.mailboxes(name):  # re-read each round: admins add and change mailboxes
            try:
                count = fetch(box)
            except Exception:  # one message that breaks the code must not stop the loop
                logger.exception("fetching %s failed", box)
                self.stderr.write(f"fetch_mail: {box.name}: failed (see log)")
                continue
            if count:
                self.stdout.write(
                    f"fetch_mail: {box.name}: {count} message(s) ({time.monotonic() - began:.2f} s)"
                )
        self.stdout.flush()
