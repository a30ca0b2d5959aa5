"""Why scripts/run.sh runs gunicorn with sync workers: a request that runs too long is ended
by the server only there, its transaction is rolled back, and the database stays writable.

gunicorn's --timeout is enforced by the arbiter, which kills a worker that has stopped
heart-beating. A sync worker handles one request in its main loop and stops heart-beating
while the request runs, so it is killed (SIGABRT, then SIGKILL) and SQLite discards its open
transaction. A gthread worker heart-beats from its main loop while its request threads run,
so a hung request thread is never ended: the second test pins that down, so that a gunicorn
upgrade that changes it is noticed.
"""

import http.client
import sqlite3
import subprocess
import time

import pytest

from core.tests.subprocesses import ROOT, free_port, process_env, stop, wait_for

GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
TIMEOUT = 2


def request(port: int, path: str, *, timeout: float) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture
def serve(tmp_path):
    db = tmp_path / "kuaixiang.sqlite3"
    with sqlite3.connect(db) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY, note TEXT NOT NULL)")
    started = []

    def start(*worker_args: str) -> int:
        port = free_port()
        log = (tmp_path / "gunicorn.log").open("w")
        command = [GUNICORN, "helpdesk.tests.slow_wsgi:application", "--bind", f"127.0.0.1:{port}"]
        command += [*worker_args, "--timeout", str(TIMEOUT), "--graceful-timeout", "1", "--no-control-socket"]
        server = subprocess.Popen(
            command, cwd=ROOT, env=process_env(tmp_path), stdout=log, stderr=subprocess.STDOUT
        )
        started.append((server, log))
        wait_for(lambda: _answers(port), timeout=30, what="gunicorn to listen")
        return port

    yield start, db, tmp_path / "gunicorn.log"
    for server, log in started:
        stop(server, grace=5)
        log.close()


def _answers(port: int) -> bool:
    try:
        return request(port, "/nothing", timeout=1) == 404
    except OSError:
        return False


def notes(db) -> list[str]:
    with sqlite3.connect(db, timeout=10) as connection:
        return [row[0] for row in connection.execute("SELECT note FROM probe ORDER BY id")]


def test_a_sync_worker_stuck_in_a_request_is_killed_its_transaction_rolled_back_and_writes_go_on(serve):
    start, db, log = serve
    port = start("--worker-class", "sync", "--workers", "2")

    began = time.monotonic()
    try:
        status = request(port, "/hang", timeout=30)
    except (http.client.RemoteDisconnected, ConnectionResetError):
        status = None  # killed before it could answer
    ended_after = time.monotonic() - began

    assert status in {500, None}
    assert ended_after < TIMEOUT + 5  # the arbiter checks about once a second
    assert request(port, "/write", timeout=10) == 200
    assert notes(db) == ["after"]  # the hung request's insert was rolled back
    assert "WORKER TIMEOUT" in log.read_text()


def test_a_gthread_worker_never_ends_a_hung_request_thread(serve):
    start, db, log = serve
    port = start("--worker-class", "gthread", "--workers", "1", "--threads", "2")

    with pytest.raises(TimeoutError):
        request(port, "/hang", timeout=3 * TIMEOUT)

    assert "WORKER TIMEOUT" not in log.read_text()
