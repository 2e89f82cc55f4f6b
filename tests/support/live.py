"""Live-test helpers and fixtures: a real ASGI server, a real Celery worker, Debian chromium through Playwright.

Adding a browser test: mark it `browser` and `django_db(transaction=True)` (the server process only
sees committed rows), take the `page` fixture (its base URL is the server), log in with
`login_cookie(page, user, project)` or through the form, and use Playwright's `expect`. Work the page
queues (Sync now) needs the `celery_worker` fixture: a real worker on the server's broker and database.

A real ASGI web process for live tests: uvicorn on the test database with its own private Redis.

The test session's Django runs in the pytest process; SSE needs a real ASGI server, so the web app runs
as a subprocess (like `make run` starts it) against the database pytest-django created. Tests write
committed rows (`django_db(transaction=True)`) so the server sees them, and use `worker_run` to run
code in another process (a stand-in for a Celery worker) with the server's environment.
"""

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from core.selectors import ACTIVE_PROJECT_SESSION_KEY
from tests.support.harness import database_url, start_redis, stop_redis
from tests.support.tools import require_tool
from workforce import embedded

BASE_DIR = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90  # a loaded machine (CI, parallel suites) can take a while to import everything
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = BASE_DIR / "test-artifacts"


def server_env(*, redis_url: str) -> dict:
    """The environment of a process that shares this test session's database and the given Redis."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        # pytest-django has renamed the database to the test one; settings read only DATABASE_URL.
        DATABASE_URL=database_url(connection.settings_dict["NAME"]),
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="workforce.settings",
        PYTHONUNBUFFERED="1",
        SSE_HEARTBEAT_SECONDS="2",  # short, so a test can watch heartbeats arrive
    )
    return env


@dataclass
class AsgiServer:
    """uvicorn serving `workforce.asgi:application`, plus the private Redis it publishes through."""

    directory: Path
    url: str = ""
    env: dict = field(default_factory=dict)
    redis_port: int = 0
    redis_pid: int = 0
    process: subprocess.Popen | None = None

    @property
    def redis_dir(self) -> Path:
        return self.directory / "redis"

    def start(self) -> "AsgiServer":
        redis_url, self.redis_pid = start_redis(self.redis_dir)
        self.redis_port = urlsplit(redis_url).port
        self.env = server_env(redis_url=redis_url)
        port = embedded.free_port()
        self.url = f"http://127.0.0.1:{port}"
        log = (self.directory / "uvicorn.log").open("wb")
        argv = [sys.executable, "-m", "uvicorn", "workforce.asgi:application", "--host", "127.0.0.1",
                "--port", str(port), "--lifespan", "off", "--log-level", "warning",
                "--timeout-graceful-shutdown", "1"]  # fmt: skip
        # Own session: stopping the group stops uvicorn and anything it started.
        self.process = subprocess.Popen(
            argv, env=self.env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self._wait_until_up()
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited early:\n{self.log_tail()}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.url}/login", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"uvicorn did not answer in {START_TIMEOUT} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        path = self.directory / "uvicorn.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.redis_stop()

    # ------------------------------------------------------------ the server's own Redis

    def redis_stop(self) -> None:
        stop_redis(self.redis_pid)

    def redis_start(self) -> None:
        """Start the private Redis again on the same port (the server's settings name that port)."""
        embedded.redis_start_private(directory=self.redis_dir, port=self.redis_port)
        self.redis_pid = int((self.redis_dir / "redis.pid").read_text().strip())

    # ------------------------------------------------------------ other processes

    def worker_run(self, code: str) -> str:
        """Run Python in a separate Django process with the server's environment (as a Celery worker would)."""
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            env=self.env, cwd=BASE_DIR, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"worker process failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def metrics(self) -> dict[str, float]:
        """`/metrics` of this server as {sample line name: value} (unlabelled samples only)."""
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=5) as response:  # noqa: S310
            text = response.read().decode()
        samples = {}
        for line in text.splitlines():
            name, _, value = line.partition(" ")
            if line and not line.startswith("#") and "{" not in name:
                samples[name] = float(value)
        return samples


