"""Submissions per second through the real server: `scripts/run.sh` (gunicorn sync workers,
task worker, SLA watcher) on the database in KUAIXIANG_VAR_DIR or DATABASE_URL.

Client threads, each signed in as a demo customer, post the portal's detailed form
(`/submit/details/`, a complete description) back to back for a fixed time; a 302 to the
confirmation page is an accepted submission. Several runs; each prints its rate, and the
summary gives the median rate and the median and 95th percentile of the POST latency over
all runs. Before the first run the task worker drains what the database already held (a
freshly seeded copy carries the demo's queued tasks and mails), so the runs measure the
submissions alone. Afterwards every accepted submission key must be a stored ticket, and
the task worker must have caught up: every ticket announced (indexed, its mails written)
and every one of those tickets' mails sent.

Run from the repository root, e.g. ``python benchmarks/bench_submit.py --var var/bench/sqlite-1000000``
(benchmarks/bench_scale.py calls it with the cached databases).
"""

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_load import (  # noqa: E402
    CATEGORY_SELECT,
    CSRF,
    CUSTOMERS,
    DESCRIPTION,
    OPTION,
    PASSWORD,
    STAGING,
    Browser,
    free_port,
    serving,
    wait_for,
)

TARGET_RATE = 100.0
TARGET_P95_MS = 300.0


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


class Submitter(threading.Thread):
    """One signed-in customer posting complete requests until `deadline`."""

    def __init__(self, number: int, port: int, occurred_at: str) -> None:
        super().__init__(daemon=True)
        self.browser = Browser(port)
        self.number = number
        self.occurred_at = occurred_at
        self.form: dict | None = None
        self.deadline = 0.0
        self.latencies: list[float] = []
        self.accepted: list[str] = []
        self.other: list[str] = []

    def sign_in(self) -> None:
        _, _, page = self.browser.request("GET", "/account/login/")
        token = CSRF.search(page)
        email = CUSTOMERS[self.number % len(CUSTOMERS)]
        status, _, _ = self.browser.request(
            "POST",
            "/account/login/",
            {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token[1] if token else ""},
        )
        if status != 302:
            raise RuntimeError(f"{email} could not sign in ({status})")
        status, _, page = self.browser.request("GET", "/submit/details/")
        token, staging, select = CSRF.search(page), STAGING.search(page), CATEGORY_SELECT.search(page)
        if status != 200 or not (token and select):
            raise RuntimeError(f"the details form did not render ({status})")
        self.form = {
            **DESCRIPTION,
            "occurred_at": self.occurred_at,
            "category": OPTION.findall(select[1])[0],
            "staging": staging[1] if staging else "",
            "csrfmiddlewaretoken": token[1],
        }

    def run(self) -> None:
        # As cheap as a load generator: the form encoded once (only the key changes), the
        # headers built once, one connection object (gunicorn's sync workers close each
        # connection, http.client opens the next one by itself), no cookie parsing.
        body = urlencode(self.form).encode() + b"&submission_key="
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.browser.cookies.items()),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        connection = http.client.HTTPConnection("127.0.0.1", self.browser.port, timeout=60)
        while time.monotonic() < self.deadline:
            key = str(uuid.uuid4())
            began = time.perf_counter()
            try:
                connection.request("POST", "/submit/details/", body=body + key.encode(), headers=headers)
                response = connection.getresponse()
                text = response.read()
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                self.other.append(f"{type(exc).__name__}: {exc}")
                continue
            self.latencies.append(time.perf_counter() - began)
            if response.status == 302 and "/submit/done/" in response.headers.get("Location", ""):
                self.accepted.append(key)
            else:
                self.other.append(f"{response.status} {text[:200].decode('utf-8', 'replace')!r}")
            if response.will_close:
                connection.close()
        connection.close()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def server_processes(port: int) -> dict[str, list[int]]:
    """The gunicorn processes serving `port` and the task workers (by their command line)."""
    found: dict[str, list[int]] = {"web": [], "worker": []}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "gunicorn" in command and f"127.0.0.1:{port}" in command:
            found["web"].append(int(entry.name))
        elif "manage.py task_worker" in command and str(ROOT) in os.path.realpath(entry / "cwd"):
            found["worker"].append(int(entry.name))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of these processes (all their threads) so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def client_cpu() -> float:
    """User plus system CPU time of this process (the client threads, mostly) so far."""
    times = os.times()
    return times.user + times.system


