"""Load check: client processes submit tickets and reply through the real portal views for a
fixed time, against `scripts/run.sh` (gunicorn, task worker, SLA watcher) on SQLite.

It passes when every write the server accepted is in the database afterwards, no response
was a 5xx, and "database is locked" appears in no response and in no web log. A third of
the way in, the task worker is killed with SIGKILL: its supervisor must restart it, and
once the load stops the outbox must drain (every due mail sent, none given up).

Everything runs in a temporary directory of its own (KUAIXIANG_VAR_DIR: database, media,
mail, logs) with the seeded demo; the clients sign in as the demo customers. Traffic goes
only to 127.0.0.1 on a free port, and every wait is bounded.

Run from the repository root: ``python benchmarks/bench_load.py [--clients 8] [--seconds 30]``.
"""

import argparse
import http.client
import multiprocessing
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "kuaixiang-demo"  # helpdesk/demo/data.py DEMO_PASSWORD
CUSTOMERS = [
    "customer@example.com",
    "customer2@example.com",
    "finance.liu@huadong-textile.example",
    "cfo@shuwei-food.example",
    "k.weber@nordic-components.example",
    "j.smith@pacific-retail.example",
]
# A complete description (portal/tests/helpers.py GOOD_POST), so the quality gate accepts it.
DESCRIPTION = {
    "subject": "金蝶收款单生成凭证失败：科目不存在",
    "symptoms": "在金蝶云星空中点击“生成凭证”后，收款单没有生成凭证，界面弹出红色错误提示框，当天所有收款单都无法过账。",
    "error_message": "ERR-4012: 科目 1122 不存在或已禁用",
    "steps_to_reproduce": "1. 打开收款单列表 2. 选择 11 月 3 日的收款单 3. 点击生成凭证 4. 查看弹出的错误",
    "expected_result": "凭证生成并自动过账",
    "actual_result": "弹出错误，凭证没有生成",
    "erp_system": "kingdee",
    "erp_version": "K/3 Cloud 8.1",
    "plugin_version": "3.2.1",
    "impact": "财务部 5 人无法过账",
    "affected_users": "5",
    "voucher_numbers": "SK-20251103-0001",
}
LOCKED = "database is locked"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STAGING = re.compile(r'name="staging" value="([^"]*)"')
CATEGORY_SELECT = re.compile(r'<select name="category"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')


