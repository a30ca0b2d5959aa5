"""The pages that grow with the number of tickets, timed in-process on a seeded database.

Renders each page through Django's test client (middleware, view, template, every query):
the agent's ticket list with its default order and each filter, the agent's and the
customer's ticket pages, the agent's index (workspace panels), the customer's "my tickets",
the API's first and a deep page, the knowledge-base search and the as-you-type suggestions.
One warm-up, one render that counts the queries, then `--runs` timed renders; prints the
median and p95 and the query count of each, against the targets (100 ms a page, 50 ms a
ticket page, 20 ms a search), and the median CPU time of this process per render: on a shared machine the wall time is mostly
waiting for a core, and the CPU figure is what an idle core would take for the Python side
(SQLite runs in this process, so its work is included; a PostgreSQL server's is not).
`--profile N` adds, per page, the N functions with the most cumulative time under cProfile.

Run from the repository root on a database seeded with ``seed_demo --tickets N``:
``KUAIXIANG_VAR_DIR=var/bench/sqlite-1000000 python benchmarks/bench_pages.py`` (or with
DATABASE_URL); benchmarks/bench_scale.py does that for SQLite and PostgreSQL.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE_TARGET_MS = 100.0
TICKET_TARGET_MS = 50.0
SEARCH_TARGET_MS = 20.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def deep_api_page(client, *, pages: int = 2000, per_page: int = 50) -> str:
    """A URL `pages` pages of `per_page` into the API's ticket list, reached the way an
    integrator pages: by following `next` links (200 rows a step, not timed), never ?page=N.

    The walk's 500 requests count against the API's rate limit (600 a minute per user), so
    the throttle's history is cleared afterwards, or the timed requests would get 429s."""
    from django.core.cache import cache

    step = 200
    url = f"/api/v1/tickets/?page_size={step}"
    for _ in range(pages * per_page // step):
        following = client.get(url).json().get("next")
        if not following:
            break
        parts = urlsplit(following)  # the test client wants a path, the API answers absolute links
        url = f"{parts.path}?{parts.query}"
    cache.clear()
    return url.replace(f"page_size={step}", f"page_size={per_page}")


def print_profile(client, url: str, *, top: int, renders: int = 5) -> None:
    """Where a page's Python time goes: `renders` renders under cProfile, the `top` functions
    by cumulative time (the test client's and the handler's own frames left out)."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(renders):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"^(?!.*(django/test/|django/core/handlers/|django/utils/deprecation)).*", top)
    print("\n".join("      " + line for line in out.getvalue().splitlines() if line.strip()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--only",
        default="",
        help="run only the pages whose name contains this (or one of these, comma-separated)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="after timing, print the N functions with the most cumulative time per page (cProfile)",
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    var = Path(os.environ.get("KUAIXIANG_VAR_DIR", ROOT / "var"))
    os.environ.setdefault("STATIC_ROOT", str(var / "static"))  # as scripts/run.sh serves it
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest DEBUG=false needs
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from helpdesk.models import Status, Team, Ticket, User

    settings.ALLOWED_HOSTS = ["*"]
    agent = User.objects.get(email="agent@example.com")
    customer = User.objects.get(email="customer@example.com")
    tickets = Ticket.objects.count()
    team = Team.objects.order_by("pk").first()
    # A ticket in the middle of the table, of the customer's, with a conversation if any.
    mine = Ticket.objects.filter(requester=customer, status=Status.OPEN).order_by("pk").only("pk")[:1].get()
    organization_id = customer.customer_profile.organization_id
    category_id = mine.category_id

    agent_client, customer_client = Client(), Client()
    agent_client.force_login(agent)
    customer_client.force_login(customer)
    queue = "/admin/helpdesk/ticket/"
    pages: list[tuple[str, Client, str, float]] = [
        ("agent list: default", agent_client, queue, PAGE_TARGET_MS),
        ("agent list: status open", agent_client, f"{queue}?status__exact=open", PAGE_TARGET_MS),
        ("agent list: priority P1", agent_client, f"{queue}?priority__exact=p1", PAGE_TARGET_MS),
        ("agent list: team", agent_client, f"{queue}?team__id__exact={team.pk}", PAGE_TARGET_MS),
        ("agent list: assigned to me", agent_client, f"{queue}?assignee=me", PAGE_TARGET_MS),
        ("agent list: unassigned", agent_client, f"{queue}?assignee=none", PAGE_TARGET_MS),
        ("agent list: SLA breached", agent_client, f"{queue}?sla=breached", PAGE_TARGET_MS),
        ("agent list: SLA due soon", agent_client, f"{queue}?sla=due_soon", PAGE_TARGET_MS),
        ("agent list: SLA paused", agent_client, f"{queue}?sla=paused", PAGE_TARGET_MS),
        ("agent list: SLA met", agent_client, f"{queue}?sla=met", PAGE_TARGET_MS),
        ("agent list: category", agent_client, f"{queue}?category__id__exact={category_id}", PAGE_TARGET_MS),
        ("agent list: channel web", agent_client, f"{queue}?channel__exact=web", PAGE_TARGET_MS),
        ("agent list: needs details", agent_client, f"{queue}?needs_details__exact=1", PAGE_TARGET_MS),
        (
            "agent list: organization",
            agent_client,
            f"{queue}?organization__id__exact={organization_id}",
            PAGE_TARGET_MS,
        ),
        ("agent list: page 200", agent_client, f"{queue}?p=200", PAGE_TARGET_MS),
        ("agent ticket page", agent_client, f"{queue}{mine.pk}/change/", TICKET_TARGET_MS),
        ("agent index (workspace)", agent_client, "/admin/", PAGE_TARGET_MS),
        ("customer ticket page", customer_client, f"/tickets/{mine.reference}/", TICKET_TARGET_MS),
        ("my tickets", customer_client, "/tickets/", PAGE_TARGET_MS),
        ("my tickets: page 50", customer_client, "/tickets/?page=50", PAGE_TARGET_MS),
        ("API tickets: first page", agent_client, "/api/v1/tickets/", PAGE_TARGET_MS),
        ("API tickets: deep page", agent_client, deep_api_page(agent_client), PAGE_TARGET_MS),
        ("KB search", customer_client, "/search/?q=凭证+生成失败", SEARCH_TARGET_MS),
        ("KB suggestions", customer_client, "/kb/suggest/?q=收款单生成凭证失败", SEARCH_TARGET_MS),
        ("agent ticket search", agent_client, f"{queue}?q=凭证", PAGE_TARGET_MS),
    ]
    database = connection.vendor
    print(f"  {database}, {tickets:,} tickets, {args.runs} runs per page (median / p95 / CPU / queries)")
    print(f"  load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    missed = 0
    for name, client, url, target in pages:
        if args.only and not any(part in name for part in args.only.split(",")):
            continue
        response = client.get(url)
        if response.status_code != 200:
            print(f"    {name:34} {url}: HTTP {response.status_code}")
            missed += 1
            continue
        # Queries counted on a render of their own: recording every statement's SQL and time
        # (the debug cursor) is not part of a page's cost, so the timed renders go without it.
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        count = len(queries)  # now: the next request's start empties the connection's log
        times, cpu = [], []
        for _ in range(args.runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
        median = statistics.median(times)
        verdict = "ok" if median < target else f"OVER {target:.0f} ms"
        missed += median >= target
        print(
            f"    {name:34} {median:8.1f} ms  p95 {percentile(times, 0.95):8.1f} ms  "
            f"cpu {statistics.median(cpu):7.1f} ms  {count:3d} queries  {verdict}"
        )
        if args.profile:
            print_profile(client, url, top=args.profile)
    print(f"  load average at the end {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"  {missed} page(s) over target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
