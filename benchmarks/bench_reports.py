"""The managers' dashboards at scale on SQLite: the overview and each breakdown for 90 days.

Run from the repository root: ``python benchmarks/bench_reports.py`` (BENCH_TICKETS, default
1,000,000; ``--runs``). The database is seeded once through ``seed_demo --tickets N`` (the
bulk generator, which writes the rollups as it goes) into a cached file under
var/bench/reports-N.sqlite3 and reused by later runs; delete the file to seed again. Each
page is rendered through Django's test client as a manager (view, template, every query);
the median and p95 of several runs are printed with the query count. Target: under 1 s each.

``--copy-from DIR`` starts the cache from a database already seeded the same way instead of
seeding: your own copy of a shared seeded directory (``cp -r /work/bench-cache/sqlite-1000000
var/bench/``, never the shared one in place). Its kuaixiang.sqlite3 is copied with SQLite's
backup API, then migrated (migration 0023 fills the open-backlog table from the report
states) and analysed.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_S = 1.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=int(os.environ.get("BENCH_TICKETS", 1_000_000)))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--copy-from", type=Path, help="a directory holding a seeded kuaixiang.sqlite3")
    args = parser.parse_args()

    cache = ROOT / "var" / "bench"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"reports-{args.tickets}.sqlite3"
    fresh = not path.exists()
    if fresh and args.copy_from:
        began = time.perf_counter()
        _copy(args.copy_from / "kuaixiang.sqlite3", path)
        print(f"copied the seeded database in {time.perf_counter() - began:.0f} s", flush=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("KUAIXIANG_VAR_DIR", str(cache))
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from helpdesk.admin.dashboards import DIMENSION_LABELS
    from helpdesk.models import ReportRollup, Ticket, User

    if fresh and args.copy_from:
        began = time.perf_counter()
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"migrated and analysed the copy in {time.perf_counter() - began:.0f} s", flush=True)
    elif fresh:
        began = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("seed_demo", tickets=args.tickets)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"seeded {args.tickets:,} tickets and their rollups in {time.perf_counter() - began:.0f} s",
            flush=True,
        )
    tickets, rows = Ticket.objects.count(), ReportRollup.objects.count()
    print(f"database: {tickets:,} tickets, {rows:,} rollup rows ({path.stat().st_size / 2**20:.0f} MiB)")

    manager = Client(HTTP_HOST="127.0.0.1")
    manager.force_login(User.objects.get(email="manager@example.com"))
    window = {"preset": "90d"}
    pages = (
        [("overview", "/admin/reports/")]
        + [(f"by {key}", f"/admin/reports/by/{key}/") for key in DIMENSION_LABELS]
        + [("heatmap and staffing", "/admin/reports/heatmap/")]
    )
    failed = 0
    print(f"{'page (90 days)':<24} {'median':>9} {'p95':>9} {'queries':>8}")
    for name, url in pages:
        manager.get(url, window)  # warm: templates, calendars, the session
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = manager.get(url, window)
                times.append(time.perf_counter() - began)
            if response.status_code != 200:
                print(f"{name}: HTTP {response.status_code}")
                return 1
        median = statistics.median(times)
        p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
        slow = median >= TARGET_S
        failed += slow
        print(
            f"{name:<24} {median * 1000:>7.0f} ms {p95 * 1000:>6.0f} ms {len(queries):>8}{'  SLOW' if slow else ''}"
        )
    print(
        f"target: median under {TARGET_S:.0f} s per page at {tickets:,} tickets: {'met' if not failed else f'{failed} page(s) over'}"
    )
    return 0


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (its WAL included), never opened for writing."""
    import sqlite3

    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    with copy:
        origin.backup(copy)
    copy.close()
    origin.close()


if __name__ == "__main__":
    sys.exit(main())
