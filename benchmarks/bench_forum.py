"""Forum pages at scale on SQLite: the latest-topics list and a topic page at 1,000,000 posts.

Run from the repository root: ``python benchmarks/bench_forum.py [--posts N]``. Uses a
throw-away SQLite file, migrates it, seeds the demo forum and N generated posts through
``seed_forum``'s bulk generator, then renders the pages through Django's test client (views,
templates, every query) and reports the median and p95 per page with its query count. Every
page should stay flat as N grows: the lists are keyset-paginated on indexed columns and a
topic page reads one page of posts by (topic, number).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--index", action="store_true", help="also index the generated topics for search")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="kx-bench-forum-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("KUAIXIANG_VAR_DIR", tmp)
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from community.demo.bulk import generate_posts
    from community.demo.seed import seed_threads
    from community.models import Board, Post, Topic
    from community.selectors.topics import Cursor
    from core import clock
    from helpdesk.demo.seed import seed_people, seed_reference_data
    from helpdesk.models import User

    call_command("migrate", verbosity=0)
    seed_people(seed_reference_data())
    now = clock.now()
    seed_threads(now=now)
    began = time.perf_counter()
    topics, posts = generate_posts(count=args.posts, now=now, index=args.index)
    print(f"generated {posts:,} posts in {topics:,} topics in {time.perf_counter() - began:.1f} s"
          f" ({Post.objects.count():,} posts in all)", flush=True)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    anonymous = Client(HTTP_HOST="127.0.0.1")
    member = Client(HTTP_HOST="127.0.0.1")
    member.force_login(User.objects.get(email="customer@example.com"))
    ordered = Topic.objects.filter(state="visible", is_pinned=False).order_by("-last_activity_at", "-id")
    deep = ordered.values("last_activity_at", "pk")[min(topics // 2, 20_000)]
    cursor = Cursor(at=deep["last_activity_at"], pk=deep["pk"]).encode()
    big = Topic.objects.order_by("-highest_number").first()
    typical = Topic.objects.filter(highest_number__gte=20, highest_number__lte=40).order_by("pk").first()
    board = Board.objects.get(slug="kingdee")
    pages = [
        ("latest topics, page 1 (anonymous)", anonymous, "/community/"),
        ("latest topics, page 1 (signed in)", member, "/community/"),
        (f"latest topics, {min(topics // 2, 20_000):,} topics deep", member, f"/community/?before={cursor}"),
        ("unanswered", member, "/community/unanswered/"),
        ("solved", member, "/community/solved/"),
        ("one board", member, board.get_absolute_url()),
        (f"topic page, {typical.highest_number} posts", member, typical.get_absolute_url()),
        (f"topic page, {big.highest_number:,} posts, first page", member, big.get_absolute_url()),
        (f"topic page, {big.highest_number:,} posts, last page", member,
         f"{big.get_absolute_url()}?after={big.highest_number - 20}"),
    ]  # fmt: skip
    print(f"\n{'page':<46} {'median':>9} {'p95':>9} {'queries':>8}")
    for title, client, url in pages:
        for _ in range(3):  # warm the page cache and per-process caches
            client.get(url)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(f"{title:<46} {statistics.median(times):>7.1f}ms {p95:>7.1f}ms {len(queries):>8}", flush=True)


if __name__ == "__main__":
    main()
