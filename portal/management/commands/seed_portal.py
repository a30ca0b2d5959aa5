"""`manage.py seed_portal`: the submission wizard's demo history (called by `seed_demo`)."""

from django.core.management.base import BaseCommand

from core import clock

from ...demo import seed_attempts


class Command(BaseCommand):
    help = "Record ninety days of the submission wizard's attempts for the demo (idempotent)."

    def handle(self, *args, **options) -> None:
        made = seed_attempts(now=clock.now())
        self.stdout.write(
            f"Demo wizard attempts: {made} recorded" if made else "Demo wizard attempts already present"
        )
