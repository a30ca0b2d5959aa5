"""`make bench`: run every benchmark as its own process and print what it prints.

Each bench runs in a fresh interpreter so one cannot warm caches for another. A bench that
is missing (bench_search.py arrives with the search feature) is skipped with a note; one
that fails makes this script exit non-zero.
"""

import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ("SLA business time (helpdesk.sla.business_time)", "bench_business_time.py"),
    ("Search (knowledge base, FAQ, forum)", "bench_search.py"),
    ("Forum pages at 1,000,000 posts (community)", "bench_forum.py"),
    ("Managers' dashboards, 90 days (BENCH_TICKETS, default 1,000,000)", "bench_reports.py"),
    ("Load: 8 clients submitting and replying for 30 s on SQLite (scripts/run.sh)", "bench_load.py"),
    ("Scale: pages and submissions at BENCH_TICKETS tickets, SQLite and PostgreSQL", "bench_scale.py"),
    ("Agents' ticket search at BENCH_TICKETS tickets (search)", "bench_ticket_search.py"),
    ("Live chat: 200 websocket connections, one daphne process and two over Redis (chat)", "bench_chat.py"),
]


def main() -> int:
    print("Kuaixiang benchmarks")
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    failed = 0
    for title, script in BENCHES:
        path = HERE / script
        print(f"\n== {title} ==", flush=True)
        if not path.exists():
            print(f"(skipped: {script} not present)")
            continue
        began = time.perf_counter()
        completed = subprocess.run([sys.executable, str(path)], cwd=HERE.parent, check=False)
        if completed.returncode:
            failed += 1
            print(f"!! {script} failed with exit code {completed.returncode}")
        print(f"({script}: {time.perf_counter() - began:.1f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
