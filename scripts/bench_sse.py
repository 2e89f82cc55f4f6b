"""SSE benchmark: 1,000 logged-in streams on one uvicorn web process; commit-to-client latency of events
published from a separate process (a Celery worker stand-in) after its transaction commits.

    .venv/bin/python scripts/bench_sse.py [--scale full|small] [--streams N] [--events N] [--timeout S]

Everything is local and bounded: a private redis-server on a free loopback port, one uvicorn process on
another, a dedicated database (`workforce_bench_sse` on the embedded server unless WORKFORCE_DB_NAME /
DATABASE_URL say otherwise). Every stream has its own session of a project member. The worker stand-in
commits a row per event and publishes `data_changed` from `transaction.on_commit`, stamping the commit
time; each client notes when the event reached it. Everything the script started is stopped at the end,
also on Ctrl-C or timeout.
"""

import argparse
import asyncio
import contextlib
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_summary import percentile, summary_add  # scripts/ is on sys.path when a script runs
from preamble import ROOT, django_setup

from workforce import embedded

SCALES = {"full": {"streams": 1000, "events": 20}, "small": {"streams": 100, "events": 10}}
OPEN_BATCH = 50  # streams opened at once: a page load storm, not a single burst of 1,000 handshakes
EVENT_GAP_SECONDS = 0.25
GOAL_P99_MS = 1000.0

# The worker stand-in: one committed row per event, the event published after commit with the commit time.
WORKER = """
import os, time
from django.db import transaction
from audit.models import AuditEvent
from core.events import publish
from core.models import Project
project = Project.objects.get(pk=os.environ["BENCH_PROJECT"])
for seq in range(int(os.environ["BENCH_EVENTS"])):
    with transaction.atomic():
        AuditEvent.objects.create(project=project, account_scope_id=project.account_scope_id, action="bench.sse")
        transaction.on_commit(lambda seq=seq: publish(
            project_id=project.pk, event_type="data_changed", data={"seq": seq, "committed_at": time.time()}))
    time.sleep(float(os.environ["BENCH_GAP"]))
"""


class Processes:
    """What this script started, stopped in reverse order whatever happens."""

    def __init__(self) -> None:
        self.popen: list[subprocess.Popen] = []
        self.redis_pid: int | None = None

    def stop(self) -> None:
        for process in reversed(self.popen):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        if self.redis_pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.redis_pid, signal.SIGTERM)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and Path(f"/proc/{self.redis_pid}").exists():
                time.sleep(0.05)


# ---------------------------------------------------------------- setup


def raise_file_limit(streams: int) -> None:
    """Each stream is a socket here and one in uvicorn (which inherits this limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, streams * 2 + 512))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def start_redis(directory: Path, processes: Processes) -> str:
    url = embedded.redis_start_private(directory=directory / "redis", port=embedded.free_port())
    processes.redis_pid = int((directory / "redis" / "redis.pid").read_text().strip())
    return url


def sessions_for_streams(count: int) -> tuple[str, list[str]]:
    """A project with one member and `count` logged-in sessions with it active: (project id, session keys)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from core.models import AccountScope, Membership, Project
    from core.selectors import ACTIVE_PROJECT_SESSION_KEY

    call_command("migrate", verbosity=0)
    scope, _ = AccountScope.objects.get_or_create(name="Benchmarks")
    project, _ = Project.objects.get_or_create(account_scope=scope, name="bench-sse")
    user, _ = get_user_model().objects.get_or_create(username="bench-sse-viewer")
    Membership.objects.get_or_create(user=user, project=project, defaults={"role": "viewer"})
    keys = []
    for _ in range(count):
        session = SessionStore()
        session.update(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
                ACTIVE_PROJECT_SESSION_KEY: str(project.id),
            }
        )
        session.create()
        keys.append(session.session_key)
    return str(project.id), keys


