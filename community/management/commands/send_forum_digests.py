"""`manage.py send_forum_digests`: queue the forum digests that are due.

The digest task runs deferred on the database task backend by itself; this is for schedulers
(cron) and task backends that cannot defer.
"""

from django.core.management.base import BaseCommand

from ...services.digests import send_due_digests


class Command(BaseCommand):
    help = "Queue every forum digest that is due (one mail per member, one line per topic)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Forum digests queued: {send_due_digests()}")
