"""Freshness benchmark: a change at a source (sandbox, webhooks on) → searchable and → dashboard event, plus how
many deliveries per second the receiver takes.

    .venv/bin/python scripts/bench_freshness.py [--changes 60] [--rate 2] [--burst 10] [--messages 20000]

Everything runs here and is stopped at the end (also on Ctrl-C): the sandbox servers (in this process), a private
redis-server, uvicorn (web) and two Celery workers as `make run` starts them (`-Q celery`, and `-Q webhooks` on
its own), all on a dedicated database (`workforce_bench_freshness` on the embedded server unless
WORKFORCE_DB_NAME / DATABASE_URL say otherwise). Project A is bound to a small sandbox tenant, synced, embedded
and its webhooks registered at the web process; a logged-in SSE client reads its event stream.

Each change records t0 just before `sandbox.mutate(...)` (rotating Linear `edit_issues`, Chatwoot `new_messages`,
Attio `move_deal_stage`, each on a record of a pool so a record is not changed again while an earlier change of
it is in flight), then polls the database until a chunk of that record is `ready` with `embedded_at >= t0`.
Phases: a steady rate, bursts, and the steady rate again while a full initial sync of project B (a bigger tenant)
runs on the default worker. Last, K signed synthetic Linear deliveries from 8 senders measure the receiver.
"""

import argparse
import contextlib
import datetime as dt
import hashlib
import hmac
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench_summary import percentile, summary_add  # scripts/ is on sys.path when a script runs
from preamble import ROOT, django_setup

from workforce import embedded

TENANT_A_MESSAGES = 2000  # project A: small, so its setup is quick; B (--messages) is the heavy one
POOL_SIZE = 12  # records per source the changes rotate over
POLL_SECONDS = 0.02
CHANGE_TIMEOUT = 15.0  # a change not searchable by then (3× the 5 s goal) counts as missing
SENDERS = 8
GOAL_P95_MS = 5000.0
SOURCES = ("linear", "chatwoot", "attio")
# source → (sandbox action, chunk source type)
MUTATIONS = {
    "linear": ("edit_issues", "linear_issue"),
    "chatwoot": ("new_messages", "chatwoot_conversation"),
    "attio": ("move_deal_stage", "attio_deal"),
}


class Processes:
    """What this script started, stopped in reverse order whatever happens."""

    def __init__(self) -> None:
        self.popen: list[tuple[subprocess.Popen, int]] = []  # (process, the signal that stops it)
        self.redis_pid: int | None = None

    def spawn(self, argv: list[str], env: dict, log: Path, stop_signal=signal.SIGTERM) -> subprocess.Popen:
        # Own session: Ctrl-C reaches only this script, which stops the group (uvicorn/celery children too).
        process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        self.popen.append((process, stop_signal))
        return process

    def stop_one(self, process: subprocess.Popen) -> None:
        stop_signal = next(sig for started, sig in self.popen if started is process)
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, stop_signal)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop(self) -> None:
        for process, _ in reversed(self.popen):
            self.stop_one(process)
        if self.redis_pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.redis_pid, signal.SIGTERM)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and Path(f"/proc/{self.redis_pid}").exists():
                time.sleep(0.05)


@dataclass
class Change:
    """One source change and when its effects showed."""

    number: int
    phase: str
    source: str
    record: str
    t0: float = 0.0
    searchable_at: float | None = None
    event_at: float | None = None

    @property
    def latency_ms(self) -> float | None:
        return None if self.searchable_at is None else (self.searchable_at - self.t0) * 1000

    @property
    def event_ms(self) -> float | None:
        return None if self.event_at is None else (self.event_at - self.t0) * 1000


