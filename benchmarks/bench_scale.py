"""Scale: the pages and the submission rate at BENCH_TICKETS tickets, on SQLite and PostgreSQL.

Seeds a database once (`seed_demo --tickets N`, timed: the seeding figure) and keeps it under
var/bench/ for the next run (`sqlite-N/`, `postgres-N/`); each run migrates it first, so new
indexes arrive. Then, per database:

- benchmarks/bench_pages.py: every list, filter and page that grows with the data, in
  process (median, p95, queries);
- benchmarks/bench_submit.py: submissions per second through scripts/run.sh (gunicorn sync
  workers and task workers): SQLite with the default 3 web workers and 1 task worker,
  PostgreSQL with BENCH_PG_WEB_WORKERS (default 4) and 2 task workers.

PostgreSQL 15 is started here like scripts/with-postgres.sh does, on PGPORT_TEST (default
54337), with its data directory kept in var/bench/postgres-N/ and stopped at the end.
BENCH_DATABASES=sqlite (or postgres) runs one; BENCH_TICKETS defaults to 1,000,000.

Run from the repository root: ``python benchmarks/bench_scale.py`` (`make bench` does).
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TICKETS = int(os.environ.get("BENCH_TICKETS", "1000000"))
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")
PG_PORT = os.environ.get("PGPORT_TEST", "54337")
BENCH = ROOT / "var" / "bench"


def env_for(var: Path, database_url: str = "") -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MEDIA_ROOT", "CACHE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        KUAIXIANG_VAR_DIR=str(var),
        STATIC_ROOT=str(var / "static"),
        DEBUG="false",
        LOG_LEVEL="WARNING",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, check=False, **kwargs)


def ensure_seeded(var: Path, env: dict) -> bool:
    """Migrate, and seed once: the marker file says a seed of this size completed."""
    var.mkdir(parents=True, exist_ok=True)
    marker = var / f"seeded-{TICKETS}"
    if not marker.exists() and "DATABASE_URL" not in env:
        # An unfinished seed: start again from an empty file rather than add to it.
        for leftover in var.glob("kuaixiang.sqlite3*"):
            leftover.unlink()
    if run([PY, "manage.py", "migrate", "--noinput", "-v0"], env).returncode:
        print("  migrate failed")
        return False
    if marker.exists():
        print(f"  reusing the seeded database in {var} ({marker.read_text().strip()})")
        return True
    print(f"  seeding {TICKETS:,} tickets into {var} (once; kept for later runs)", flush=True)
    began = time.perf_counter()
    seeded = run([PY, "manage.py", "seed_demo", "--tickets", str(TICKETS)], env)
    if seeded.returncode:
        print("  seed_demo failed")
        return False
    marker.write_text(f"seeded in {time.perf_counter() - began:.0f} s")
    print(f"  seed_demo --tickets {TICKETS}: {time.perf_counter() - began:.0f} s")
    return True


def bench(var: Path, env: dict, *, database_url: str = "", web_workers: int, task_workers: int) -> int:
    failed = run([PY, "benchmarks/bench_pages.py"], env).returncode
    submit = [PY, "benchmarks/bench_submit.py", "--var", str(var), "--web-workers", str(web_workers)]
    submit += ["--task-workers", str(task_workers)]
    if database_url:
        submit += ["--database-url", database_url]
    failed |= run(submit, env).returncode
    return failed


class Postgres:
    """A PostgreSQL 15 cluster whose data directory outlives the run (var/bench/postgres-N)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.bin = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
        self.url = f"postgres://kuaixiang:kuaixiang@127.0.0.1:{PG_PORT}/kuaixiang"

    def _as_pg(self, *args: str) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *args], check=False, capture_output=True, text=True)

    def start(self) -> bool:
        if self.bin is None or not (self.bin / "initdb").exists():
            print("  PostgreSQL server binaries not found (sudo apt-get install -y postgresql)")
            return False
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        fresh = not self.data.exists()
        if (
            fresh
            and self._as_pg(
                str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"
            ).returncode
        ):
            print("  initdb failed")
            return False
        options = f"-p {PG_PORT} -k {self.directory} -c shared_buffers=256MB -c max_connections=100"
        started = self._as_pg(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.directory / "log"),
            "-w",
            "start",
        )
        if started.returncode:
            print(f"  PostgreSQL did not start: {started.stderr.strip()}")
            return False
        if fresh:
            for sql in (
                "CREATE ROLE kuaixiang LOGIN CREATEDB PASSWORD 'kuaixiang'",
                "CREATE DATABASE kuaixiang OWNER kuaixiang",
            ):
                self._as_pg(
                    str(self.bin / "psql"),
                    "-h",
                    str(self.directory),
                    "-p",
                    PG_PORT,
                    "-U",
                    "postgres",
                    "-qc",
                    sql,
                )
        return True

    def stop(self) -> None:
        self._as_pg(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")


def main() -> int:
    failed = 0
    print(f"{TICKETS:,} tickets; databases kept under {BENCH}")
    if "sqlite" in DATABASES:
        print("\n-- SQLite (WAL, IMMEDIATE) --", flush=True)
        var = BENCH / f"sqlite-{TICKETS}"
        env = env_for(var)
        if ensure_seeded(var, env):
            failed |= bench(var, env, web_workers=3, task_workers=1)
        else:
            failed = 1
    if "postgres" in DATABASES:
        print("\n-- PostgreSQL 15 --", flush=True)
        postgres = Postgres(BENCH / f"postgres-{TICKETS}")
        if not postgres.start():
            return 1
        try:
            var = BENCH / f"postgres-{TICKETS}" / "var"
            env = env_for(var, postgres.url)
            if ensure_seeded(var, env):
                web = int(os.environ.get("BENCH_PG_WEB_WORKERS", "4"))
                failed |= bench(var, env, database_url=postgres.url, web_workers=web, task_workers=2)
            else:
                failed = 1
        finally:
            postgres.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