@dataclass
class CeleryWorker:
    """A real `celery -A workforce worker` on the server's broker and database, as in production."""

    server: AsgiServer
    directory: Path
    process: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return self.directory / "celery.log"

    def start(self) -> "CeleryWorker":
        argv = [sys.executable, "-m", "celery", "-A", "workforce", "worker", "--pool", "solo", "--loglevel", "INFO",
                "--without-gossip", "--without-mingle", "--without-heartbeat", "--queues", "celery,webhooks",
                "--hostname", f"test-{os.getpid()}@%h"]  # fmt: skip
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            argv, env=self.server.env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited early:\n{self.log_tail()}")
            if self.log_path.exists() and " ready." in self.log_path.read_text(errors="replace"):
                return
            time.sleep(0.1)
        raise RuntimeError(f"celery worker not ready in {START_TIMEOUT} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            # Cold shutdown: the test is over, a task still running (an embeddings cascade) need not finish.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class SseStream:
    """A raw streaming HTTP client for `/api/events/stream` (what a browser's EventSource does)."""

    def __init__(self, server_url: str, *, cookies: dict | None = None, headers: dict | None = None):
        parts = urlsplit(server_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        request_headers = {"Accept": "text/event-stream", **(headers or {})}
        if cookies:
            request_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.connection.request("GET", "/api/events/stream", headers=request_headers)
        self.response = self.connection.getresponse()

    @property
    def status(self) -> int:
        return self.response.status

    def next_event(self) -> tuple[str, str]:
        """The next (event name, data) on the stream; SSE comments are skipped."""
        name, data = "message", []
        while True:
            line = self.response.readline()
            if not line:
                raise EOFError("stream closed")
            line = line.decode().rstrip("\r\n")
            if not line:
                if data or name != "message":
                    return name, "\n".join(data)
                continue
            if line.startswith(":"):
                continue
            key, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if key == "event":
                name = value
            elif key == "data":
                data.append(value)

    def wait_for(self, event: str, *, timeout: float = 10) -> dict | str:
        """Read until `event` arrives; return its data (decoded JSON when it is JSON)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            name, data = self.next_event()
            if name == event:
                with contextlib.suppress(ValueError):
                    return json.loads(data)
                return data
        raise TimeoutError(f"no {event} event within {timeout} s")

    def close(self) -> None:
        # Both: the response's file object keeps the socket open after the connection lets go of it.
        self.response.close()
        self.connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---------------------------------------------------------------- fixtures


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, tmp_path_factory):
    """uvicorn serving the app on the test database, with a private Redis the tests may stop."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server: the live server gets a Redis of its own")
    server = AsgiServer(directory=tmp_path_factory.mktemp("asgi"))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def celery_worker(asgi_server, tmp_path_factory):
    """A real Celery worker consuming the live server's queue (start it only in modules that queue work)."""
    worker = CeleryWorker(server=asgi_server, directory=tmp_path_factory.mktemp("celery"))
    try:
        yield worker.start()
    finally:
        worker.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian chromium (never a downloaded browser), one per test module."""
    executable = require_tool(group="browser", command=str(CHROMIUM), package="chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, which makes Django refuse ORM
    # calls; the tests are plain synchronous code, so lift that guard while the browser exists.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(request, browser, asgi_server):
    """A fresh browser context on the live server; a failing test leaves a screenshot in test-artifacts/."""
    context = browser.new_context(base_url=asgi_server.url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.server.log").write_text(asgi_server.log_tail(200))
        worker = request.node.funcargs.get("celery_worker")
        if worker is not None:
            (ARTIFACTS / f"{name}.worker.log").write_text(worker.log_tail(200))
    context.close()


def session_cookie(user, project=None) -> dict:
    """A real database session for `user` (optionally with `project` active), as a cookie dict."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if project is not None:
        session = client.session
        session[ACTIVE_PROJECT_SESSION_KEY] = str(project.id)
        session.save()
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


@pytest.fixture
def login_cookie(asgi_server):
    """Log a browser context in without the form: `login_cookie(page, user, project)`."""

    def login(page, user, project=None) -> None:
        cookies = session_cookie(user, project)
        page.context.add_cookies([{"name": k, "value": v, "url": asgi_server.url} for k, v in cookies.items()])

    return login
