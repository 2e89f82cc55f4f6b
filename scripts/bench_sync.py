"""Sync benchmark: raw upsert throughput (DB stage alone) and end-to-end sync against the sandbox.

    .venv/bin/python scripts/bench_sync.py [--messages 100000]

Prints: DB-stage rows/s of `raw_upsert` (initial load, a no-change re-upsert that must write 0 rows, and a
re-upsert with 5 % of the messages edited), end-to-end rows/s of an initial and an incremental Chatwoot sync,
and the no-change full resync (0 rows written). `--only db` / `--only e2e` runs one half.
Uses its own database (`workforce_bench` on the embedded server unless DATABASE_URL is set).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import urllib.request

from preamble import ROOT, django_setup  # scripts/ is on sys.path when a script runs

django_setup(db_name="workforce_bench")

from bench_summary import summary_add  # scripts/ is on sys.path when a script runs
from django.core.management import call_command
from django.db import connection, transaction

from connectors.models import RAW_MODELS, RawChatwootMessage
from connectors.sources.chatwoot import message_row
from connectors.upsert import raw_upsert
from core.models import AccountScope, Project

BATCH = 10_000


def vacuum_raw_tables() -> None:
    """Clear the dead rows a benchmark project's deletion left, so the next run does not start behind an
    autovacuum worker competing for the two cores (a production table does not lose 100k rows an hour)."""
    with connection.cursor() as cursor:
        for model in RAW_MODELS.values():
            if model.source == "chatwoot":
                cursor.execute(f'VACUUM "{model._meta.db_table}"')


def fresh_project(name: str) -> Project:
    scope, _ = AccountScope.objects.get_or_create(name="Benchmarks")
    Project.objects.filter(account_scope=scope, name=name).delete()
    return Project.objects.create(account_scope=scope, name=name)


def dataset_messages(messages: int) -> list[dict]:
    """Message rows exactly as the Chatwoot connector builds them, from the sandbox's generator."""
    from sandbox import SandboxServers
    from sandbox.chatwoot_views import message

    tenant = SandboxServers().add_tenant(name="bench", seed="bench", messages=messages)
    return [
        message_row(message(tenant, conversation, item), conversation_id=str(conversation.id))
        for conversation in tenant.dataset.conversations.values()
        for item in conversation.messages
    ]


def changed_copy(rows: list[dict], every: int) -> list[dict]:
    """The rows with every `every`-th message edited at the source (new content, so a new payload hash)."""
    edited = []
    for index, row in enumerate(rows):
        if index % every == 0:
            content = f"{row['content']} (edited)"
            row = {**row, "content": content, "raw": {**row["raw"], "content": content}}
        edited.append(row)
    return edited


def db_stage(rows: list[dict], batch: int = BATCH) -> dict:
    """`raw_upsert` in `batch`-row transactions, as a sync commits them (serialisation included: it runs inside the
    COPY loop, overlapping the server's work, so it cannot be timed apart); Python CPU seconds shown beside."""
    project = fresh_project("bench-db-stage")
    passes = (("initial", rows), ("no_change", rows), ("5% changed", changed_copy(rows, 20)))
    timings = {}
    for label, data in passes:
        written, seconds, python_s = 0, 0.0, 0.0
        for start in range(0, len(data), batch):
            started, cpu = time.perf_counter(), time.process_time()
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")  # as the sync's page transactions
                result = raw_upsert(model=RawChatwootMessage, project=project, rows=data[start : start + batch])
            seconds += time.perf_counter() - started
            python_s += time.process_time() - cpu
            written += len(result.changed_ids)
        timings[f"{label} (raw_upsert)"] = {
            "rows_per_s": len(data) / seconds,
            "seconds": seconds,
            "python_s": python_s,
            "written": written,
        }
    project.delete()
    vacuum_raw_tables()
    return timings


def start_sandbox(project: Project, messages: int) -> tuple[subprocess.Popen, dict]:
    argv = [sys.executable, str(ROOT / "manage.py"), "sandbox", "--bind", str(project.id), "--messages", str(messages),
            "--seed", "bench"]  # fmt: skip
    process = subprocess.Popen(argv, cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, text=True)
    for line in process.stdout:
        if line.startswith("sandbox ready:"):
            return process, json.loads(line.split(":", 1)[1].rsplit("(", 1)[0])
    raise RuntimeError("sandbox did not start")


def mutate(url: str, **body) -> dict:
    request = urllib.request.Request(
        f"{url}/_sandbox/mutate", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def end_to_end(messages: int) -> dict:
    from connectors.models import ConnectorConfig
    from connectors.services.sync import connector_sync

    project = fresh_project("bench-end-to-end")
    sandbox, urls = start_sandbox(project, messages)
    try:
        ConnectorConfig.objects.filter(project=project).update(rate_limit_per_second=10_000)
        results = {}
        for label, kwargs in (("initial", {}), ("incremental", {"mutation": 1000}), ("no_change_full", {"full": True})):
            if kwargs.pop("mutation", None):
                mutate(urls["chatwoot"], tenant="bench", action="new_messages", count=1000)
            started = time.perf_counter()
            run = connector_sync(project=project, source="chatwoot", trigger="bench", **kwargs)
            seconds = time.perf_counter() - started
            fetched = sum(c["fetched"] for c in run.counts.values())
            written = sum(c["inserted"] + c["updated"] for c in run.counts.values())
            results[label] = {"status": run.status, "fetched": fetched, "written": written, "seconds": seconds,
                              "rows_per_s": fetched / seconds if seconds else 0.0}  # fmt: skip
        return results
    finally:
        sandbox.terminate()
        sandbox.wait()
        project.delete()
        vacuum_raw_tables()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--only", choices=("db", "e2e"), help="run only the DB stage or only the end-to-end syncs")
    parser.add_argument("--batch", type=int, default=BATCH, help="rows per DB-stage transaction (default 10,000)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}")  # fmt: skip
    print(f"{'measure':58} {'rows/s':>10} {'rows':>8} {'written':>8} {'seconds':>8}")
    if args.only != "e2e":
        rows = dataset_messages(args.messages)
        for label, figures in db_stage(rows, args.batch).items():
            print(f"{'DB stage, ' + label:58} {figures['rows_per_s']:>10.0f} {len(rows):>8} "
                  f"{figures['written']:>8} {figures['seconds']:>8.2f}  (Python CPU {figures['python_s']:.2f} s)",
                  flush=True)  # fmt: skip
            goal = "≥ 50,000 rows/s" if label.startswith("initial") else ""
            summary_add("sync", f"DB stage {label}", figures["rows_per_s"], "rows/s", better="higher", goal=goal)
    if args.only != "db":
        for label, figures in end_to_end(args.messages).items():
            print(f"{'end-to-end Chatwoot sync, ' + label:58} {figures['rows_per_s']:>10.0f} {figures['fetched']:>8} "
                  f"{figures['written']:>8} {figures['seconds']:>8.2f}  ({figures['status']})")  # fmt: skip
            goal = "≥ 3,000 rows/s" if label.startswith("initial") else ""
            summary_add("sync", f"end-to-end {label}", figures["rows_per_s"], "rows/s", better="higher", goal=goal)


if __name__ == "__main__":
    main()