def start_server(*, port: int, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        ["bash", "scripts/run.sh"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # stopping it reaches every process it started
    )


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=45)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", required=True, type=Path, help="KUAIXIANG_VAR_DIR of the database to use")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite in --var)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--task-workers", type=int, default=1)
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=10,
        help="the task workers' nice value (scripts/run.sh WORKER_NICE)",
    )
    args = parser.parse_args()

    var = args.var.resolve()
    var.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MEDIA_ROOT", "CACHE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        KUAIXIANG_VAR_DIR=str(var),
        STATIC_ROOT=str(var / "static"),
        HOST="127.0.0.1",
        PORT=str(port),
        DEBUG="false",
        COMPILEMESSAGES="0",
        WEB_WORKERS=str(args.web_workers),
        TASK_WORKERS=str(args.task_workers),
        WORKER_NICE=str(args.worker_nice),
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    os.environ.clear()
    os.environ.update(env)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"  {database}: {args.clients} clients, {args.runs} runs of {args.seconds:g} s, "
        f"{args.web_workers} gunicorn workers, {args.task_workers} task worker(s) at nice {args.worker_nice}"
    )
    server = start_server(port=port, env=env, log=var / "bench-submit-run.out")
    failures: list[str] = []
    try:
        if not wait_for(lambda: serving(port), timeout=600):
            print((var / "bench-submit-run.out").read_text()[-3000:])
            print("FAIL: the server did not come up")
            return 1
        import django

        django.setup()
        from django_tasks_db.models import DBTaskResult

        from core.clock import now
        from helpdesk.models import OutboundEmail, Ticket

        def unannounced_tickets() -> int:
            return DBTaskResult.objects.filter(
                task_path="helpdesk.tasks.announce_new_ticket", status__in=["READY", "RUNNING"]
            ).count()

        def backlog() -> int:
            """Tasks due now and mail due now: what the worker has still to do."""
            due_mail = OutboundEmail.objects.filter(
                state__in=[OutboundEmail.State.PENDING, OutboundEmail.State.SENDING],
                next_attempt_at__lte=now(),
            )
            return DBTaskResult.objects.ready().count() + due_mail.count()

        waited = time.monotonic()
        if not wait_for(lambda: backlog() == 0, timeout=900, every=2):
            print(
                f"  the task worker did not drain the database's backlog ({backlog()} left); measuring anyway"
            )
        elif time.monotonic() - waited > 3:
            print(f"  drained the database's own backlog first ({time.monotonic() - waited:.0f} s)")

        occurred_at = (now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        processes = server_processes(port)
        cpu = dict.fromkeys([*processes, "client"], 0.0)
        worker_began = cpu_seconds(processes["worker"])
        rates: list[float] = []
        latencies: list[float] = []
        accepted: list[str] = []
        problems: list[str] = []
        for run in range(args.runs):
            clients = [Submitter(n, port, occurred_at) for n in range(args.clients)]
            for submitter in clients:
                submitter.sign_in()
            cpu_before = {role: cpu_seconds(pids) for role, pids in processes.items()}
            client_before = client_cpu()
            began = time.monotonic()
            for submitter in clients:
                submitter.deadline = began + args.seconds
                submitter.start()
            for submitter in clients:
                submitter.join(timeout=args.seconds + 120)
            elapsed = time.monotonic() - began
            for role, pids in processes.items():
                cpu[role] += cpu_seconds(pids) - cpu_before[role]
            cpu["client"] += client_cpu() - client_before
            run_accepted = [key for s in clients for key in s.accepted]
            run_latencies = [x for s in clients for x in s.latencies]
            problems += [p for s in clients for p in s.other]
            rates.append(len(run_accepted) / elapsed)
            latencies += run_latencies
            accepted += run_accepted
            print(
                f"    run {run + 1}: {len(run_accepted)} accepted in {elapsed:.1f} s = {rates[-1]:.1f}/s, "
                f"p95 {percentile(run_latencies, 0.95) * 1000:.0f} ms"
                if run_latencies
                else f"    run {run + 1}: nothing accepted"
            )
        stored = 0
        for start in range(0, len(accepted), 500):
            chunk = [uuid.UUID(k) for k in accepted[start : start + 500]]
            stored += Ticket.objects.filter(submission_key__in=chunk).count()
        drain_began = time.monotonic()
        caught_up = wait_for(lambda: unannounced_tickets() == 0, timeout=300, every=1)
        drained = time.monotonic() - drain_began

        def unsent_mails() -> tuple[int, int]:
            """(mails of the accepted tickets, those not sent yet)."""
            total = unsent = 0
            for start in range(0, len(accepted), 500):
                chunk = [uuid.UUID(k) for k in accepted[start : start + 500]]
                mails = OutboundEmail.objects.filter(ticket__submission_key__in=chunk)
                total += mails.count()
                unsent += mails.exclude(state=OutboundEmail.State.SENT).count()
            return total, unsent

        wait_for(lambda: unsent_mails()[1] == 0, timeout=120, every=2)
        mails, unsent = unsent_mails()
        print(f"  mails of the accepted tickets: {mails}, sent {mails - unsent}")
        if unsent or mails < len(accepted):  # at least the receipt of each
            failures.append(f"{unsent} of {mails} mails of the accepted tickets not sent")
        worker_cpu = cpu_seconds(processes["worker"]) - worker_began  # the runs and the drain after
        median_rate = statistics.median(rates) if rates else 0.0
        p50 = statistics.median(latencies) * 1000 if latencies else 0.0
        p95 = percentile(latencies, 0.95) * 1000 if latencies else 0.0
        print(
            f"  submissions: median {median_rate:.1f}/s over {args.runs} runs; POST latency median "
            f"{p50:.0f} ms, p95 {p95:.0f} ms; stored {stored}/{len(accepted)}; "
            f"task worker {'caught up' if caught_up else 'NOT caught up'} {drained:.0f} s after the load"
        )
        if accepted and cpu["web"]:
            # Load-independent: what one submission costs the server, whatever else runs here.
            web_ms = cpu["web"] / len(accepted) * 1000
            worker_ms = worker_cpu / len(accepted) * 1000
            cores = os.cpu_count() or 1
            client_ms = cpu["client"] / len(accepted) * 1000
            print(
                f"  CPU per accepted submission: web {web_ms:.1f} ms, task worker {worker_ms:.1f} ms, "
                f"the bench's own client {client_ms:.1f} ms "
                f"(indexing, mails, their delivery); {cores} cores, load average "
                f"{os.getloadavg()[0]:.1f} at the end: idle cores would take ~{cores * 1000 / web_ms:.0f}/s "
                f"at the web alone, ~{cores * 1000 / (web_ms + worker_ms):.0f}/s with the worker keeping up"
            )
        if stored != len(accepted):
            failures.append(f"{len(accepted) - stored} accepted submissions were not stored")
        if problems:
            failures.append(f"{len(problems)} submissions not accepted, e.g. {problems[0]}")
        if not caught_up:
            failures.append("the task worker did not announce every new ticket within 300 s")
        verdict = "meets" if median_rate >= TARGET_RATE and p95 < TARGET_P95_MS else "misses"
        print(f"  target ≥ {TARGET_RATE:.0f}/s with p95 < {TARGET_P95_MS:.0f} ms: {verdict}")
    finally:
        stop_server(server)
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