class Browser:
    """Just enough of a browser: cookies, form posts, no redirects followed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers.get("Location", ""), text


def client(number: int, port: int, seconds: float, occurred_at: str, results) -> None:
    """One customer for `seconds`: sign in, then submit a ticket and reply twice on its own
    tickets, over and over. Reports what the server accepted."""
    browser = Browser(port)
    statuses: Counter = Counter()
    tickets: list[tuple[str, str]] = []  # (submission_key, reference)
    replies: list[tuple[str, str]] = []  # (reference, body)
    latencies: list[float] = []
    problems: list[str] = []
    locked = 0

    def call(method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        nonlocal locked
        began = time.perf_counter()
        try:
            status, location, text = browser.request(method, path, form)
        except (OSError, http.client.HTTPException) as exc:
            statuses["no response"] += 1
            problems.append(f"{method} {path}: {type(exc).__name__}: {exc}")
            return 0, "", ""
        if form is not None:
            latencies.append(time.perf_counter() - began)
        statuses[status] += 1
        if LOCKED in text:
            locked += 1
        if status >= 500 or (form is not None and status == 200 and len(problems) < 5):
            problems.append(f"{method} {path}: {status} {text[:300]!r}")
        return status, location, text

    email = CUSTOMERS[number % len(CUSTOMERS)]
    _, _, page = call("GET", "/account/login/")
    csrf = CSRF.search(page)
    status, _, _ = call(
        "POST",
        "/account/login/",
        {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": csrf[1] if csrf else ""},
    )
    if status != 302:
        problems.append(f"{email} could not sign in ({status})")
        seconds = 0

    deadline = time.monotonic() + seconds
    step = 0
    while time.monotonic() < deadline:
        if step % 3 == 0 or not tickets:
            status, _, page = call("GET", "/submit/details/")
            token, staging, select = CSRF.search(page), STAGING.search(page), CATEGORY_SELECT.search(page)
            if status != 200 or not (token and select):
                time.sleep(0.2)
                step += 1
                continue
            key = str(uuid.uuid4())
            form = {
                **DESCRIPTION,
                "occurred_at": occurred_at,
                "category": OPTION.findall(select[1])[0],
                "submission_key": key,
                "staging": staging[1] if staging else "",
                "csrfmiddlewaretoken": token[1],
            }
            status, location, _ = call("POST", "/submit/details/", form)
            if status == 302 and "/submit/done/" in location:
                tickets.append((key, location.rstrip("/").rsplit("/", 1)[-1]))
        else:
            reference = tickets[step % len(tickets)][1]
            status, _, page = call("GET", f"/tickets/{reference}/")
            token = CSRF.search(page)
            if status != 200 or not token:
                step += 1
                continue
            body = f"补充说明 {number}-{step}-{uuid.uuid4().hex[:8]}：重新生成凭证仍然失败。"
            status, location, _ = call(
                "POST", f"/tickets/{reference}/reply/", {"body": body, "csrfmiddlewaretoken": token[1]}
            )
            if status == 302:
                replies.append((reference, body))
        step += 1
    results.put(
        {
            "statuses": statuses,
            "tickets": tickets,
            "replies": replies,
            "latencies": latencies,
            "problems": problems,
            "locked": locked,
        }
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, *, timeout: float, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    return check()


def serving(port: int) -> bool:
    try:
        return Browser(port).request("GET", "/account/login/")[0] == 200
    except OSError:
        return False


def started_pids(var: Path, name: str) -> list[int]:
    log = var / "supervisor.log"
    text = log.read_text() if log.exists() else ""
    return [int(pid) for pid in re.findall(rf"{name} started \(pid (\d+)\)", text)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--keep", action="store_true", help="Keep the temporary directory.")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="kuaixiang-load-"))
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
    )
    os.environ.update(env)
    for name in ("DATABASE_URL", "MEDIA_ROOT", "CACHE_URL"):
        os.environ.pop(name, None)
    print(f"{args.clients} clients for {args.seconds:g} s against scripts/run.sh on 127.0.0.1:{port} ({var})")

    run_log = (var / "run.out").open("w")
    # A session of its own, so that stopping it can reach every process it started.
    server = subprocess.Popen(
        ["bash", "scripts/run.sh"],
        cwd=ROOT,
        env=env,
        stdout=run_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    failures: list[str] = []
    try:
        if not wait_for(lambda: serving(port), timeout=180):
            print((var / "run.out").read_text()[-3000:])
            failures.append("the server did not come up within 180 s")
            return 1

        import django

        django.setup()
        from django.db.models import Q

        from core.clock import now
        from helpdesk.models import OutboundEmail, Ticket, TicketMessage
        from helpdesk.services.outbox import message_id

        # Two days back in UTC is in the past and within 90 days in every customer's zone.
        occurred_at = (now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        clients = [
            context.Process(target=client, args=(n, port, args.seconds, occurred_at, results))
            for n in range(args.clients)
        ]
        began = time.monotonic()
        for process in clients:
            process.start()

        # A third of the way in, kill -9 the task worker; its supervisor must bring it back.
        time.sleep(args.seconds / 3)
        worker_pids = started_pids(var, "task_worker")
        if worker_pids:
            os.kill(worker_pids[-1], signal.SIGKILL)
        else:
            failures.append("no task worker to kill (supervisor.log names none)")

        reports = [results.get(timeout=args.seconds + 120) for _ in clients]
        for process in clients:
            process.join(timeout=30)
        elapsed = time.monotonic() - began

        statuses = sum((r["statuses"] for r in reports), Counter())
        tickets = [t for r in reports for t in r["tickets"]]
        replies = [m for r in reports for m in r["replies"]]
        latencies = sorted(x for r in reports for x in r["latencies"])
        locked_responses = sum(r["locked"] for r in reports)
        problems = [p for r in reports for p in r["problems"]]

        stored_tickets = {
            ticket.submission_key: ticket.reference
            for ticket in Ticket.objects.filter(submission_key__in=[k for k, _ in tickets]).only(
                "submission_key"
            )
        }
        missing_tickets = [(k, ref) for k, ref in tickets if stored_tickets.get(uuid.UUID(k)) != ref]
        bodies = Counter(
            TicketMessage.objects.filter(body__in=[b for _, b in replies]).values_list("body", flat=True)
        )
        missing_replies = [b for _, b in replies if bodies[b] != 1]
        server_errors = sum(
            count for status, count in statuses.items() if isinstance(status, int) and status >= 500
        )

        restarted = wait_for(lambda: len(started_pids(var, "task_worker")) >= 2, timeout=60)
        killed_logged = "task_worker was killed by signal 9 (KILL)" in (var / "supervisor.log").read_text()

        def undelivered() -> int:
            due = Q(state=OutboundEmail.State.PENDING, next_attempt_at__lte=now()) | Q(
                state=OutboundEmail.State.SENDING
            )
            return OutboundEmail.objects.filter(due).count()

        drain_began = time.monotonic()
        wait_for(lambda: undelivered() == 0, timeout=120, every=1)
        drained_in = time.monotonic() - drain_began
        mail = Counter(OutboundEmail.objects.values_list("state", flat=True))
        # The dev settings write each sent message to var/mail; its Message-ID names its row.
        written = Counter(
            found
            for path in (var / "mail").glob("*")
            for found in re.findall(r"^Message-ID: (<outbox-\d+\.[^>]+>)", path.read_text(), re.M)
        )
        sent_ids = {
            message_id(email)
            for email in OutboundEmail.objects.filter(state=OutboundEmail.State.SENT).only("pk", "created_at")
        }
        lost_mail = len(sent_ids - set(written))
        duplicate_mail = sum(count - 1 for count in written.values())
        web_log = (var / "web.log").read_text() if (var / "web.log").exists() else ""
        locked_in_web_log = web_log.count(LOCKED)
        lock_retries = sum(
            (var / name).read_text().count("retrying in")
            for name in ("worker.log", "sla_watch.log")
            if (var / name).exists()
        )

        writes = len(tickets) + len(replies)
        print(
            f"  ran {elapsed:.1f} s: {sum(statuses.values())} requests, {dict(sorted(statuses.items(), key=str))}"
        )
        print(
            f"  accepted writes: {writes} ({len(tickets)} tickets, {len(replies)} replies), "
            f"{writes / args.seconds:.1f}/s"
        )
        if latencies:
            p95 = latencies[int(0.95 * (len(latencies) - 1))]
            print(
                f"  write latency: median {statistics.median(latencies) * 1000:.0f} ms, "
                f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
            )
        print(
            f"  stored: {len(tickets) - len(missing_tickets)}/{len(tickets)} tickets, "
            f"{len(replies) - len(missing_replies)}/{len(replies)} replies"
        )
        print(
            f"  5xx: {server_errors}; '{LOCKED}': {locked_responses} in responses, {locked_in_web_log} in web.log; "
            f"lock conflicts retried by the worker and watcher: {lock_retries}"
        )
        print(
            f"  task worker killed with SIGKILL at {args.seconds / 3:.0f} s: "
            f"{'restarted' if restarted else 'NOT restarted'}, "
            f"{'logged' if killed_logged else 'NOT logged'} in supervisor.log"
        )
        print(
            f"  outbox after the load: {dict(mail)} (drained in {drained_in:.1f} s); written to var/mail: "
            f"{sum(written.values())} messages, {lost_mail} sent rows missing, {duplicate_mail} duplicates"
        )

        if not writes:
            failures.append("no write was accepted")
        if missing_tickets or missing_replies:
            failures.append(
                f"accepted but not stored: {len(missing_tickets)} tickets, {len(missing_replies)} replies"
            )
        if server_errors:
            failures.append(f"{server_errors} responses were 5xx")
        if locked_responses or locked_in_web_log:
            failures.append(f"'{LOCKED}' seen {locked_responses + locked_in_web_log} times")
        if not (restarted and killed_logged):
            failures.append("the killed task worker was not restarted and logged")
        if undelivered() or mail.get(OutboundEmail.State.FAILED):
            failures.append("the outbox did not drain: mail is stuck or failed")
        if lost_mail:
            failures.append(f"{lost_mail} mails marked sent were never written")
        if statuses.get("no response"):
            failures.append(f"{statuses['no response']} requests got no response")
        for problem in problems[:5]:
            print(f"  ! {problem}")
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)  # run.sh's trap stops its supervisors and their processes
            try:
                server.wait(timeout=45)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        run_log.close()
        if failures or args.keep:
            print(f"  (kept {var})")
        else:
            shutil.rmtree(var, ignore_errors=True)
    for failure in failures:
        print(f"FAIL: {failure}")
    print("load check: " + ("FAILED" if failures else "passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
