"""Agents' ticket search at BENCH_TICKETS tickets (issue 17): SQLite and PostgreSQL.

Times the ids-only ticket search (`search.selectors.matching_ids`, what the queue's `?q=`
asks) for an error code, a word in most tickets, a phrase and mixed queries, in process:
median and p95 of BENCH_RUNS runs (default 15) per query, the process's CPU per search, the
queries it sends and the load average. Then, on PostgreSQL, the knowledge-base search and
suggestions beside it, with the server's own time (EXPLAIN ANALYZE) per statement.

SQLite reads the seeded database bench_scale.py keeps (var/bench/sqlite-N/, migrated
first). PostgreSQL needs only the search documents: the first run starts a cluster whose data
directory is kept (var/bench/postgres-search-N/, port PGPORT_TEST), migrates it and copies
every search document of the SQLite database into it with COPY (the tsvector written by the
app's own `PostgresBackend.vector_literal`), then builds the partial GIN indexes as search
migration 0005 does and analyses the table; later runs reuse it.

Run from the repository root: ``python benchmarks/bench_ticket_search.py``;
BENCH_DATABASES=sqlite (or postgres) runs one. Heavy: run it under ``flock /work/bench.lock``
on a shared machine.
"""

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

TICKETS = int(os.environ.get("BENCH_TICKETS", "1000000"))
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
TARGET_MS = 20.0
QUERIES = [
    ("an error code", "35001"),
    ("a word in most tickets", "凭证"),
    ("a phrase of common words", "凭证生成失败"),
    ("a customer's phrase", "金额与银行回单不一致"),
    ("two words", "银行回单 不一致"),
    ("an error code and a common word", "35001 凭证"),
    ("an ERP system and a symptom", "金蝶 未生成"),
    ("a pasted description, six terms", "收款单生成凭证失败 科目不存在"),
]
COPY_COLUMNS = (
    "id", "doc_type", "object_id", "title", "url", "kind", "kind_label", "visibility", "text",
    "tags_text", "title_norm", "tags_norm", "body_norm", "published_at", "updated_at", "changed_at",
    "solved", "popularity", "erp_systems", "collection",
)  # fmt: skip
SQLITE_VAR = ROOT / "var" / "bench" / f"sqlite-{TICKETS}"
PG_DIR = ROOT / "var" / "bench" / f"postgres-search-{TICKETS}"


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(title: str, run, runs: int = RUNS) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run()  # warm the page cache and the segmenter
    with CaptureQueriesContext(connection) as captured:
        found = run()
    walls, cpus = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), cpu()
        run()
        walls.append((time.perf_counter() - began) * 1000)
        cpus.append((cpu() - began_cpu) * 1000)
    walls.sort()
    p95 = walls[max(int(len(walls) * 0.95) - 1, 0)]
    median = statistics.median(walls)
    mark = "ok" if median < TARGET_MS else "OVER"
    print(
        f"  {title:<58} median {median:7.1f} ms  p95 {p95:7.1f} ms  CPU {statistics.median(cpus):6.1f} ms"
        f"  {len(captured.captured_queries)} queries  {len(found):>3} found  [{mark} {TARGET_MS:.0f} ms]"
        f"  load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def agent():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get_or_create(
        email="bench-search-agent@example.com", defaults={"is_staff": True}
    )[0]


def ticket_search() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.models import Collection
    from search.selectors import matching_ids

    staff = agent()
    for title, query in QUERIES:

        def run(q=query):
            return matching_ids(
                query=q, user=staff, collection=Collection.TICKETS, kinds=["ticket"], limit=500
            )

        measure(f"{title} ({query})", run)
        with CaptureQueriesContext(connection) as captured:
            run()
        print(f"      plan of the ids query: {plan_summary(captured.captured_queries[-1]['sql'])}")


