"""`manage.py doctor`: a healthy install passes, and each broken setup fails naming what broke."""

import datetime as dt
import io
import json
import re
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from connectors.models import ConnectorError, ConnectorSyncState, ErrorStatus, ReconciliationMetric, SyncStatus
from connectors.services.configs import connector_config_upsert
from connectors.services.sync import connector_sync
from jobs.models import JobRun, JobStatus
from jobs.schedules import SCHEDULES, schedules_ensure
from jobs.supervision import job_failed, job_succeeded
from rag.models import Chunk, ChunkStatus
from rag.services.embeddings import embeddings_run
from workforce.management.commands.doctor import Command

pytestmark = pytest.mark.django_db
LINE = re.compile(r"^(ok  |warn|fail) {2}(\S.*?) {2}(.*) {2}\(runbooks\.md#([a-z0-9-]+)\)$")
SECRET = "lin_api_DO-NOT-PRINT-4242"


def doctor(*args) -> tuple[str, CommandError | None]:
    """Run the command; return its stdout and the CommandError it raised (None when it passed)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("doctor", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def lines(output: str) -> dict[str, tuple[str, str]]:
    """{check name: (status, detail)}, asserting every line has the documented shape."""
    parsed = {}
    for line in output.splitlines():
        match = LINE.match(line)
        assert match, f"badly formed line: {line!r}"
        parsed[match.group(2)] = (match.group(1).strip(), match.group(3))
    return parsed


@pytest.fixture
def healthy(project, make_user, make_tenant, bind, sleep, offline, django_capture_on_commit_callbacks):
    """Schedules installed and succeeding, beat dispatching, one synced connector, embeddings ready."""
    make_user("root", superuser=True)
    schedules_ensure()
    bind(project, make_tenant(messages=60), sources=("chatwoot",))
    with django_capture_on_commit_callbacks(execute=True):
        assert connector_sync(project=project, source="chatwoot", sleep=sleep).status == "ok"
    embeddings_run(project=project)
    for schedule in SCHEDULES:
        job_succeeded(schedule.name)
    PeriodicTask.objects.filter(name__in=[s.name for s in SCHEDULES]).update(last_run_at=timezone.now())
    return project


def test_a_healthy_install_passes_every_check(healthy):
    output, error = doctor("--project", healthy.name)
    assert error is None, output
    checks = lines(output)
    assert {name: status for name, (status, _) in checks.items() if status != "ok"} == {}
    expected = {"database", "migrations", "redis", "broker", "metrics", "live events", "accounts", "beat",
                "secrets at rest", "workers", "storage", "retention", f"connector {healthy.name}/chatwoot",
                f"errors {healthy.name}", f"hooks {healthy.name}",
                f"project {healthy.name}", f"completeness {healthy.name}", f"embeddings {healthy.name}",
                *(f"job {s.name}" for s in SCHEDULES)}  # fmt: skip
    assert set(checks) == expected
    assert checks["metrics"][1].startswith("app_up 1.0")
    assert re.match(r"\d+ ready, 0 pending, 0 failed$", checks[f"embeddings {healthy.name}"][1])


def test_json_output_carries_the_runbook_link_of_each_check(healthy):
    output, error = doctor("--project", str(healthy.id), "--json")
    assert error is None
    body = json.loads(output)
    assert body["status"] == "ok"
    redis = next(check for check in body["checks"] if check["name"] == "redis")
    assert redis["runbook"] == "docs/operations/runbooks.md#redis-ping"
    assert set(redis) == {"name", "status", "detail", "runbook_anchor", "runbook"}


def test_without_project_every_project_is_checked(healthy, other_project):
    output, error = doctor()
    assert error is None, output
    checks = lines(output)
    assert checks[f"embeddings {healthy.name}"][0] == "ok"
    assert checks[f"connectors {other_project.name}"] == ("warn", "no connector configured: nothing syncs")


def test_a_connector_stuck_in_running_with_a_stale_heartbeat_fails_naming_it(healthy):
    ConnectorSyncState.objects.filter(project=healthy, source="chatwoot").update(
        status=SyncStatus.RUNNING,
        lease_owner="worker-1:4242:deadbeef",
        lease_heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    output, error = doctor("--project", healthy.name)
    assert error is not None
    assert error.returncode == 1
    status, detail = lines(output)[f"connector {healthy.name}/chatwoot"]
    assert status == "fail"
    assert "stuck in running" in detail
    assert "worker-1:4242:deadbeef" in detail
    assert f"fail  connector {healthy.name}/chatwoot  stuck in running" in output
    assert "(runbooks.md#no-connector-stuck-in-running)" in output


def test_a_live_running_sync_is_fine(healthy):
    ConnectorSyncState.objects.filter(project=healthy, source="chatwoot").update(
        status=SyncStatus.RUNNING, lease_owner="worker-1:1:abc", lease_heartbeat_at=timezone.now()
    )
    output, error = doctor("--project", healthy.name)
    assert error is None, output
    assert lines(output)[f"connector {healthy.name}/chatwoot"][0] == "ok"


def test_a_suspended_job_fails(healthy, settings):
    settings.JOB_SUSPEND_AFTER_FAILURES = 2
    for _ in range(2):
        job_failed("retention_cleanup", "RuntimeError: disk on fire")
    output, error = doctor("--project", healthy.name)
    assert error is not None
    status, detail = lines(output)["job retention_cleanup"]
    assert status == "fail"
    assert "suspended after 2 failures" in detail
    assert "/api/jobs/scheduler/retention_cleanup/resume" in detail


def test_a_missing_schedule_fails(healthy):
    PeriodicTask.objects.filter(name="embeddings_run").delete()
    output, error = doctor("--project", healthy.name)
    assert error is not None
    assert lines(output)["job embeddings_run"] == (
        "fail",
        "no django-celery-beat schedule: run `manage.py bootstrap`",
    )


def test_chunks_that_all_failed_fail(healthy):
    Chunk.objects.filter(project=healthy).update(status=ChunkStatus.FAILED, last_error="provider said 400: bad input")
    output, error = doctor("--project", healthy.name)
    assert error is not None
    status, detail = lines(output)[f"embeddings {healthy.name}"]
    assert status == "fail"
    assert re.match(r"0 ready, 0 pending, \d+ failed: provider said 400", detail)


def test_a_pending_backlog_without_ready_chunks_warns_but_passes(healthy):
    Chunk.objects.filter(project=healthy).update(status=ChunkStatus.PENDING)
    output, error = doctor("--project", healthy.name)
    assert error is None
    status, detail = lines(output)[f"embeddings {healthy.name}"]
    assert status == "warn"
    assert "not embedded yet" in detail


def test_a_failing_connector_fails_without_printing_its_secret(project):
    config = connector_config_upsert(
        project=project, source="linear", base_url="http://127.0.0.1:9/graphql", secret=SECRET
    )
    ConnectorSyncState.objects.create(
        project=project,
        source="linear",
        status=SyncStatus.FAILED,
        consecutive_failures=4,
        last_attempt_at=timezone.now(),
        last_error=f"401 from http://127.0.0.1:9/graphql with key {config.secret}",
    )
    output, error = doctor("--project", project.name, "--json")
    assert error is not None
    assert SECRET not in output
    check = next(c for c in json.loads(output)["checks"] if c["name"] == f"connector {project.name}/linear")
    assert check["status"] == "fail"
    assert check["runbook_anchor"] == "connector-sync-fails"
    assert check["detail"].startswith("4 failed runs in a row: 401 from")


def test_an_unknown_project_is_an_error(db):
    _, error = doctor("--project", "No such project")
    assert error is not None
    assert error.returncode == 1
    assert "No such project" in str(error)


def test_the_exit_code_is_1_from_the_command_line_when_a_check_fails(healthy, monkeypatch, capsys):
    Chunk.objects.filter(project=healthy).update(status=ChunkStatus.FAILED)
    # The command closes every connection when it ends; the test's transaction must outlive it.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "doctor", "--project", healthy.name])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert f"fail  embeddings {healthy.name}" in captured.out
    assert "1 fail" in captured.err


def test_dead_letters_low_completeness_and_a_waiting_run_warn_without_failing(healthy):
    ConnectorError.objects.create(project=healthy, source="chatwoot", stream="messages", dedupe_key="page:7",
                                  error_kind="transient", message="503", status=ErrorStatus.DEAD_LETTER)  # fmt: skip
    ReconciliationMetric.objects.create(
        project=healthy, run_id=uuid.uuid4(), source="chatwoot", total=100, missing=9, completeness_pct=91.0
    )
    JobRun.objects.create(
        job="embeddings_run", status=JobStatus.QUEUED, created_at=timezone.now() - dt.timedelta(hours=1)
    )
    output, error = doctor("--project", healthy.name)
    assert error is None, output
    checks = lines(output)
    assert checks[f"errors {healthy.name}"] == ("warn", "1 dead letter(s) (chatwoot 1); 0 open error(s) retrying")
    assert checks[f"completeness {healthy.name}"] == ("warn", "below 95%: chatwoot 91.0% (9 missing, 0 duplicates)")
    assert checks["workers"] == ("warn", "1 run(s) queued for more than 10 min (no worker?)")
