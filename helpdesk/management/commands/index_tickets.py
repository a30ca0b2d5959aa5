"""`manage.py index_tickets`: (re)build the tickets' entries in the shared search index."""

from django.core.management.base import BaseCommand
from django.db import transaction

from helpdesk.models import Ticket
from helpdesk.search import index_ticket

BATCH = 500


class Command(BaseCommand):
    help = "Re-index every ticket (subject, description and conversation) for the agents' search."

    def handle(self, *args, **options) -> None:
        done = 0
        ids = list(Ticket.objects.live().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            with transaction.atomic():
                for ticket in Ticket.objects.select_related("organization").filter(
                    pk__in=ids[start : start + BATCH]
                ):
                    index_ticket(ticket)
                    done += 1
        self.stdout.write(f"Indexed {done} tickets.")
