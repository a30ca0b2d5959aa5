"""A real server for tests that need more than one process: gunicorn with two workers on a
database file of its own, migrated and seeded for the test.

pytest-django's `live_server` cannot take parallel writes: its in-memory SQLite database is
shared by threads that either share one connection or fail with "database table is locked"
instead of waiting (see portal/tests/test_lockout_parallel.py). Here the server runs as the
portal does in production, several processes on one WAL database file.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from core.tests.subprocesses import migrated_database

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn_server(tmp_path: Path, *, setup: str, workers: int = 2, threads: int = 4):
    """Yield (base URL, database path, what `setup` printed as JSON on its last line)."""
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "CACHE_URL", "TRUSTED_PROXY_COUNT"}
        },
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": str(ROOT),
        # A file of its own: never the developer's database, nor the PostgreSQL of a CI run.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'server.sqlite3'}",
        "KUAIXIANG_VAR_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING",
    }
    script = "import django\ndjango.setup()\nfrom django.core.management import call_command\n"
    script += setup
    migrated_database(tmp_path / "server.sqlite3")
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    seeded = json.loads(done.stdout.strip().splitlines()[-1])
    port = _free_port()
    log_path = tmp_path / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                str(gunicorn),
                "config.wsgi:application",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(workers),
                "--threads",
                str(threads),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(url + "/api/v1/kb/categories/", timeout=2).close()
                    break
                except urllib.error.HTTPError:
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(log_path.read_text()) from None
                    time.sleep(0.2)
            yield url, tmp_path / "server.sqlite3", seeded
        finally:
            process.terminate()
            process.wait(timeout=10)
