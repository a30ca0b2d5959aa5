"""`make run`'s restart loops (scripts/supervise.sh): a dead process comes back, the log says
when and why, and stopping stops the process too."""

import os
import re
import signal
import subprocess
import time

from core.tests.subprocesses import ROOT, wait_for


def supervisor(tmp_path, name: str, command: str) -> subprocess.Popen:
    script = f'source scripts/supervise.sh; supervise {name} "$VAR/{name}.log" {command}'
    env = {**os.environ, "VAR": str(tmp_path), "STOP": str(tmp_path / "stop")}
    return subprocess.Popen(["bash", "-c", script], cwd=ROOT, env=env)


def events(tmp_path) -> str:
    log = tmp_path / "supervisor.log"
    return log.read_text() if log.exists() else ""


def started_pids(tmp_path, name: str) -> list[int]:
    return [int(pid) for pid in re.findall(rf"{name} started \(pid (\d+)\)", events(tmp_path))]


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it has stopped all the same.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ")[-1][0] != "Z"


def test_a_process_that_exits_is_restarted_with_a_growing_pause_and_the_exit_code_logged(tmp_path):
    loop = supervisor(tmp_path, "flaky", "bash -c 'echo ran; exit 3'")
    try:
        wait_for(lambda: "restarting in 2 s" in events(tmp_path), timeout=15, what="a second restart")
    finally:
        (tmp_path / "stop").touch()
        loop.terminate()
        assert loop.wait(timeout=10) == 0

    assert re.search(r"flaky exited with exit code 3 after \d+ s; restarting in 1 s", events(tmp_path))
    assert re.search(r"flaky exited with exit code 3 after \d+ s; restarting in 2 s", events(tmp_path))
    output = (tmp_path / "flaky.log").read_text()
    assert output.count("ran") >= 2
    assert "supervisor: flaky exited with exit code 3; restarting" in output


def test_a_process_killed_with_sigkill_is_restarted_and_stopping_the_loop_stops_it(tmp_path):
    loop = supervisor(tmp_path, "worker", "sleep 300")
    try:
        (first,) = wait_for(lambda: started_pids(tmp_path, "worker"), timeout=10, what="the first start")
        os.kill(first, signal.SIGKILL)
        second = wait_for(
            lambda: started_pids(tmp_path, "worker")[1:], timeout=10, what="the restart after kill -9"
        )[0]
        assert "worker was killed by signal 9 (KILL) after" in events(tmp_path)
        assert is_running(second)
    finally:
        (tmp_path / "stop").touch()
        loop.terminate()
        assert loop.wait(timeout=10) == 0

    wait_for(lambda: not is_running(second), timeout=5, what="the process to stop with its loop")
    assert len(started_pids(tmp_path, "worker")) == 2


def test_the_loop_survives_stop_signals_arriving_while_it_writes_an_event(tmp_path):
    """The CI run that failed: TERM came while the loop logged a restart, bash 5.2's parser broke
    on the `$(...)` it was reading ("unexpected EOF while looking for matching `)'") and the loop
    exited 1. The logging helpers run no command substitution, so a signal at any moment is safe."""
    script = (
        "source scripts/supervise.sh; trap 'caught=1' TERM; "
        'while true; do describe_exit 137; note "worker $EXIT_TEXT" 2>/dev/null; done'
    )
    env = {**os.environ, "VAR": str(tmp_path)}
    loop = subprocess.Popen(["bash", "-c", script], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: "KILL" in events(tmp_path), timeout=10, what="the first event")
        for _ in range(300):
            os.kill(loop.pid, signal.SIGTERM)
            time.sleep(0.002)
        assert loop.poll() is None, "the loop died of a signal it traps"
    finally:
        loop.kill()
        _, errors = loop.communicate(timeout=10)
    assert "unexpected EOF" not in errors
    assert "worker was killed by signal 9 (KILL)" in events(tmp_path)