def plan_summary(sql: str) -> str:
    """The scans of the ids query's plan, one line (what test_ids_search_plans.py pins)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            lines = [str(row[-1]) for row in cursor.fetchall()]
            return "; ".join(line for line in lines if "SCAN" in line or "TEMP" in line)
        cursor.execute(f"EXPLAIN {sql}")
        lines = [row[0].strip().lstrip("-> ").split("  (")[0] for row in cursor.fetchall()]
        return " > ".join(line for line in lines if "Scan" in line or "Limit" in line or line[:4] == "Sort")


def kb_search() -> None:
    """The public searches on the same database, and the server's own time per statement."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.selectors import search, suggest

    customer = get_user_model().objects.get_or_create(
        email="bench-search-customer@example.com", defaults={"is_staff": False}
    )[0]
    calls = [
        ("KB search (凭证 生成失败)", lambda: search(query="凭证 生成失败", user=customer, limit=20).hits),
        (
            "KB suggestions (收款单生成凭证失败)",
            lambda: suggest(query="收款单生成凭证失败", user=customer, limit=5, erp_system="kingdee").hits,
        ),
    ]
    for title, call in calls:
        measure(title, call)
        if connection.vendor != "postgresql":
            continue
        with CaptureQueriesContext(connection) as captured:
            call()
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
                plan = cursor.fetchone()[0][0]
                print(
                    f"      server {plan['Planning Time']:.2f} ms planning + {plan['Execution Time']:.2f} ms"
                    f" executing: {query['sql'][:110]}"
                )


def inside() -> None:
    """Runs in a child process whose environment names the database."""
    import django

    django.setup()
    from django.db import connection

    from search.models import SearchDocument

    print(f"  {SearchDocument.objects.filter(collection='tickets').count():,} ticket documents", flush=True)
    ticket_search()
    kb_search()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")


def fill_postgres(sqlite_path: Path) -> None:
    """Copy the SQLite database's search documents into the (migrated, empty) PostgreSQL one."""
    import importlib
    import sqlite3

    import django

    django.setup()
    from django.db import connection, transaction

    from search.backends import TABLE, PostgresBackend
    from search.models import SearchDocument

    collections = importlib.import_module("search.migrations.0005_collections")
    began = time.perf_counter()
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    rows = source.execute(f"SELECT {', '.join(COPY_COLUMNS)} FROM {TABLE} ORDER BY id")
    backend = PostgresBackend()
    copied = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        for sql in collections.PG_DOWN[1:]:  # the partial GIN indexes, built again after the load
            cursor.execute(sql)
        columns = ", ".join([*COPY_COLUMNS, "search_vector"])
        with cursor.cursor.copy(f"COPY {TABLE} ({columns}) FROM STDIN") as copy:
            for row in rows:
                doc = SearchDocument(title_norm=row[10], tags_norm=row[11], body_norm=row[12])
                values = list(row)
                values[16] = bool(values[16])
                copy.write_row([*values, backend.vector_literal(doc)])
                copied += 1
        print(f"  copied {copied:,} search documents in {time.perf_counter() - began:.0f} s", flush=True)
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for sql in collections.PG_UP[:2]:
            cursor.execute(sql)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), (SELECT max(id) FROM {TABLE}))"
        )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {TABLE}")
    print(f"  indexed and analysed in {time.perf_counter() - began:.0f} s in all", flush=True)


def child(env: dict, *args: str) -> int:
    return subprocess.run([sys.executable, __file__, *args], cwd=ROOT, env=env, check=False).returncode


def main() -> int:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    base.update(DJANGO_SETTINGS_MODULE="config.settings.dev", DEBUG="false", LOG_LEVEL="WARNING")
    database = SQLITE_VAR / "kuaixiang.sqlite3"
    if not database.exists():
        print(f"(skipped: no seeded database in {SQLITE_VAR}; bench_scale.py makes it)")
        return 0
    failed = 0
    if "sqlite" in DATABASES:
        print(f"\n-- SQLite, {database} --", flush=True)
        env = {**base, "KUAIXIANG_VAR_DIR": str(SQLITE_VAR)}
        failed |= child(env, "--migrate") or child(env, "--inside")
    if "postgres" in DATABASES:
        from bench_scale import Postgres

        postgres = Postgres(PG_DIR)
        print(f"\n-- PostgreSQL 15, search documents of {database} --", flush=True)
        if not postgres.start():
            return 1
        try:
            env = {**base, "KUAIXIANG_VAR_DIR": str(PG_DIR / "var"), "DATABASE_URL": postgres.url}
            marker = PG_DIR / "filled"
            if not marker.exists():
                failed |= child(env, "--migrate") or child(env, "--fill", str(database))
                if not failed:
                    marker.write_text("filled\n")
            if not os.environ.get("BENCH_FILL_ONLY"):
                failed |= child(env, "--migrate") or child(env, "--inside")
        finally:
            postgres.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--inside"]:
        inside()
    elif sys.argv[1:2] == ["--migrate"]:
        sys.exit(
            subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT).returncode
        )
    elif sys.argv[1:2] == ["--fill"]:
        fill_postgres(Path(sys.argv[2]))
    else:
        sys.exit(main())
