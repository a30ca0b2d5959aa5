"""`manage.py seed_demo [--tickets N]`: the demo world, and optionally N generated tickets."""

import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from core import clock
from core.db_stats import analyze
from helpdesk.demo import data
from helpdesk.demo.bulk import UnfinishedLoad, check_no_unfinished_load, generate_tickets
from helpdesk.demo.seed import seed_mailbox, seed_people, seed_reference_data, seed_stories
from helpdesk.demo.stories import TICKETS as HISTORY_TICKETS
from helpdesk.demo.stories import seed_history


class Command(BaseCommand):
    help = "Create demo organizations, teams, people and tickets (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--tickets", type=int, default=0, help="Also add N generated tickets (bulk insert)."
        )
        parser.add_argument(
            "--history",
            type=int,
            default=HISTORY_TICKETS,
            help=f"How many tickets the 90-day history plays through the services (default {HISTORY_TICKETS}).",
        )

    def handle(self, *args, tickets: int = 0, history: int = HISTORY_TICKETS, **options) -> None:
        try:
            check_no_unfinished_load()
        except UnfinishedLoad as error:
            raise CommandError(str(error)) from error
        now = clock.now()
        world = seed_reference_data()
        people = seed_people(world)
        made = seed_stories(world, people, now=now)
        box = seed_mailbox(world)
        self.stdout.write(f"Demo mailbox: drop mail into {box.path}/new/")
        self.stdout.write(f"Demo stories: {made} tickets created" if made else "Demo stories already present")
        started = time.perf_counter()
        history = seed_history(world, people, now=now, count=history) if history > 0 else 0
        if history:
            self.stdout.write(
                f"Demo history: {history} tickets over 90 days in {time.perf_counter() - started:.1f} s"
            )
        if "seed_kb" in get_commands():
            call_command("seed_kb", stdout=self.stdout)
        if "seed_forum" in get_commands():
            call_command("seed_forum", stdout=self.stdout)
        if "seed_chat" in get_commands():
            call_command("seed_chat", stdout=self.stdout)
        if "seed_portal" in get_commands():  # after the history and the KB: it reads both
            call_command("seed_portal", stdout=self.stdout)
        if tickets:
            started = time.perf_counter()
            count = generate_tickets(
                count=tickets, world=world, people=people, now=now, progress=self._progress(started, tickets)
            )
            # Their search documents, report states and rollups were written with them.
            self.stdout.write(f"Generated {count} tickets in {time.perf_counter() - started:.1f} s")
        else:
            analyze()  # generate_tickets analyses after its load; the small demo needs it too
        self.stdout.write(f"Demo logins (password {data.DEMO_PASSWORD}): {', '.join(data.DEMO_LOGINS)}")

    def _progress(self, started: float, total: int):
        """A line per tenth of the inserts, and one when the indexes are built."""
        step = max(total // 10, 1)
        cpu = time.process_time()
        reported: dict[str, int] = {}

        def report(done: int, phase: str) -> None:
            if done // step > reported.get(phase, 0) or done == total:
                reported[phase] = done // step
                self.stdout.write(
                    f"  {phase} {done}/{total} ({time.perf_counter() - started:.0f} s, "
                    f"CPU {time.process_time() - cpu:.0f} s)"
                )
                self.stdout.flush()

        return report
