"""Pytest plugin loaded before Django settings (`-p tests.support.harness` in pyproject).

Settings only read the environment, so this plugin prepares it before pytest-django reads them:

- a private `redis-server` on a free port for the test session, so tests never touch a shared Redis (and
  can stop their own), as REDIS_URL; set TEST_REDIS_URL to use an existing Redis instead;
- the API's rate limits raised (`API_THROTTLE_*`), so the suite is never throttled by accident;
- the development environment (`workforce.devservices.dev_environment`): the data folders, a secret key and,
  when DATABASE_URL is unset, the embedded PostgreSQL as DATABASE_URL (pytest-django creates its test
  database `test_<name><WORKFORCE_TEST_DB_SUFFIX>` on that server, one per run).

Processes a test starts inherit all of it (`WORKFORCE_ENV=test` tells `manage.py` not to prepare anything
again); `database_url(name)` points one at the test database.
"""

import os
import shutil
import signal
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from workforce import embedded
from workforce.devservices import dev_environment

_state: dict = {}


def start_redis(directory: Path) -> tuple[str, int]:
    """Start a throwaway redis-server; return (url, pid)."""
    directory.mkdir(parents=True, exist_ok=True)
    port = embedded.free_port()
    url = embedded.redis_start_private(directory=directory, port=port)
    pid = int((directory / "redis.pid").read_text().strip())
    return url, pid


def stop_redis(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def database_url(name: str) -> str:
    """This session's DATABASE_URL with another database on the same server (e.g. pytest-django's test one)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{quote(name, safe='')}"))


def _session_redis() -> None:
    if os.environ.get("TEST_REDIS_URL"):
        os.environ["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
        return
    if not shutil.which("redis-server"):
        return
    directory = embedded.DATA_DIR / f"test-redis-{os.getpid()}"
    url, pid = start_redis(directory)
    os.environ["REDIS_URL"] = url
    _state.update(pid=pid, directory=directory)


# The API's rate limits, raised so no test is throttled by accident; tests of the limits lower them.
TEST_THROTTLE_RATES = {
    "API_THROTTLE_READ": "100000/min",
    "API_THROTTLE_WRITE": "100000/min",
    "API_THROTTLE_LLM": "100000/min",
}


def _bootstrap() -> None:
    os.environ.setdefault("WORKFORCE_ENV", "test")
    for name, rate in TEST_THROTTLE_RATES.items():
        os.environ.setdefault(name, rate)
    os.environ.setdefault("WORKFORCE_TEST_DB_SUFFIX", f"_{os.getpid()}")
    _session_redis()
    try:
        # The embedded PostgreSQL it may start keeps running after the session, as under `manage.py`: the next
        # run (or a parallel one, each with its own test database) reuses it.
        dev_environment(os.environ)
    except BaseException:
        _session_redis_stop()  # pytest_unconfigure never runs when a plugin fails to load
        raise


def _session_redis_stop() -> None:
    if "pid" in _state:
        stop_redis(_state["pid"])
        shutil.rmtree(_state["directory"], ignore_errors=True)


def pytest_unconfigure(config):
    _session_redis_stop()


# At import time: `-p` plugins load before pytest-django reads the settings.
_bootstrap()
