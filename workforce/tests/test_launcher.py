"""`make run`'s launcher serves the login page and Ctrl-C leaves no process behind."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

from workforce import embedded

ROOT = Path(__file__).resolve().parents[2]


def launcher_env(**variables: str) -> dict:
    """A dev machine's shell: no DATABASE_URL, so the launcher starts (or reuses) the embedded PostgreSQL and
    creates the database WORKFORCE_DB_NAME on it, as `make run` does for a newcomer."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "WORKFORCE_DB_NAME": "workforce_launcher_test", **variables}


def _read_until_ready(process: subprocess.Popen, timeout: float) -> list[str]:
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("[workforce] ready:"):  # the launcher's own line, not the sandbox's "sandbox ready:"
            return lines
    raise AssertionError("launcher never said ready:\n" + "".join(lines))


def start_launcher(env: dict) -> subprocess.Popen:
    """`make run`'s launcher with its output captured."""
    argv = [sys.executable, "-m", "workforce.launcher"]
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_launcher_serves_login_and_ctrl_c_stops_everything():
    port = embedded.free_port()
    env = launcher_env(PORT=str(port))
    process = start_launcher(env)
    try:
        lines = _read_until_ready(process, timeout=90)
        assert any(f"http://127.0.0.1:{port}/" in line for line in lines)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
            page = response.read().decode()
        assert response.status == 200
        assert 'id="login-form"' in page
        # web, worker (with its pool) and beat: remember every descendant.
        spawned = psutil.Process(process.pid).children(recursive=True)
        assert len(spawned) >= 3
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    time.sleep(0.5)
    alive = [p for p in spawned if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert alive == [], f"orphans after Ctrl-C: {[p.cmdline() for p in alive]}"


def test_launcher_names_a_process_that_dies_at_start_and_exits_non_zero():
    # A broker URL no transport knows: web still serves, the worker and beat die while starting.
    port = embedded.free_port()
    env = launcher_env(PORT=str(port), WORKFORCE_SANDBOX="0", CELERY_BROKER_URL="nosuchtransport://localhost//")
    process = start_launcher(env)
    try:
        output, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
    assert process.returncode != 0
    failed = [line for line in output.splitlines() if line.startswith("[workforce] FAILED:")]
    assert failed, output
    # Whichever Celery process notices first: a worker (any queue's) or beat.
    assert re.search(r"\b(worker(-\w+)?|beat) exited with code", failed[0]), failed[0]
    report = output[output.index("[workforce] FAILED:") :]
    assert "nosuchtransport" in report, report  # the process's own last lines, not just its name
    assert "stopping…" in report
