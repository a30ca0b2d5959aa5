"""`manage.py rebuild_report_rollups`: recompute the dashboards' rollups from the tickets."""

import time

from django.core.management.base import BaseCommand

from helpdesk.services.rollups import rebuild


class Command(BaseCommand):
    help = "Recompute every report rollup from the tickets (after a bulk import or a new definition)."

    def handle(self, *args, **options) -> None:
        began = time.perf_counter()
        counted = rebuild()
        self.stdout.write(
            f"Report rollups rebuilt from {counted} tickets in {time.perf_counter() - began:.1f} s"
        )
