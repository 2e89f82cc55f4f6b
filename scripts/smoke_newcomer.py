"""The newcomer's path, end to end: a clean clone, `make run`, the demo data, Ctrl-C, nothing left behind.

    python3 scripts/smoke_newcomer.py [--no-cache] [--keep]

1. Clones this repository's HEAD into a temporary folder (nothing of this checkout's `.venv` or `.data`).
2. Runs `make run` there on a free port, with a Redis URL nobody answers (the launcher starts a private
   one), so the virtualenv is built from `requirements.txt` alone, exactly as a new user's is.
3. Waits for `/health` 200 and the login page (time to first page), checks `pip check` and that no dev
   tool (pytest) is installed, logs in over the API, selects the demo project and waits until its three
   connectors are `ok` and LightRAG has `ready` chunks.
4. Sends Ctrl-C (SIGINT to the process group, as a terminal does) and checks that no process it started
   is left: descendants of `make`, and anything whose command line or working folder is in the clone.

Any failed step exits 1 with the launcher's log tail. Standard library only: it runs before any install.
"""

import argparse
import contextlib
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_PROJECT = "Demo studio"
USERNAME, PASSWORD = "admin", "workforce-admin"
SOURCES = ("chatwoot", "linear", "attio")


class SmokeFailed(Exception):
    """One step of the newcomer path failed."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clone(directory: Path) -> Path:
    target = directory / "workforce-ops"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(target)], check=True)
    return target


def newcomer_env(port: int, *, no_cache: bool) -> dict:
    """The user's shell: no virtualenv, no project variables, a Redis URL nothing answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKFORCE_", "DJANGO_", "CELERY_"))}
    for name in ("DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV", "PYTHONPATH", "CI", "TEST_REDIS_URL"):
        env.pop(name, None)
    venv_bin = str(Path(sys.prefix) / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env.update(PORT=str(port), REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    if no_cache:
        env["PIP_NO_CACHE_DIR"] = "1"
    return env


class Session:
    """A logged-in API client (session cookie + X-CSRF-Token), standard library only."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""

    def call(self, method: str, path: str, payload: dict | None = None) -> tuple[int, dict | str]:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.csrf:
            request.add_header("X-CSRF-Token", self.csrf)
        try:
            with self.opener.open(request, timeout=10) as response:
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        with contextlib.suppress(ValueError):
            return status, json.loads(body)
        return status, body

    def login(self) -> None:
        self.csrf = self.call("GET", "/api/auth/me")[1]["csrf_token"]
        status, body = self.call("POST", "/api/auth/login", {"username": USERNAME, "password": PASSWORD})
        if status != 200:
            raise SmokeFailed(f"login as {USERNAME} answered {status}: {body}")
        self.csrf = body["csrf_token"]

    def select_demo(self) -> None:
        projects = self.call("GET", "/api/projects")[1]["projects"]
        demo = next((p for p in projects if p["name"] == DEMO_PROJECT), None)
        if demo is None:
            raise SmokeFailed(f"no project named {DEMO_PROJECT!r} in {[p['name'] for p in projects]}")
        status, body = self.call("POST", f"/api/projects/{demo['id']}/select")
        if status != 200:
            raise SmokeFailed(f"selecting {DEMO_PROJECT} answered {status}: {body}")


def wait_for(what: str, check, timeout: float, launcher: subprocess.Popen) -> float:
    """Poll `check()` until it is truthy; fail when the launcher exits or time runs out."""
    started = time.monotonic()
    last = None
    while time.monotonic() - started < timeout:
        if launcher.poll() is not None:
            raise SmokeFailed(f"`make run` exited with code {launcher.returncode} while waiting for {what}")
        with contextlib.suppress(OSError, KeyError, TypeError, ValueError):
            last = check()
            if last is True:
                return time.monotonic() - started
        time.sleep(1)
    raise SmokeFailed(f"{what} not reached within {timeout:.0f} s (last seen: {last})")


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def demo_data_ready(session: Session):
    connectors = session.call("GET", "/api/connectors/state")[1]["connectors"]
    states = {c["connector"]: c["status"] for c in connectors}
    ready = session.call("GET", "/api/lightrag/status")[1]["embeddings"]["ready"]
    if all(states.get(source) == "ok" for source in SOURCES) and ready > 0:
        return True
    return {"connectors": states, "chunks_ready": ready}


def check_runtime_venv(checkout: Path) -> None:
    python = checkout / ".venv" / "bin" / "python"
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True, check=False)
    if check.returncode != 0:
        raise SmokeFailed(f"pip check in the runtime virtualenv failed:\n{check.stdout}{check.stderr}")
    dev = subprocess.run([str(python), "-c", "import pytest"], capture_output=True, check=False)
    if dev.returncode == 0:
        raise SmokeFailed("pytest is importable: the virtualenv was not built from requirements.txt alone")


# ---------------------------------------------------------------- processes (from /proc, no psutil)


def _proc_ppid(pid: int) -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[1])
    return None


def _proc_describe(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    return "?"


def _proc_cwd(pid: int) -> str:
    with contextlib.suppress(OSError):
        return os.readlink(f"/proc/{pid}/cwd")
    return ""


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid in _all_pids():
        children.setdefault(_proc_ppid(pid) or 0, []).append(pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def processes_of(checkout: Path, known: set[int]) -> dict[int, str]:
    """Live processes that belong to this run: known descendants, or anything living in the clone."""
    mine = {}
    for pid in _all_pids():
        if pid == os.getpid():
            continue
        command = _proc_describe(pid)
        is_zombie = not command
        if is_zombie:
            continue
        if pid in known or str(checkout) in command or _proc_cwd(pid).startswith(str(checkout)):
            mine[pid] = command
    return mine


# ---------------------------------------------------------------- the run


def run(checkout: Path, env: dict, log_path: Path) -> dict:
    port = env["PORT"]
    base = f"http://127.0.0.1:{port}"
    figures: dict[str, float] = {}
    known: set[int] = set()
    with log_path.open("w") as log:
        started = time.monotonic()
        launcher = subprocess.Popen(
            ["make", "run"],
            cwd=checkout,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for("/login answering 200", lambda: http_status(f"{base}/login") == 200, 600, launcher)
            figures["first_page_s"] = time.monotonic() - started
            wait_for("/health answering 200", lambda: http_status(f"{base}/health") == 200, 60, launcher)
            check_runtime_venv(checkout)
            session = Session(base)
            session.login()
            session.select_demo()
            synced = wait_for("demo data synced and embedded", lambda: demo_data_ready(session), 300, launcher)
            figures["first_data_s"] = figures["first_page_s"] + synced
            known |= descendants(launcher.pid)
        finally:
            known |= descendants(launcher.pid)
            figures["processes_started"] = len(known)
            stop_started = time.monotonic()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(launcher.pid, signal.SIGINT)  # Ctrl-C in a terminal
            try:
                launcher.wait(timeout=60)
            except subprocess.TimeoutExpired as exc:
                raise SmokeFailed("`make run` did not exit within 60 s of Ctrl-C") from exc
            figures["stop_s"] = time.monotonic() - stop_started
        time.sleep(1)
        left = processes_of(checkout, known)
        if left:
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            listing = "\n".join(f"  {pid}: {command}" for pid, command in left.items())
            raise SmokeFailed(f"processes left after Ctrl-C:\n{listing}")
        # make itself dies of the SIGINT (-2, or 2 with "Interrupt") once the launcher has stopped everything.
        if launcher.returncode not in (0, 2, -signal.SIGINT):
            raise SmokeFailed(f"`make run` exited with code {launcher.returncode} after Ctrl-C")
    return figures


def log_tail(path: Path, lines: int = 60) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return "(no log)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cache", action="store_true", help="install without pip's cache (first-time figure)")
    parser.add_argument("--keep", action="store_true", help="keep the clone and its log")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="workforce-smoke-"))
    log_path = directory / "make-run.log"
    try:
        checkout = clone(directory)
        env = newcomer_env(free_port(), no_cache=args.no_cache)
        print(f"smoke: `make run` in a fresh clone ({checkout}), port {env['PORT']}", flush=True)
        figures = run(checkout, env, log_path)
    except SmokeFailed as failure:
        print(f"smoke: FAILED: {failure}\n--- last lines of `make run` ({log_path}) ---\n{log_tail(log_path)}")
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    cache = "no pip cache" if args.no_cache else "pip cache allowed"
    print(
        f"smoke: ok — first page {figures['first_page_s']:.1f} s after `make run` (install + start, {cache}), "
        f"demo data synced and embedded at {figures['first_data_s']:.1f} s, "
        f"{figures['processes_started']} processes stopped by Ctrl-C in {figures['stop_s']:.1f} s, none left"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
