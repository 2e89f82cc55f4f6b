"""`make run`: embedded services, migrations, owner + demo project, then web, worker and beat.

Ctrl-C (or SIGTERM) stops every process this started, including the embedded PostgreSQL and the
private Redis when this launcher was the one that started them.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from workforce import embedded
from workforce.env import env_int, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


class Launcher:
    """Starts the stack in order and tears it down in reverse."""

    def __init__(self) -> None:
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.started_postgres = False
        self.started_redis = False
        self.stopping = False

    # ------------------------------------------------------------ services

    def start_services(self) -> dict:
        env = dict(os.environ, PYTHONUNBUFFERED="1", DJANGO_SETTINGS_MODULE="workforce.settings")
        if not env.get("DATABASE_URL"):
            self.started_postgres = not embedded.postgres_is_running()
            server = embedded.postgres_start()
            say(f"PostgreSQL: embedded (pgserver) in {server.pgdata}")
        else:
            say("PostgreSQL: DATABASE_URL")
        had_private = embedded.redis_ping(embedded._private_redis_url() or "redis://127.0.0.1:1/0")
        redis = embedded.redis_resolve(env.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
        self.started_redis = redis.mode == "private" and not had_private
        env["REDIS_URL"] = redis.url or "none"
        say(f"Redis: {redis.detail}")
        if redis.mode == "none":
            say("WARNING: single-machine mode: Celery uses a local broker in .data/, the dashboard polls.")
        return env

    def prepare(self, env: dict) -> None:
        manage = [PYTHON, str(BASE_DIR / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=BASE_DIR)  # noqa: S603
        subprocess.run([*manage, "bootstrap"], env=env, check=True, cwd=BASE_DIR)  # noqa: S603
        for hook in RUN_HOOKS:
            hook(self, env)

    def spawn(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        # A new session per child, so stopping it stops its own children too (uvicorn/celery pools).
        process = subprocess.Popen(argv, env=env, cwd=BASE_DIR, start_new_session=True)  # noqa: S603
        self.children.append((name, process))
        return process

    def start_processes(self, env: dict, port: int, host: str) -> None:
        celery = [PYTHON, "-m", "celery", "-A", "workforce"]
        beat_pid = embedded.DATA_DIR / "celerybeat.pid"
        beat_pid.unlink(missing_ok=True)
        self.spawn(
            "web",
            [
                PYTHON,
                "-m",
                "uvicorn",
                "workforce.asgi:application",
                "--host",
                host,
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--log-level",
                "warning",
                "--timeout-graceful-shutdown",
                "3",
            ],
            env,
        )
        self.spawn("worker", [*celery, "worker", "-l", "warning", "--concurrency", "2"], env)
        self.spawn("beat", [*celery, "beat", "-l", "warning", "--pidfile", str(beat_pid)], env)

    # ------------------------------------------------------------ lifecycle

    def wait_for_web(self, url: str, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local URL
                    return response.status == 200
            except OSError:
                time.sleep(0.3)
        return False

    def stop(self, *_args) -> None:
        if self.stopping:
            return
        self.stopping = True
        say("stopping…")
        for _name, process in reversed(self.children):
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _name, process in reversed(self.children):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        for hook in STOP_HOOKS:
            hook(self)
        if self.started_redis:
            embedded.redis_stop_private()
            say("private Redis stopped")
        if self.started_postgres:
            embedded.postgres_stop()
            say("embedded PostgreSQL stopped")

    def run(self) -> int:
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        port = env_int("PORT", 8000, minimum=1)
        host = env_str("HOST", "127.0.0.1")
        try:
            env = self.start_services()
            self.prepare(env)
            self.start_processes(env, port, host)
            url = f"http://{host}:{port}/"
            if self.wait_for_web(f"{url}login"):
                user = env.get("WORKFORCE_ADMIN_USERNAME", "admin")
                password = env.get("WORKFORCE_ADMIN_PASSWORD", "workforce-admin")
                say(f"ready: {url}  (log in as {user} / {password})  Ctrl-C stops everything")
            else:
                say("web server did not answer in time; see the output above")
            return self.supervise()
        finally:
            self.stop()

    def supervise(self) -> int:
        while not self.stopping:
            for name, process in self.children:
                if process.poll() is not None:
                    say(f"{name} exited with code {process.returncode}; stopping the rest")
                    return 1
            time.sleep(0.5)
        return 0


def start_sandbox(launcher: Launcher, env: dict) -> None:
    """The demo project reads from the sandbox servers; a first sync is queued for the worker."""
    if env_str("WORKFORCE_SANDBOX", "1") in ("0", "false", "no"):
        return
    demo = env.get("WORKFORCE_DEMO_PROJECT", "Demo studio")
    messages = str(env_int("SANDBOX_MESSAGES", 2000, minimum=10))
    argv = [PYTHON, str(BASE_DIR / "manage.py"), "sandbox", "--bind", demo, "--messages", messages, "--sync"]
    launcher.spawn("sandbox", argv, env)


# Steps run after migrations and before the web/worker/beat processes start.
RUN_HOOKS: list = [start_sandbox]
STOP_HOOKS: list = []


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def say(message: str) -> None:
    print(f"[workforce] {message}", flush=True)


if __name__ == "__main__":
    sys.exit(Launcher().run())
