"""Pytest plugin loaded before Django settings (`-p tests.support.harness` in pyproject).

It gives the test session a private `redis-server` on a free port, so tests never touch a shared
Redis (and can stop their own), and points REDIS_URL at it before settings are read. Set
TEST_REDIS_URL to use an existing Redis instead.
"""

import os
import shutil
import signal
import time
from pathlib import Path

from workforce import embedded

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


def _bootstrap() -> None:
    os.environ.setdefault("WORKFORCE_ENV", "test")
    os.environ.setdefault("WORKFORCE_TEST_DB_SUFFIX", f"_{os.getpid()}")
    if os.environ.get("TEST_REDIS_URL"):
        os.environ["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
        return
    if not shutil.which("redis-server"):
        return
    directory = embedded.DATA_DIR / f"test-redis-{os.getpid()}"
    url, pid = start_redis(directory)
    os.environ["REDIS_URL"] = url
    _state.update(pid=pid, directory=directory)


# At import time: `-p` plugins load before pytest-django reads the settings.
_bootstrap()


def pytest_unconfigure(config):
    if "pid" in _state:
        stop_redis(_state["pid"])
        shutil.rmtree(_state["directory"], ignore_errors=True)
