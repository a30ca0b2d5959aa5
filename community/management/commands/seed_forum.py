"""`manage.py seed_forum [--posts N]`: the demo forum, and optionally N generated posts."""

import time

from django.core.management.base import BaseCommand

from core import clock

from ...demo.bulk import generate_posts
from ...demo.seed import seed_threads


class Command(BaseCommand):
    help = "Create the demo forum (idempotent); --posts N adds N generated posts for benchmarks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--posts", type=int, default=0, help="Also add N generated posts (bulk insert).")
        parser.add_argument(
            "--no-index", action="store_true", help="Leave generated topics out of the search index (faster)."
        )

    def handle(self, *args, posts: int = 0, no_index: bool = False, **options) -> None:
        now = clock.now()
        made = seed_threads(now=now)
        self.stdout.write(f"Demo forum: {made} threads created" if made else "Demo forum already present")
        if posts:
            started = time.perf_counter()
            topics, count = generate_posts(count=posts, now=now, index=not no_index)
            self.stdout.write(
                f"Generated {count} posts in {topics} topics in {time.perf_counter() - started:.1f} s"
            )