@dataclass
class Bench:
    """What the phases share."""

    servers: object
    tenant: str
    project: object
    pools: dict[str, list[str]]
    changes: list[Change] = field(default_factory=list)

    def next_change(self, phase: str) -> Change:
        number = len(self.changes)
        source = SOURCES[number % len(SOURCES)]
        pool = self.pools[source]
        return Change(number, phase, source, pool[(number // len(SOURCES)) % len(pool)])


# ---------------------------------------------------------------- processes


def start_redis(directory: Path, processes: Processes) -> str:
    url = embedded.redis_start_private(directory=directory / "redis", port=embedded.free_port())
    processes.redis_pid = int((directory / "redis" / "redis.pid").read_text().strip())
    return url


def wait_for(what: str, ready, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Until `ready()`; a process that exits or a timeout raises with the end of its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited:\n{log.read_text(errors='replace')[-2000:]}")
        if ready():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} not ready in {timeout:.0f} s:\n{log.read_text(errors='replace')[-2000:]}")


def start_web(env: dict, port: int, directory: Path, processes: Processes) -> None:
    argv = [sys.executable, "-m", "uvicorn", "workforce.asgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--lifespan", "off", "--log-level", "warning",
            "--timeout-graceful-shutdown", "1"]  # fmt: skip
    log = directory / "web.log"
    process = processes.spawn(argv, env, log)

    def answers() -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
        return False

    wait_for("uvicorn", answers, process, log)


def start_worker(
    name: str, queue: str, concurrency: int, env: dict, directory: Path, processes: Processes
) -> subprocess.Popen:
    """A Celery worker as `workforce/launcher.py` starts it (INFO, so its log says when it is ready)."""
    argv = [sys.executable, "-m", "celery", "-A", "workforce", "worker", "-Q", queue, "-n", f"{name}@%h",
            "-l", "info", "--concurrency", str(concurrency), "--without-gossip", "--without-mingle"]  # fmt: skip
    log = directory / f"worker-{name}.log"
    # Cold shutdown (SIGQUIT): a sync of project B still running need not finish.
    process = processes.spawn(argv, {**env, "LOG_LEVEL": "INFO"}, log, stop_signal=signal.SIGQUIT)
    wait_for(f"worker {name}", lambda: " ready." in log.read_text(errors="replace"), process, log)
    return process


# ---------------------------------------------------------------- projects


def fresh_project(name: str):
    from core.models import AccountScope, Project

    scope, _ = AccountScope.objects.get_or_create(name="Benchmarks")
    Project.objects.filter(account_scope=scope, name=name).delete()  # a previous run's data
    return Project.objects.create(account_scope=scope, name=name)


def bind(project, servers, tenant, *, rate: float) -> None:
    """Point the project's three connectors at the sandbox tenant (as `manage.py sandbox --bind` does)."""
    from connectors.services.configs import connector_config_upsert

    bindings = {
        "chatwoot": (servers.chatwoot_url, tenant.chatwoot_token, str(tenant.chatwoot_account_id)),
        "linear": (servers.linear_url, tenant.linear_api_key, ""),
        "attio": (servers.attio_url, tenant.attio_api_key, ""),
    }
    for source, (url, secret, account) in bindings.items():
        connector_config_upsert(project=project, source=source, base_url=url, secret=secret, account_id=account,
                                rate_limit_per_second=rate)  # fmt: skip


def initial_load(project) -> None:
    from connectors.constants import SyncStatus
    from connectors.services.sync import connector_sync
    from rag.services.embeddings import embeddings_run

    for source in SOURCES:
        run = connector_sync(project=project, source=source, trigger="bench")
        if run.status != SyncStatus.OK:
            raise RuntimeError(f"initial {source} sync of {project.name}: {run.status} {run.error}")
    embeddings_run(project=project, trigger="bench")


def record_pools(project, tenant) -> dict[str, list[str]]:
    """Per source, POOL_SIZE records of the tenant that have ready chunks (the ones a change must refresh)."""
    from rag.models import Chunk

    dataset = tenant.dataset
    candidates = {
        "linear": [i for i, issue in dataset.linear.issues.items() if not issue["archivedAt"]],
        "chatwoot": [str(c) for c in dataset.conversations],
        "attio": list(dataset.attio.records["deals"]),
    }
    pools = {}
    for source, ids in candidates.items():
        chunked = set(
            Chunk.objects.filter(project=project, source_type=MUTATIONS[source][1], status="ready")
            .values_list("source_id", flat=True)
            .distinct()
        )
        pools[source] = sorted(i for i in ids if i in chunked)[:POOL_SIZE]
        if not pools[source]:
            raise RuntimeError(f"no {source} record of project A has ready chunks")
    return pools


def session_cookie(project) -> tuple[str, str]:
    """A logged-in session of a viewer with `project` active: (cookie header value, session key)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from core.models import Membership
    from core.selectors import ACTIVE_PROJECT_SESSION_KEY

    user, _ = get_user_model().objects.get_or_create(username="bench-freshness-viewer")
    Membership.objects.get_or_create(user=user, project=project, defaults={"role": "viewer"})
    session = SessionStore()
    session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                    ACTIVE_PROJECT_SESSION_KEY: str(project.id)})  # fmt: skip
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}", session.session_key


# ---------------------------------------------------------------- the dashboard's view


class EventListener(threading.Thread):
    """An EventSource-like reader of `/api/events/stream` noting when each `data_changed` arrived."""

    def __init__(self, port: int, cookie: str) -> None:
        super().__init__(name="sse", daemon=True)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=None)
        self.cookie = cookie
        self.connected = threading.Event()
        self.arrivals: list[float] = []
        self.error = ""
        self.stopping = False

    def run(self) -> None:
        try:
            self.connection.request("GET", "/api/events/stream",
                                    headers={"Accept": "text/event-stream", "Cookie": self.cookie})  # fmt: skip
            response = self.connection.getresponse()
            if response.status != 200:
                self.error = f"HTTP {response.status}: {response.read()[:300]!r}"
                return
            self._read(response)
        except Exception as exc:  # http.client fails in odd ways once stop() has closed the socket
            if not self.stopping:
                self.error = self.error or f"{exc.__class__.__name__}: {exc}"
        finally:
            self.connected.set()

    def _read(self, response) -> None:
        name = "message"
        while line := response.readline():
            line = line.decode().rstrip("\r\n")
            if line.startswith("event:"):
                name = line.partition(":")[2].strip()
            elif not line:  # end of one event
                if name == "data_changed":
                    self.arrivals.append(time.time())
                elif name == "connected":
                    self.connected.set()
                name = "message"

    def first_after(self, moment: float) -> float | None:
        return next((arrival for arrival in list(self.arrivals) if arrival > moment), None)

    def stop(self) -> None:
        self.stopping = True
        with contextlib.suppress(OSError):
            if self.connection.sock is not None:
                self.connection.sock.shutdown(socket.SHUT_RDWR)
        self.connection.close()


# ---------------------------------------------------------------- changes and polling


def change_make(bench: Bench, phase: str) -> Change:
    change = bench.next_change(phase)
    action = MUTATIONS[change.source][0]
    change.t0 = time.time()
    bench.servers.mutate(tenant=bench.tenant, action=action, ids=[change.record])
    bench.changes.append(change)
    return change


def poll_searchable(bench: Bench, pending: list[Change]) -> list[Change]:
    """One query: mark the pending changes whose record has a chunk ready since their t0; return those left."""
    from django.db.models import Max, Q

    from rag.models import Chunk

    if not pending:
        return []
    records = Q()
    for change in pending:
        records |= Q(source_type=MUTATIONS[change.source][1], source_id=change.record)
    ready = Chunk.objects.filter(records, project=bench.project, status="ready").values("source_type", "source_id")
    latest = {(row["source_type"], row["source_id"]): row["last"] for row in ready.annotate(last=Max("embedded_at"))}
    seen = time.time()
    left = []
    for change in pending:
        last = latest.get((MUTATIONS[change.source][1], change.record))
        if last is not None and last.timestamp() >= change.t0:
            change.searchable_at = seen
        elif seen - change.t0 < CHANGE_TIMEOUT:
            left.append(change)
    return left


def in_flight(pending: list[Change], upcoming: Change) -> bool:
    return any(c.source == upcoming.source and c.record == upcoming.record for c in pending)


def phase_steady(bench: Bench, phase: str, count: int, rate: float) -> None:
    """`count` changes at `rate` per second, polling in between (a record still in flight is skipped past)."""
    pending: list[Change] = []
    start, made = time.time(), 0
    while made < count or pending:
        if made < count and time.time() >= start + made / rate:
            upcoming = bench.next_change(phase)
            if in_flight(pending, upcoming):  # the next one in the rotation takes this slot, after a poll
                bench.changes.append(Change(upcoming.number, "skipped", upcoming.source, upcoming.record))
            else:
                pending.append(change_make(bench, phase))
                made += 1
        pending = poll_searchable(bench, pending)
        time.sleep(POLL_SECONDS)


def phase_bursts(bench: Bench, count: int, burst: int) -> None:
    """Bursts of `burst` changes at once (distinct records), each waited for before the next."""
    made = 0
    while made < count:
        size = min(burst, count - made)
        pending = [change_make(bench, "burst") for _ in range(size)]
        made += size
        while pending:
            pending = poll_searchable(bench, pending)
            time.sleep(POLL_SECONDS)
        time.sleep(1.0)  # a pause between bursts


def project_b_sync(project_b) -> None:
    """Queue B's full initial sync on the default worker and wait until it is running."""
    from connectors.models import SyncRun
    from connectors.services.queue import sync_queue

    for source in SOURCES:
        sync_queue(project=project_b, source=source, trigger="manual")
    deadline = time.monotonic() + 60
    while not SyncRun.objects.filter(project=project_b).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("project B's sync did not start within 60 s")
        time.sleep(0.1)


def project_b_activity(project_b) -> tuple[float, float | None, list[str]]:
    """When B's jobs (syncs, the embedding cascade) ran: (first start, last finish or None if running, jobs)."""
    from jobs.models import JobRun

    runs = list(JobRun.objects.filter(project=project_b, started_at__isnull=False))
    if not runs:
        return float("nan"), None, []
    start = min(r.started_at for r in runs).timestamp()
    running = any(r.finished_at is None for r in runs)
    finish = None if running else max(r.finished_at for r in runs).timestamp()
    return start, finish, sorted(f"{r.job} {r.status} {r.duration_ms or 0} ms" for r in runs)


# ---------------------------------------------------------------- the receiver


def linear_delivery(secret: str, issue_id: str) -> tuple[bytes, dict]:
    """A Linear `Issue.update` delivery signed as Linear signs it (fresh timestamp, unique delivery id)."""
    now_ms = int(time.time() * 1000)
    body = json.dumps({
        "action": "update", "type": "Issue", "createdAt": dt.datetime.now(dt.UTC).isoformat(),
        "data": {"id": issue_id}, "url": "", "organizationId": "bench", "webhookId": "bench",
        "webhookTimestamp": now_ms,
    }, separators=(",", ":")).encode()  # fmt: skip
    headers = {"Content-Type": "application/json; charset=utf-8", "Linear-Event": "Issue",
               "Linear-Delivery": str(uuid.uuid4()),
               "Linear-Signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}  # fmt: skip
    return body, headers


def sender(port: int, path: str, secret: str, issues: list[str], count: int, statuses: list[int]) -> None:
    """One keep-alive connection posting `count` deliveries; each answer's status is appended."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for n in range(count):
            body, headers = linear_delivery(secret, issues[n % len(issues)])
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                statuses.append(response.status)
            except (OSError, http.client.HTTPException):
                statuses.append(0)
                connection.close()  # the next request reconnects
    finally:
        connection.close()


def receiver_throughput(bench: Bench, port: int, deliveries: int) -> dict:
    """K signed deliveries from SENDERS threads to project A's Linear endpoint; then how long applying them took.

    `webhook_register` rotates the token without handing it out, so the bench rotates the endpoint itself (the
    sandbox's subscription URL stops working: this runs after the sandbox's last change)."""
    from connectors.models import WebhookDelivery, WebhookEndpoint
    from connectors.services.webhooks import webhook_endpoint_rotate, webhook_path

    endpoint = WebhookEndpoint.objects.get(project=bench.project, source="linear")
    token = webhook_endpoint_rotate(endpoint=endpoint)
    path = webhook_path(source="linear", token=token)
    shares = [deliveries // SENDERS + (1 if n < deliveries % SENDERS else 0) for n in range(SENDERS)]
    statuses: list[int] = []
    threads = [threading.Thread(target=sender, args=(port, path, endpoint.secret, bench.pools["linear"], share,
                                                     statuses)) for share in shares]  # fmt: skip
    started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.time() - started
    accepted = statuses.count(202)
    drained = wait_applied(WebhookDelivery.objects.filter(endpoint=endpoint, received_at__gte=_aware(started)))
    others = {str(s): statuses.count(s) for s in sorted(set(statuses)) if s != 202}
    return {"sent": len(statuses), "accepted": accepted, "seconds": seconds, "per_second": accepted / seconds,
            "others": others, "applied_after": None if drained is None else drained - started}  # fmt: skip


def wait_applied(deliveries, timeout: float = 60) -> float | None:
    """When none of these deliveries is queued or being applied any more (None: not within `timeout`)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not deliveries.filter(status__in=("queued", "applying")).exists():
            return time.time()
        time.sleep(0.1)
    return None


def _aware(moment: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(moment, tz=dt.UTC)


# ---------------------------------------------------------------- report


def stats(values: list[float]) -> str:
    if not values:
        return "no measurement"
    return (f"p50 {percentile(values, 0.5):7.0f} ms   p95 {percentile(values, 0.95):7.0f} ms   "
            f"max {max(values):7.0f} ms")  # fmt: skip


def report_changes(bench: Bench, phases: list[str]) -> None:
    measured = [c for c in bench.changes if c.phase != "skipped"]
    print(f"\n{'source change → searchable':34} {'n':>4} {'missing':>7}")
    for phase in [*phases, "overall"]:
        group = [c for c in measured if phase in (c.phase, "overall")]
        latencies = [c.latency_ms for c in group if c.latency_ms is not None]
        print(f"  {phase:32} {len(group):>4} {len(group) - len(latencies):>7}   {stats(latencies)}")
        if latencies:
            measure = "change→searchable" if phase == "overall" else f"change→searchable ({phase})"
            summary_add("freshness", f"{measure} p95", percentile(latencies, 0.95), "ms", better="lower",
                        goal=f"≤ {GOAL_P95_MS:.0f} ms" if phase == "overall" else "")  # fmt: skip
    overall = [c.latency_ms for c in measured if c.latency_ms is not None]
    summary_add("freshness", f"changes not searchable in {CHANGE_TIMEOUT:.0f} s", len(measured) - len(overall),
                "changes", better="lower", goal="0")  # fmt: skip
    if overall:
        summary_add("freshness", "change→searchable p50", percentile(overall, 0.5), "ms", better="lower")
        summary_add("freshness", "change→searchable max", max(overall), "ms", better="lower")
    by_source = {s: [c.latency_ms for c in measured if c.source == s and c.latency_ms is not None] for s in SOURCES}
    for source, latencies in by_source.items():
        print(f"  {'by source: ' + source:32} {len(latencies):>4} {'':>7}   {stats(latencies)}")
    skipped = sum(1 for c in bench.changes if c.phase == "skipped")
    if skipped:
        print(f"  ({skipped} rotation slots skipped: their record still had a change in flight)")


def report_events(bench: Bench, listener: EventListener) -> None:
    measured = [c for c in bench.changes if c.phase != "skipped"]
    for change in measured:
        arrival = listener.first_after(change.t0)
        change.event_at = arrival if arrival is not None and arrival - change.t0 < CHANGE_TIMEOUT else None
    latencies = [c.event_ms for c in measured if c.event_ms is not None]
    print(f"\n{'source change → dashboard event':34} {len(measured):>4} {len(measured) - len(latencies):>7}   "
          f"{stats(latencies)}   ({len(listener.arrivals)} data_changed events in all"
          f"{'; stream error: ' + listener.error if listener.error else ''})")  # fmt: skip
    if latencies:
        summary_add("freshness", "change→dashboard event p50", percentile(latencies, 0.5), "ms", better="lower")
        summary_add("freshness", "change→dashboard event p95", percentile(latencies, 0.95), "ms", better="lower",
                    goal=f"≤ {GOAL_P95_MS:.0f} ms")  # fmt: skip


def report_slowest(bench: Bench, count: int = 4) -> None:
    """The slowest changes with when the product received and applied their delivery (the cause of outliers)."""
    from connectors.models import WebhookDelivery

    measured = [c for c in bench.changes if c.phase != "skipped"]
    slowest = sorted(measured, key=lambda c: -(c.latency_ms if c.latency_ms is not None else float("inf")))[:count]
    print("\nslowest changes (delivery received / applied, ms after t0):")
    for change in slowest:
        end = change.t0 + (change.latency_ms or CHANGE_TIMEOUT * 1000) / 1000
        window = WebhookDelivery.objects.filter(project=bench.project, source=change.source,
                                                received_at__gte=_aware(change.t0),
                                                received_at__lte=_aware(end))  # fmt: skip
        # The first delivery naming this record (Attio's hints are keyed by object id: matched as text).
        delivery = next((d for d in window.order_by("received_at") if change.record in json.dumps(d.hints)), None)
        received = f"{(delivery.received_at.timestamp() - change.t0) * 1000:.0f}" if delivery else "—"
        applied = (f"{(delivery.applied_at.timestamp() - change.t0) * 1000:.0f}"
                   if delivery and delivery.applied_at else "—")  # fmt: skip
        latency = f"{change.latency_ms:.0f} ms" if change.latency_ms is not None else "missing"
        print(f"  #{change.number:<3} {change.phase:12} {change.source:9} {latency:>9}   received {received:>6}   "
              f"applied {applied:>6}   {delivery.status if delivery else ''}")  # fmt: skip


def report_deliveries(bench: Bench) -> None:
    """Both sides of the webhooks: what the sandbox sent (retries = failed attempts) and what the product kept."""
    from django.db.models import Count

    from connectors.models import WebhookDelivery

    sent = bench.servers.deliveries(tenant=bench.tenant)
    answers: dict[str, dict[str, int]] = {}  # per service: {delivery status / HTTP answer: count}
    for delivery in sent:
        key = f"{delivery['status']}/{delivery['last_status']}"
        answers.setdefault(delivery["service"], {}).setdefault(key, 0)
        answers[delivery["service"]][key] += 1
    retried = sum(1 for d in sent if d["attempts"] > 1)
    print(f"\nsandbox deliveries to project A: {len(sent)}, retried {retried}; by status/answer: {answers}")
    kept = WebhookDelivery.objects.filter(project=bench.project).values("source", "status").annotate(n=Count("id"))
    print("product deliveries of project A: "
          + ", ".join(f"{r['source']} {r['status']} {r['n']}" for r in kept.order_by("source", "status")))  # fmt: skip


def report_receiver(result: dict, deliveries: int) -> None:
    applied = f"{result['applied_after']:.1f} s" if result["applied_after"] is not None else "not within 60 s"
    print(f"\nreceiver: {result['accepted']} of {deliveries} signed Linear deliveries accepted (202) in "
          f"{result['seconds']:.2f} s from {SENDERS} senders = {result['per_second']:.0f} deliveries/s; "
          f"non-202: {sum(result['others'].values())} {result['others'] or ''}; all applied {applied} after the "
          "first was sent")  # fmt: skip
    summary_add("freshness", "receiver deliveries/s", result["per_second"], "deliveries/s", better="higher")
    summary_add("freshness", "receiver non-202", sum(result["others"].values()), "deliveries", better="lower",
                goal="0")  # fmt: skip


# ---------------------------------------------------------------- main


def setup_projects(servers, messages: int) -> tuple[object, object, object]:
    """Project A (synced, embedded, on a small tenant) and project B (bound to a bigger tenant, not synced)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    tenant_a = servers.add_tenant(name="fresh-a", seed="fresh-a", messages=TENANT_A_MESSAGES)
    tenant_b = servers.add_tenant(name="fresh-b", seed="fresh-b", messages=messages)
    project_a, project_b = fresh_project("bench-freshness-a"), fresh_project("bench-freshness-b")
    bind(project_a, servers, tenant_a, rate=200)  # what `manage.py sandbox --bind` sets
    bind(project_b, servers, tenant_b, rate=10_000)  # a bulk sync as heavy as the machine allows
    initial_load(project_a)
    return tenant_a, project_a, project_b


def register_webhooks(project) -> None:
    from connectors.services.webhook_registration import webhooks_register_all

    outcomes = webhooks_register_all(project=project, actor="bench_freshness")
    if any(outcome != "registered" for outcome in outcomes.values()):
        raise RuntimeError(f"webhooks not registered: {outcomes}")


def run(args, processes: Processes, directory: Path) -> None:
    from sandbox import SandboxServers

    started = time.time()
    port = embedded.free_port()
    # Before the setup, which keeps an answering Redis and reads WEBHOOK_PUBLIC_URL from the environment.
    os.environ["REDIS_URL"] = start_redis(directory, processes)
    os.environ["WEBHOOK_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    django_setup(db_name="workforce_bench_freshness")
    servers = SandboxServers().start()
    listener, session_key = None, ""
    try:
        tenant_a, project_a, project_b = setup_projects(servers, args.messages)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # The throttle (per endpoint, per second) would cap the receiver measurement, not the receiver.
        start_web({**env, "WEBHOOK_MAX_DELIVERIES_PER_SECOND": "1000000"}, port, directory, processes)
        default_worker = start_worker("default", "celery", 2, env, directory, processes)
        start_worker("webhooks", "webhooks", 1, env, directory, processes)
        register_webhooks(project_a)
        cookie, session_key = session_cookie(project_a)
        listener = EventListener(port, cookie)
        listener.start()
        if not listener.connected.wait(15) or listener.error:
            raise RuntimeError(f"SSE stream did not open: {listener.error or 'no connected event in 15 s'}")
        bench = Bench(servers, tenant_a.name, project_a, record_pools(project_a, tenant_a))
        print(f"setup: {time.time() - started:.1f} s (pools: "
              f"{', '.join(f'{s} {len(p)}' for s, p in bench.pools.items())})", flush=True)  # fmt: skip
        run_phases(args, bench, project_b)
        servers.wait_deliveries_idle(timeout=15)
        time.sleep(1.0)  # the last events are still on their way to the stream
        report_changes(bench, ["steady", "burst", "during B's sync"])
        report_events(bench, listener)
        report_slowest(bench)
        report_deliveries(bench)
        # B's embedding run may still be going: stopped, so it does not share the cores with the receiver.
        processes.stop_one(default_worker)
        report_receiver(receiver_throughput(bench, port, args.deliveries), args.deliveries)
    finally:
        if listener is not None:
            listener.stop()
        servers.stop()
        if session_key:
            from django.contrib.sessions.models import Session

            Session.objects.filter(session_key=session_key).delete()


def run_phases(args, bench: Bench, project_b) -> None:
    steady = args.changes // 3
    print(f"phase 1: {steady} changes at {args.rate}/s", flush=True)
    phase_steady(bench, "steady", steady, args.rate)
    print(f"phase 2: {args.changes - 2 * steady} changes in bursts of {args.burst}", flush=True)
    phase_bursts(bench, args.changes - 2 * steady, args.burst)
    project_b_sync(project_b)
    print(f"phase 3: {steady} changes at {args.rate}/s during project B's full initial sync", flush=True)
    phase_steady(bench, "during B's sync", steady, args.rate)
    start, finish, jobs = project_b_activity(project_b)
    during = [c for c in bench.changes if c.phase == "during B's sync"]
    loaded = sum(1 for c in during if start <= c.t0 and (finish is None or c.t0 <= finish))
    print(f"  B's jobs: {'; '.join(jobs)}; {loaded} of {len(during)} phase-3 changes made while they ran"
          + ("" if finish else " (still running at the end)"), flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=60, help="source changes in all (a third per phase)")
    parser.add_argument("--rate", type=float, default=2.0, help="changes per second in the steady phases")
    parser.add_argument("--burst", type=int, default=10, help="changes made at once in the burst phase")
    parser.add_argument("--messages", type=int, default=20_000, help="Chatwoot messages of project B's tenant")
    parser.add_argument("--deliveries", type=int, default=500, help="synthetic deliveries for the receiver")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}", flush=True)  # fmt: skip
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the `finally` below stops what was started
    processes = Processes()
    directory = Path(tempfile.mkdtemp(prefix="bench-freshness-"))
    started = time.time()
    failure = ""
    try:
        run(args, processes, directory)
    except RuntimeError as exc:
        failure = f"bench_freshness failed: {exc}\nlogs kept in {directory}"
    except KeyboardInterrupt:
        failure = "interrupted"
    finally:
        processes.stop()  # also on SIGTERM (SystemExit)
        if not failure.startswith("bench_freshness failed"):  # the logs of a failure are kept
            shutil.rmtree(directory, ignore_errors=True)
    if failure:
        sys.exit(failure)
    print(f"\nwall time: {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
