"""Twenty wrong passwords at once, against real server processes, then the right one.

Not pytest-django's `live_server`: the test database is an in-memory SQLite database, and its
threads then either share one connection or fail with "database table is locked" instead of
waiting, so it cannot take parallel writes at all. Here gunicorn runs three worker processes
(eight threads each) on a database file of their own, migrated for the test, which is how the
portal runs: the limit has to hold across processes, through the shared database cache.
"""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from core.tests.subprocesses import migrated_database
from helpdesk.tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "parallel@huaxin.example"
LOGIN = "/account/login/"
ATTEMPTS = 20

# The server's settings: the test settings, with the password-checking backend replaced by one
# that writes a line per password checked (O_APPEND writes do not interleave) and takes as
# long as a real password hash. The test settings' MD5 hasher answers in microseconds and
# would leave almost no window between the lockout check and the recorded failure.
SERVER_SETTINGS = """
from config.settings.test import *  # noqa: F403

AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS[:-1], "parallel_backend.CountingEmailBackend"]
"""
COUNTING_BACKEND = """
import os
import time

from helpdesk.backends import EmailBackend


class CountingEmailBackend(EmailBackend):
    def authenticate(self, request, *args, **kwargs):
        with open(os.environ["PASSWORD_CHECKS_FILE"], "a") as checks:
            print("checked", file=checks)
        time.sleep(0.3)
        return super().authenticate(request, *args, **kwargs)
"""

SETUP = f"""
import django
django.setup()
from helpdesk.models import User
User.objects.create_user({EMAIL!r}, {PASSWORD!r})
"""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    (tmp_path / "parallel_settings.py").write_text(SERVER_SETTINGS)
    (tmp_path / "parallel_backend.py").write_text(COUNTING_BACKEND)
    checks = tmp_path / "password-checks.txt"
    checks.touch()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "CACHE_URL", "TRUSTED_PROXY_COUNT"}
        },
        "DJANGO_SETTINGS_MODULE": "parallel_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "PASSWORD_CHECKS_FILE": str(checks),
        # A file of its own: never the developer's database, nor the PostgreSQL of a CI run.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'parallel.sqlite3'}",
        "KUAIXIANG_VAR_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING",
    }
    migrated_database(tmp_path / "parallel.sqlite3")
    subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env, check=True, timeout=60)
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [str(gunicorn), "config.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "3", "--threads", "8"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url + LOGIN, timeout=2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "gunicorn.log").read_text()) from None
                time.sleep(0.2)
        yield url, tmp_path / "parallel.sqlite3", checks
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.mark.xdist_group("lockout")
def test_twenty_parallel_wrong_passwords_then_the_right_one_is_refused(server):
    url, database, checks = server
    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(url + LOGIN, timeout=10) as page:
        html = page.read().decode()
        cookie = next(
            value.split(";", 1)[0]
            for header, value in page.getheaders()
            if header.lower() == "set-cookie" and value.startswith("csrftoken=")
        )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def attempt(password: str, forged_ip: str) -> int:
        data = urlencode({"csrfmiddlewaretoken": token, "username": EMAIL, "password": password}).encode()
        headers = {"Cookie": cookie, "X-Forwarded-For": forged_ip}
        try:
            with opener.open(
                urllib.request.Request(url + LOGIN, data=data, headers=headers), timeout=20
            ) as answer:
                return answer.status
        except urllib.error.HTTPError as answer:
            return answer.code

    start = threading.Barrier(ATTEMPTS)

    def wrong(n: int) -> int:
        start.wait(timeout=10)
        return attempt(f"wrong-{n}", f"203.0.113.{n}")

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        answers = list(pool.map(wrong, range(ATTEMPTS)))

    assert set(answers) <= {200, 429}, answers
    assert 429 in answers
    # However many requests come at once, at most FAILURE_LIMIT passwords are checked.
    password_checks = len(checks.read_text().splitlines())
    assert password_checks <= settings.AXES_FAILURE_LIMIT, (password_checks, answers)
    assert attempt(PASSWORD, "198.51.100.1") == 429
    assert len(checks.read_text().splitlines()) == password_checks

    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT ip_address, failures_since_start FROM axes_accessattempt").fetchall()
        signed_in = db.execute("SELECT last_login FROM helpdesk_user WHERE email = ?", [EMAIL]).fetchone()[0]
    # Every attempt is on record, under the peer's address only: the forged headers made no new counters.
    assert {ip for ip, _ in rows} == {"127.0.0.1"}
    assert sum(failures for _, failures in rows) == ATTEMPTS + 1
    assert signed_in is None
