"""`manage.py seed_chat`: ninety days of demo chats (called by `seed_demo`)."""

from django.core.management.base import BaseCommand

from core import clock

from ...demo import seed_chats


class Command(BaseCommand):
    help = "Play ninety days of demo chats through the chat services (idempotent)."

    def handle(self, *args, **options) -> None:
        made = seed_chats(now=clock.now())
        self.stdout.write(f"Demo chats: {made} played" if made else "Demo chats already present")