def start_uvicorn(env: dict, port: int, log: Path, processes: Processes) -> subprocess.Popen:
    argv = [sys.executable, "-m", "uvicorn", "workforce.asgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--lifespan", "off", "--log-level", "warning", "--workers", "1",
            "--timeout-graceful-shutdown", "1"]  # fmt: skip
    process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                               start_new_session=True)  # fmt: skip
    processes.popen.append(process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited:\n{log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return process
        time.sleep(0.2)
    raise RuntimeError("uvicorn did not start in 30 s")


# ---------------------------------------------------------------- clients


class Stream:
    """One EventSource-like client over a raw HTTP/1.0 connection (no chunked framing to undo)."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port, self.cookie = port, cookie
        self.connected = asyncio.Event()
        self.received: dict[int, float] = {}  # seq → latency in ms
        self.error = ""

    async def run(self) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError as exc:
            self.error = f"connect: {exc}"
            self.connected.set()
            return
        writer.write(f"GET /api/events/stream HTTP/1.0\r\nHost: 127.0.0.1:{self.port}\r\nAccept: text/event-stream"
                     f"\r\nCookie: {self.cookie}\r\n\r\n".encode())  # fmt: skip
        try:
            status = await reader.readline()
            if b" 200 " not in status:
                self.error = status.decode(errors="replace").strip()
                return
            await self._read_events(reader)
        except (OSError, asyncio.IncompleteReadError) as exc:
            self.error = self.error or f"read: {exc.__class__.__name__}"
        finally:
            self.connected.set()
            writer.close()

    async def _read_events(self, reader) -> None:
        name, data = "message", []
        while line := await reader.readline():
            line = line.decode().rstrip("\r\n")
            if line:
                key, _, value = line.partition(":")
                if key == "event":
                    name = value.strip()
                elif key == "data":
                    data.append(value.removeprefix(" "))
                continue
            self._dispatch(name, "\n".join(data), time.time())
            name, data = "message", []

    def _dispatch(self, name: str, data: str, arrived: float) -> None:
        if name == "connected":
            self.connected.set()
        elif name == "data_changed":
            payload = json.loads(data)
            if isinstance(payload, str):  # django-eventstream may hand JSON text through as a string
                payload = json.loads(payload)
            self.received[payload["seq"]] = (arrived - payload["committed_at"]) * 1000
        elif name == "stream-error":
            self.error = f"stream-error: {data}"


async def open_streams(port: int, cookies: list[str], deadline: float) -> tuple[list[Stream], list[asyncio.Task]]:
    """Open every stream, OPEN_BATCH at a time, each batch waited for until it says `connected`."""
    streams, tasks = [], []
    for start in range(0, len(cookies), OPEN_BATCH):
        batch = [Stream(port, cookie) for cookie in cookies[start : start + OPEN_BATCH]]
        tasks += [asyncio.create_task(stream.run()) for stream in batch]
        streams += batch
        remaining = max(0.1, deadline - time.monotonic())
        await asyncio.wait_for(asyncio.gather(*(s.connected.wait() for s in batch)), timeout=remaining)
    return streams, tasks


async def measure(args, port: int, cookies: list[str], worker_env: dict, server_pid: int) -> dict:
    """Open the streams, run the worker stand-in, collect latencies and what the open streams cost."""
    deadline = time.monotonic() + args.timeout
    started = time.perf_counter()
    streams, tasks = await open_streams(port, cookies, deadline)
    open_seconds = time.perf_counter() - started
    argv = [sys.executable, "manage.py", "shell", "-c", WORKER]
    worker = await asyncio.create_subprocess_exec(
        *argv, env=worker_env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL
    )
    try:
        await asyncio.wait_for(worker.wait(), timeout=max(1.0, deadline - time.monotonic()))
        settle = time.monotonic() + 3  # the last events are still on their way
        while time.monotonic() < min(settle, deadline) and not all(len(s.received) >= args.events for s in streams):
            await asyncio.sleep(0.05)
        rss, connections = rss_mb(server_pid), await asyncio.to_thread(db_connections)
    finally:
        if worker.returncode is None:
            os.killpg(worker.pid, signal.SIGKILL)
            await worker.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    latencies = sorted(latency for stream in streams for latency in stream.received.values())
    return {"streams": streams, "latencies": latencies, "open_seconds": open_seconds, "rss_mb": rss,
            "db_connections": connections}  # fmt: skip


# ---------------------------------------------------------------- report


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def db_connections() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0] - 1  # not this one


def report(args, result: dict) -> None:
    streams, latencies = result["streams"], result["latencies"]
    opened = sum(1 for s in streams if not s.error)
    expected = len(streams) * args.events
    p99 = percentile(latencies, 0.99)
    errors = sorted({s.error for s in streams if s.error})
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'streams open':38} {opened} of {len(streams)} in {result['open_seconds']:.1f} s"
          + (f" (errors: {'; '.join(errors[:3])})" if errors else ""))  # fmt: skip
    print(f"{'events (worker process, after commit)':38} {args.events}, {EVENT_GAP_SECONDS} s apart")
    print(f"{'deliveries':38} {len(latencies)} of {expected}")
    print(f"{'commit-to-client latency p50':38} {percentile(latencies, 0.5):.1f} ms")
    print(f"{'commit-to-client latency p99':38} {p99:.1f} ms   goal ≤ {GOAL_P99_MS:.0f} ms: "
          f"{'ok' if p99 <= GOAL_P99_MS and len(latencies) == expected else 'MISSED'}")  # fmt: skip
    print(f"{'commit-to-client latency max':38} {latencies[-1] if latencies else float('nan'):.1f} ms")
    print(f"{'uvicorn RSS with streams open':38} {result['rss_mb']:.0f} MB")
    print(f"{'DB connections while streams open':38} {result['db_connections']}")
    summary_add("sse", f"{len(streams)} streams, commit-to-client p99", p99, "ms", better="lower",
                goal=f"≤ {GOAL_P99_MS:.0f} ms")  # fmt: skip
    delivered = 100 * len(latencies) / expected if expected else 0.0
    summary_add("sse", f"{len(streams)} streams, events delivered", delivered, "%", better="higher", goal="100 %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--streams", type=int)
    parser.add_argument("--events", type=int)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds for the whole measurement")
    args = parser.parse_args()
    args.streams = args.streams or SCALES[args.scale]["streams"]
    args.events = args.events or SCALES[args.scale]["events"]
    raise_file_limit(args.streams)
    processes = Processes()
    directory = Path(tempfile.mkdtemp(prefix="bench-sse-"))
    keys: list[str] = []
    try:
        os.environ["REDIS_URL"] = start_redis(directory, processes)  # before the setup, which keeps an answering one
        django_setup(db_name="workforce_bench_sse")
        project_id, keys = sessions_for_streams(args.streams)
        from django.conf import settings

        env = {**os.environ, "SSE_HEARTBEAT_SECONDS": "25", "PYTHONUNBUFFERED": "1"}
        port = embedded.free_port()
        server = start_uvicorn(env, port, directory / "uvicorn.log", processes)
        cookies = [f"{settings.SESSION_COOKIE_NAME}={key}" for key in keys]
        worker_env = {**env, "BENCH_PROJECT": project_id, "BENCH_EVENTS": str(args.events),
                      "BENCH_GAP": str(EVENT_GAP_SECONDS)}  # fmt: skip
        try:
            result = asyncio.run(measure(args, port, cookies, worker_env, server.pid))
        except TimeoutError:
            sys.exit(f"timed out after {args.timeout:.0f} s; uvicorn log: {directory / 'uvicorn.log'}")
        report(args, result)
    finally:
        processes.stop()
        shutil.rmtree(directory, ignore_errors=True)
        forget(keys)


def forget(session_keys: list[str]) -> None:
    """Delete what this run wrote: its sessions and the rows the worker stand-in committed."""
    if not session_keys:
        return
    from django.contrib.sessions.models import Session

    from audit.models import AuditEvent

    Session.objects.filter(session_key__in=session_keys).delete()
    AuditEvent.objects.filter(action="bench.sse").delete()


if __name__ == "__main__":
    main()
