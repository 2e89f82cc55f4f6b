"""`make run`: embedded services, migrations, owner + demo project, then web, worker and beat.

The development environment (`workforce.devservices`: embedded PostgreSQL, Redis, secret key, data folders)
is prepared once here and passed to every child in its environment. Ctrl-C (or SIGTERM) stops every process
this started, including the embedded PostgreSQL and the private Redis when this launcher was the one that
started them. A step or a process that fails during start-up is named with its exit code and the last lines
of its output, and the launcher exits non-zero.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import deque
from pathlib import Path

from workforce import embedded
from workforce.devservices import DevEnvironment, dev_environment
from workforce.env import env_int, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TAIL_LINES = 30
WEB_READY_TIMEOUT_SECONDS = 90


class ProcessFailed(Exception):
    """A step or a process failed; carries what the user needs to see."""

    def __init__(self, name: str, what: str, tail: list[str]) -> None:
        super().__init__(name)
        self.name, self.what, self.tail = name, what, tail

    def report(self) -> str:
        lines = "\n".join(f"    {line}" for line in self.tail) or "    (no output)"
        return f"{self.name} {self.what}. Last lines of its output:\n{lines}"


class Interrupted(Exception):
    """Ctrl-C arrived before the stack was up."""


class Child:
    """A started process whose output is echoed with its name and whose last lines are kept."""

    def __init__(self, name: str, argv: list[str], env: dict) -> None:
        self.name = name
        self.started = time.monotonic()
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)
        # A new session per child, so stopping it stops its own children too (uvicorn/celery pools).
        self.process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
            argv,
            env=env,
            cwd=BASE_DIR,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            bufsize=1,
        )
        self.reader = threading.Thread(target=self._echo, name=f"echo-{name}", daemon=True)
        self.reader.start()

    def _echo(self) -> None:
        for line in self.process.stdout:
            line = line.rstrip("\n")
            self.tail.append(line)
            print(f"{self.name:>8} | {line}", flush=True)

    def exit_code(self) -> int | None:
        return self.process.poll()

    def failure(self, reason: str = "") -> ProcessFailed:
        self.reader.join(timeout=2)  # the last lines arrive after the exit
        age = time.monotonic() - self.started
        what = reason or f"exited with code {self.process.returncode} {age:.1f} s after it started"
        return ProcessFailed(self.name, what, list(self.tail))


class Launcher:
    """Starts the stack in order and tears it down in reverse."""

    def __init__(self) -> None:
        self.children: list[Child] = []
        self.services: DevEnvironment | None = None  # what dev_environment started, stopped last
        self.stopping = False

    # ------------------------------------------------------------ services

    def start_services(self) -> dict:
        """The environment of every child: this one, plus the development services and their URLs."""
        env = dict(os.environ, PYTHONUNBUFFERED="1", DJANGO_SETTINGS_MODULE="workforce.settings")
        if env.get("WORKFORCE_ENV") == "production":
            say("WORKFORCE_ENV=production: using DATABASE_URL and REDIS_URL as given, starting no service")
            return env
        self.services = dev_environment(env)
        for line in self.services.describe():
            say(line)
        if self.services.single_machine:
            say("WARNING: single-machine mode: Celery uses a local broker in .data/, the dashboard polls.")
        return env

    def prepare(self, env: dict) -> None:
        manage = [PYTHON, str(BASE_DIR / "manage.py")]
        self.run_step("migrate", [*manage, "migrate", "--no-input", "-v", "0"], env)
        self.run_step("bootstrap", [*manage, "bootstrap"], env)
        for hook in RUN_HOOKS:
            hook(self, env)

    def run_step(self, name: str, argv: list[str], env: dict) -> None:
        """Run one start-up command to its end; a non-zero exit stops the start."""
        step = self.spawn(name, argv, env)  # listed while it runs, so Ctrl-C stops it too
        step.process.wait()
        self.children.remove(step)
        if self.stopping:
            raise Interrupted
        if step.exit_code() != 0:
            raise step.failure()
        step.reader.join(timeout=2)

    def spawn(self, name: str, argv: list[str], env: dict) -> Child:
        child = Child(name, argv, env)
        self.children.append(child)
        return child

    def start_processes(self, env: dict, port: int, host: str) -> None:
        celery = [PYTHON, "-m", "celery", "-A", "workforce"]
        beat_pid = embedded.DATA_DIR / "celerybeat.pid"
        beat_pid.unlink(missing_ok=True)
        uvicorn = [PYTHON, "-m", "uvicorn", "workforce.asgi:application", "--host", host, "--port", str(port)]
        options = ["--lifespan", "off", "--log-level", "warning", "--timeout-graceful-shutdown", "3"]
        self.spawn("web", [*uvicorn, *options], env)
        self.spawn("worker", [*celery, "worker", "-Q", "celery", "-l", "warning", "--concurrency", "2"], env)
        # Webhook deliveries on their own queue and worker (docs/webhooks.md).
        webhooks = [*celery, "worker", "-Q", "webhooks", "-n", "webhooks@%h", "-l", "warning", "--concurrency", "1"]
        self.spawn("worker-webhooks", webhooks, env)
        self.spawn("beat", [*celery, "beat", "-l", "warning", "--pidfile", str(beat_pid)], env)

    # ------------------------------------------------------------ lifecycle

    def check_children(self) -> None:
        """Raise for the first started process that has exited."""
        for child in self.children:
            if child.exit_code() is not None:
                raise child.failure()

    def wait_for_web(self, url: str, timeout: float = WEB_READY_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.stopping:
            self.check_children()
            if _answers(url):
                return
            time.sleep(0.3)
        if self.stopping:
            raise Interrupted
        web = next(child for child in self.children if child.name == "web")
        raise web.failure(reason=f"did not answer {url} within {timeout:.0f} s")

    def stop(self, *_args) -> None:
        if self.stopping:
            return
        self.stopping = True
        say("stopping…")
        for child in reversed(self.children):
            if child.name.startswith("worker"):
                # Celery's warm shutdown: its pool finishes the running task (signalling the whole group
                # would kill the pool under it and log WorkerLostError); the deadline below still holds.
                with contextlib.suppress(ProcessLookupError):
                    child.process.send_signal(signal.SIGTERM)
            else:
                _signal_group(child.process, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for child in reversed(self.children):
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child.process, signal.SIGKILL)
                child.process.wait()
        for hook in STOP_HOOKS:
            hook(self)
        if self.services:
            for service in self.services.stop():
                say(f"{service} stopped")

    def run(self) -> int:
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        port = env_int("PORT", 8000, minimum=1)
        host = env_str("HOST", "127.0.0.1")
        try:
            env = self.start_services()
            # The sandbox sends its webhooks here (docs/webhooks.md); a deployment sets its public address.
            env.setdefault("WEBHOOK_PUBLIC_URL", f"http://{host}:{port}")
            self.prepare(env)
            self.start_processes(env, port, host)
            url = f"http://{host}:{port}/"
            self.wait_for_web(f"{url}login")
            user = env.get("WORKFORCE_ADMIN_USERNAME", "admin")
            password = env.get("WORKFORCE_ADMIN_PASSWORD", "workforce-admin")
            say(f"ready: {url}  (log in as {user} / {password})  Ctrl-C stops everything")
            return self.supervise()
        except ProcessFailed as failure:
            say(f"FAILED: {failure.report()}")
            return 1
        except Interrupted:
            return 130
        except Exception as exc:  # a service that cannot start: one clear line, not a silent prompt
            say(f"FAILED: {type(exc).__name__}: {exc}")
            return 1
        finally:
            self.stop()

    def supervise(self) -> int:
        while not self.stopping:
            for child in self.children:
                if child.exit_code() is not None:
                    say(f"FAILED: {child.failure().report()}\nstopping the rest")
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


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local URL
            return response.status == 200
    except OSError:
        return False


def say(message: str) -> None:
    print(f"[workforce] {message}", flush=True)


if __name__ == "__main__":
    sys.exit(Launcher().run())
