"""The development environment: what a process outside production needs before Django reads the settings.

Settings only read the environment. Every entry point that runs outside production (`manage.py`, `make run`'s
launcher, the test harness, the scripts in `scripts/`) calls `dev_environment(environ)` first. It

- creates the data folders under WORKFORCE_DATA_DIR (local broker, staticfiles, pgserver's run folder),
- puts a development DJANGO_SECRET_KEY into `environ` when unset (kept in `<data dir>/secret_key`, 0600),
- puts a development FIELD_ENCRYPTION_KEYS into `environ` when unset (one Fernet key kept in
  `<data dir>/field_encryption_key`, 0600: the connector tokens stored by this machine stay readable),
- starts (or reuses) the embedded PostgreSQL when DATABASE_URL is unset, ensures the database
  WORKFORCE_DB_NAME (default `workforce`) and sets DATABASE_URL to its unix socket,
- resolves Redis as `embedded.redis_resolve` does and sets REDIS_URL (`none`: single-machine mode),

and reports what it started, so a launcher can stop it. The folders are `workforce.embedded`'s, i.e. the
WORKFORCE_DATA_DIR this process started with.
"""

import os
import secrets
import tempfile
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from cryptography.fernet import Fernet

from workforce import embedded

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_DB_NAME = "workforce"
DEV_KEY_FILE = "secret_key"  # in the data folder
DEV_FIELD_KEY_FILE = "field_encryption_key"  # in the data folder


@dataclass(frozen=True)
class DevEnvironment:
    """What `dev_environment` provided, and which services it started (a launcher stops those)."""

    postgres: embedded.EmbeddedPostgres | None  # the embedded server, when DATABASE_URL was unset
    started_postgres: bool
    redis: embedded.RedisResolution
    started_redis: bool

    @property
    def single_machine(self) -> bool:
        return self.redis.url is None

    def describe(self) -> list[str]:
        """One line per service, for a launcher to print."""
        database = f"embedded (pgserver) in {self.postgres.pgdata}" if self.postgres else "DATABASE_URL"
        return [f"PostgreSQL: {database}", f"Redis: {self.redis.detail}"]

    def stop(self) -> list[str]:
        """Stop the services this environment started; return what was stopped."""
        stopped = []
        if self.started_redis and embedded.redis_stop_private():
            stopped.append("private Redis")
        if self.started_postgres and self.postgres and embedded.postgres_stop(pgdata=self.postgres.pgdata):
            stopped.append("embedded PostgreSQL")
        return stopped


def dev_environment(environ: MutableMapping[str, str]) -> DevEnvironment:
    """Fill `environ` (os.environ, or a child's environment) with a development setup; see the module doc."""
    data_dir = _data_dir(environ)
    data_folders_create(data_dir)
    if not environ.get("DJANGO_SECRET_KEY"):
        environ["DJANGO_SECRET_KEY"] = development_secret_key(data_dir / DEV_KEY_FILE)
    if not environ.get("FIELD_ENCRYPTION_KEYS"):
        environ["FIELD_ENCRYPTION_KEYS"] = development_field_encryption_key(data_dir / DEV_FIELD_KEY_FILE)
    postgres, started_postgres = None, False
    if not environ.get("DATABASE_URL"):
        started_postgres = not embedded.postgres_is_running()
        postgres = embedded.postgres_start()
        name = environ.get("WORKFORCE_DB_NAME") or DEFAULT_DB_NAME
        embedded.postgres_ensure_database(postgres, name)
        environ["DATABASE_URL"] = embedded_database_url(postgres, name)
    try:
        redis, started_redis = _redis_resolve(environ.get("REDIS_URL", DEFAULT_REDIS_URL))
    except BaseException:
        if started_postgres:  # nobody else knows it was started: leave nothing running behind a failure
            embedded.postgres_stop()
        raise
    environ["REDIS_URL"] = redis.url or "none"
    return DevEnvironment(postgres, started_postgres, redis, started_redis)


def data_folders_create(data_dir: Path) -> None:
    """The folders settings name but never create: the local broker's, STATIC_ROOT, pgserver's lock folder."""
    for folder in ("broker/in", "broker/processed", "staticfiles"):
        (data_dir / folder).mkdir(parents=True, exist_ok=True)
    run = data_dir / "run"
    run.mkdir(mode=0o700, parents=True, exist_ok=True)  # pgserver's XDG_RUNTIME_DIR: private to this user
    run.chmod(0o700)


def development_secret_key(path: Path) -> str:
    """A random key kept in the data folder (0600), so sessions survive restarts on a dev machine."""
    return _kept_key(path, lambda: secrets.token_urlsafe(50))


def development_field_encryption_key(path: Path) -> str:
    """A Fernet key kept in the data folder (0600), so secrets encrypted at rest stay readable across restarts."""
    return _kept_key(path, lambda: Fernet.generate_key().decode())


def _kept_key(path: Path, generate: Callable[[], str]) -> str:
    """The key in `path`, made by `generate` on first use."""
    if not path.exists():
        # Written aside and linked into place: a concurrent start never reads a half-written or different key.
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mkstemp creates it 0600
        try:
            with os.fdopen(fd, "w") as file:
                file.write(generate())
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return path.read_text().strip()


def embedded_database_url(server: embedded.EmbeddedPostgres, name: str) -> str:
    """A URL dj-database-url parses into the unix-socket settings (HOST=<socket dir>, USER=postgres, no password)."""
    return f"postgres://postgres@{quote(server.socket_dir, safe='')}:{server.port}/{quote(name, safe='')}"


def _redis_resolve(url: str) -> tuple[embedded.RedisResolution, bool]:
    """`embedded.redis_resolve`, and whether it started the private server (rather than found it running)."""
    private = embedded._private_redis_url()
    private_was_running = bool(private) and embedded.redis_ping(private)
    resolution = embedded.redis_resolve(url)
    return resolution, resolution.mode == "private" and not private_was_running


def _data_dir(environ: MutableMapping[str, str]) -> Path:
    """The data folder; `workforce.embedded` fixed it from this process's environment when it was imported."""
    wanted = environ.get("WORKFORCE_DATA_DIR")
    if wanted and Path(wanted).resolve() != embedded.DATA_DIR.resolve():
        raise ValueError(
            f"WORKFORCE_DATA_DIR={wanted} differs from {embedded.DATA_DIR}, the folder this process started with"
        )
    return embedded.DATA_DIR
