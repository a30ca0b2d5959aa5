"""Helpers for tests that run the real processes (manage.py commands, gunicorn) on a file
database of their own, the way production does."""

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def process_env(var_dir: Path, *, settings: str = "config.settings.dev", **extra: str) -> dict[str, str]:
    """The environment of a child process whose database and media live in `var_dir`.

    DATABASE_URL is dropped: under `make test-postgres` it points at the test server, and
    these processes must use a SQLite file of their own.
    """
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "MEDIA_ROOT"}}
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        KUAIXIANG_VAR_DIR=str(var_dir),
        DEBUG="false",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `manage.py ARGS` to completion; fail the test with its output if it fails."""
    completed = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert completed.returncode == 0, (
        f"manage.py {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}"
    )
    return completed


# Set by the root conftest.py for the whole run (the xdist workers inherit it), removed at its end.
TEMPLATES_ENV = "KUAIXIANG_TEST_TEMPLATES"


def migrated_database(dest: Path) -> Path:
    """Put at `dest` the SQLite file `manage.py migrate` makes, for a process of a test's own.

    Migrating takes ~10 s, and a run needs it for a dozen such processes: the first call of the
    run migrates one file (under a lock, whichever xdist worker gets there first) and every call
    copies it. Returns `dest`."""
    templates = Path(os.environ[TEMPLATES_ENV])
    template = templates / "migrated.sqlite3"
    with (templates / "migrated.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            build = templates / "build"
            shutil.rmtree(build, ignore_errors=True)
            manage("migrate", "--noinput", "-v0", env=process_env(build))
            (build / "kuaixiang.sqlite3").rename(template)
            shutil.rmtree(build)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, dest)
    return dest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for[T](check: Callable[[], T], *, timeout: float, what: str, every: float = 0.05) -> T:
    """Poll `check()` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def stop(process: subprocess.Popen, *, grace: float = 15) -> int:
    """SIGTERM, then SIGKILL after `grace` seconds; returns the exit code."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def wait_for_port(port: int, process: subprocess.Popen, *, seconds: float = 90) -> None:
    """Wait until something accepts connections on 127.0.0.1:`port`; fail early if
    `process` (the server meant to listen there) exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process on port {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def start_daphne(port: int, *, env: dict[str, str], log: Path, seconds: float = 90) -> subprocess.Popen:
    """daphne serving `config.asgi` (the chat's websockets) on 127.0.0.1:`port`, its output in
    `log`; returns once it accepts connections. Stop it with `stop()`."""
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "config.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process, seconds=seconds)
    except RuntimeError as exc:
        stop(process)
        raise RuntimeError(f"{exc}\n{log.read_text()}") from None
    return process
