"""Retention cleanup (ARCHITECTURE §12): batches, oldest first, what is never deleted, the job, the lag metric."""

import datetime as dt
import io
import re
import uuid

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from connectors.models import (
    ConnectorConfig,
    ConnectorError,
    ConnectorSyncState,
    ReconciliationMetric,
    SyncRun,
    WebhookDelivery,
    WebhookEndpoint,
)
from core.models import IdempotencyRecord
from jobs.models import JobRun, JobStatus, ScheduledJobState
from jobs.retention import (
    LAG_METRIC,
    RETENTION_TARGETS,
    RetentionCleanupFailed,
    RetentionTarget,
    retention_cleanup,
    retention_cleanup_job,
    retention_lag_days,
)
from rag.models import Feedback, QueryRun

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TABLES = {
    "django_session",
    "workforce_idempotencyrecord",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "audit_auditevent",
    "audit_jobrun",
    "connectors_connectorerror",
    "connectors_syncrun",
    "connector_reconciliation_metrics",
    "connector_webhook_deliveries",
    "lightrag_query_runs",
}


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def event(age_days: float) -> AuditEvent:
    return AuditEvent.objects.create(action="test.retention", actor_label="test", created_at=days_ago(age_days))


def job_run(age_days: float, status: str = JobStatus.SUCCEEDED) -> JobRun:
    return JobRun.objects.create(job="demo_job", status=status, created_at=days_ago(age_days))


def connector_error(project, *, status: str, resolved_days: float | None = None, age_days: float = 500):
    return ConnectorError.objects.create(
        project=project,
        source="linear",
        stream="issues",
        dedupe_key=f"issues:page:{uuid.uuid4()}",
        error_kind="server_error",
        message="HTTP 500",
        status=status,
        created_at=days_ago(age_days),
        resolved_at=days_ago(resolved_days) if resolved_days is not None else None,
    )


def sync_run(project, age_days: float, status: str = "ok", source: str = "linear") -> SyncRun:
    return SyncRun.objects.create(project=project, source=source, status=status, started_at=days_ago(age_days))


def metric(project, source: str, age_days: float) -> ReconciliationMetric:
    return ReconciliationMetric.objects.create(
        project=project, run_id=uuid.uuid4(), source=source, created_at=days_ago(age_days)
    )


def webhook_delivery(project, age_days: float) -> WebhookDelivery:
    config, _ = ConnectorConfig.objects.get_or_create(
        project=project, source="linear", defaults={"base_url": "http://127.0.0.1:9/linear"}
    )
    endpoint, _ = WebhookEndpoint.objects.get_or_create(
        config=config, defaults={"project": project, "source": "linear", "token_hash": uuid.uuid4().hex}
    )
    return WebhookDelivery.objects.create(project=project, endpoint=endpoint, source="linear", status="applied",
                                          delivery_key=str(uuid.uuid4()), received_at=days_ago(age_days))  # fmt: skip


def query_run(project, age_days: float, *, feedback: int = 0) -> QueryRun:
    run = QueryRun.objects.create(project=project, query="pricing?", created_at=days_ago(age_days))
    for _ in range(feedback):
        Feedback.objects.create(project=project, query_run=run, rating=1)
    return run


def session(expires_in_days: float) -> Session:
    return Session.objects.create(session_key=uuid.uuid4().hex, session_data="e30:",
                                  expire_date=NOW + dt.timedelta(days=expires_in_days))  # fmt: skip


def idempotency_record(age_hours: float) -> IdempotencyRecord:
    return IdempotencyRecord.objects.create(caller="user:1", key=uuid.uuid4().hex, method_path="POST /api/projects",
                                            request_hash="h", status_code=201, response_body={},
                                            created_at=NOW - dt.timedelta(hours=age_hours))  # fmt: skip


def axes_row(model, age_seconds: float, **extra):
    """An axes row as old as asked (`attempt_time` is auto_now_add, so it is set after the insert)."""
    fields = {"user_agent": "curl", "ip_address": "203.0.113.9", "username": "mallory", "http_accept": "*/*",
              "path_info": "/api/auth/login", **extra}  # fmt: skip
    if model is AccessAttempt:
        fields.update(get_data="", post_data="", failures_since_start=3, user_agent=uuid.uuid4().hex)
    row = model.objects.create(**fields)
    model.objects.filter(pk=row.pk).update(attempt_time=NOW - dt.timedelta(seconds=age_seconds))
    return row


def exists(row) -> bool:
    return type(row).objects.filter(pk=row.pk).exists()


def test_every_table_of_the_architecture_is_registered_once():
    assert set(RETENTION_TARGETS) == TABLES
    assert {target.table for target in RETENTION_TARGETS.values()} == TABLES


def test_old_rows_go_oldest_first_in_batches_and_young_rows_stay(settings):
    settings.RETENTION_AUDIT_EVENTS_DAYS = 365
    old = [event(age) for age in (404, 403, 402, 401, 400)]  # oldest first
    young = [event(364), event(1)]

    first = retention_cleanup(batch_size=2, now=NOW)["tables"]["audit_auditevent"]
    assert first["deleted"] == 2
    assert first["remaining_overdue"] == 3
    assert first["lag_days"] == pytest.approx(402 - 365, abs=0.01)
    assert not exists(old[0])
    assert not exists(old[1])
    assert all(exists(row) for row in old[2:])

    second = retention_cleanup(batch_size=2, now=NOW)["tables"]["audit_auditevent"]
    assert second == {"deleted": 2, "remaining_overdue": 1, "lag_days": pytest.approx(400 - 365, abs=0.01)}
    assert exists(old[4])
    assert not exists(old[2])

    last = retention_cleanup(batch_size=2, now=NOW)["tables"]["audit_auditevent"]
    assert last == {"deleted": 1, "remaining_overdue": 0, "lag_days": 0.0}
    assert all(exists(row) for row in young)


def test_the_default_batch_size_comes_from_the_settings(settings):
    settings.RETENTION_BATCH_SIZE = 3
    for age in range(400, 405):
        event(age)
    result = retention_cleanup(now=NOW)["tables"]["audit_auditevent"]
    assert (result["deleted"], result["remaining_overdue"]) == (3, 2)


def test_only_resolved_connector_errors_go_aged_by_resolution(project, settings):
    settings.RETENTION_CONNECTOR_ERRORS_DAYS = 90
    old_resolved = connector_error(project, status="resolved", resolved_days=91)
    recently_resolved = connector_error(project, status="resolved", resolved_days=10, age_days=400)
    open_error = connector_error(project, status="open")
    dead_letter = connector_error(project, status="dead_letter")

    result = retention_cleanup(now=NOW)["tables"]["connectors_connectorerror"]

    assert result == {"deleted": 1, "remaining_overdue": 0, "lag_days": 0.0}
    assert not exists(old_resolved)
    assert exists(recently_resolved)
    assert exists(open_error)
    assert exists(dead_letter)


def test_queued_and_running_job_runs_stay(settings):
    settings.RETENTION_JOB_RUNS_DAYS = 90
    finished = [job_run(100, status) for status in ("succeeded", "failed", "partial", "skipped")]
    live = [job_run(200, JobStatus.QUEUED), job_run(200, JobStatus.RUNNING)]
    young = job_run(89)

    result = retention_cleanup(now=NOW)["tables"]["audit_jobrun"]

    assert result["deleted"] == 4
    assert result["remaining_overdue"] == 0
    assert not any(exists(run) for run in finished)
    assert all(exists(run) for run in live)
    assert exists(young)


def test_running_sync_runs_and_a_connectors_current_run_stay(project, settings):
    settings.RETENTION_SYNC_RUNS_DAYS = 90
    old = sync_run(project, 120)
    running = sync_run(project, 150, status="running")
    current = sync_run(project, 100, source="attio")
    state = ConnectorSyncState.objects.create(project=project, source="attio", status="ok", current_run=current)
    young = sync_run(project, 30)

    result = retention_cleanup(now=NOW)["tables"]["connectors_syncrun"]

    assert result == {"deleted": 1, "remaining_overdue": 0, "lag_days": 0.0}
    assert not exists(old)
    assert exists(running)
    assert exists(young)
    state.refresh_from_db()
    assert state.current_run_id == current.pk


def test_the_latest_reconciliation_metric_of_a_connector_stays_however_old(project, other_project, settings):
    settings.RETENTION_RECONCILIATION_METRICS_DAYS = 365
    older, old_latest = metric(project, "linear", 500), metric(project, "linear", 400)
    only_attio = metric(project, "attio", 600)
    other_latest = metric(other_project, "linear", 450)
    recent = [metric(project, "chatwoot", 700), metric(project, "chatwoot", 3)]

    result = retention_cleanup(now=NOW)["tables"]["connector_reconciliation_metrics"]

    assert result == {"deleted": 2, "remaining_overdue": 0, "lag_days": 0.0}
    assert not exists(older)
    assert not exists(recent[0])
    assert all(exists(row) for row in (old_latest, only_attio, other_latest, recent[1]))


def test_feedback_goes_with_its_query_run(project, settings):
    settings.RETENTION_QUERY_RUNS_DAYS = 180
    old = query_run(project, 181, feedback=2)
    young = query_run(project, 179, feedback=1)

    result = retention_cleanup(now=NOW)["tables"]["lightrag_query_runs"]

    assert result["deleted"] == 1
    assert not exists(old)
    assert not Feedback.objects.filter(query_run_id=old.pk).exists()
    assert exists(young)
    assert Feedback.objects.filter(query_run=young).count() == 1


def test_a_second_run_deletes_nothing_more_than_is_due(project):
    kept = [event(10), job_run(10), sync_run(project, 10), metric(project, "linear", 10), query_run(project, 10),
            webhook_delivery(project, 10), session(1), idempotency_record(1), axes_row(AccessAttempt, 60),
            axes_row(AccessLog, 86400), axes_row(AccessFailureLog, 86400)]  # fmt: skip
    session(-1)
    idempotency_record(25)
    axes_row(AccessAttempt, 3600)
    axes_row(AccessLog, 31 * 86400)
    axes_row(AccessFailureLog, 31 * 86400)
    webhook_delivery(project, 100)
    event(400)
    job_run(100)
    sync_run(project, 100)
    metric(project, "linear", 400)
    query_run(project, 200, feedback=1)
    connector_error(project, status="resolved", resolved_days=100)

    first = retention_cleanup(now=NOW)["tables"]
    # One overdue row per table (the old metric is not its connector's latest: the young one is).
    assert {table: entry["deleted"] for table, entry in first.items()} == dict.fromkeys(TABLES, 1)
    second = retention_cleanup(now=NOW)["tables"]
    assert all(entry == {"deleted": 0, "remaining_overdue": 0, "lag_days": 0.0} for entry in second.values())
    assert all(exists(row) for row in kept)


def test_expired_sessions_go_and_live_ones_stay():
    expired = [session(-30), session(-0.01)]
    live = [session(0.01), session(14)]
    result = retention_cleanup(now=NOW)["tables"]["django_session"]
    assert (result["deleted"], result["remaining_overdue"]) == (2, 0)
    assert not any(exists(row) for row in expired)
    assert all(exists(row) for row in live)


def test_idempotency_records_go_after_their_ttl(settings):
    settings.IDEMPOTENCY_TTL_HOURS = 24
    old, fresh = idempotency_record(25), idempotency_record(23)
    result = retention_cleanup(now=NOW)["tables"]["workforce_idempotencyrecord"]
    assert (result["deleted"], result["remaining_overdue"]) == (1, 0)
    assert not exists(old)
    assert exists(fresh)
    settings.IDEMPOTENCY_TTL_HOURS = 1
    assert retention_cleanup(now=NOW)["tables"]["workforce_idempotencyrecord"]["deleted"] == 1
    assert not exists(fresh)


def test_login_attempts_go_after_their_cool_off_and_logs_after_their_retention(settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(seconds=900)
    settings.RETENTION_LOGIN_LOGS_DAYS = 30
    cooled, cooling = axes_row(AccessAttempt, 901), axes_row(AccessAttempt, 899)
    old_logs = [axes_row(AccessLog, 31 * 86400), axes_row(AccessFailureLog, 31 * 86400, locked_out=True)]
    young_logs = [axes_row(AccessLog, 29 * 86400), axes_row(AccessFailureLog, 29 * 86400)]

    tables = retention_cleanup(now=NOW)["tables"]

    assert tables["axes_accessattempt"]["deleted"] == 1
    assert (tables["axes_accesslog"]["deleted"], tables["axes_accessfailurelog"]["deleted"]) == (1, 1)
    assert not exists(cooled)
    assert exists(cooling)  # a lockout still in force is never lifted by the cleanup
    assert not any(exists(row) for row in old_logs)
    assert all(exists(row) for row in young_logs)


def test_a_lockout_outlives_the_cleanup_until_its_cool_off_is_over(api, make_user):
    from conftest import PASSWORD

    make_user("lena")
    for _ in range(10):  # LOGIN_FAILURE_LIMIT
        assert api.login("lena", "wrong password").status_code != 200
    assert api.login("lena", PASSWORD).status_code != 200  # locked out
    retention_cleanup()
    assert AccessAttempt.objects.filter(username="lena").exists()
    assert api.login("lena", PASSWORD).status_code != 200  # still locked out

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(seconds=901))  # the cool-off passes
    assert retention_cleanup()["tables"]["axes_accessattempt"]["deleted"] == 1
    assert api.login("lena", PASSWORD).status_code == 200


def test_the_scheduled_task_name_resolves():
    from jobs.schedules import SCHEDULES
    from workforce.celery import app

    app.loader.import_default_modules()
    assert SCHEDULES.by_name("retention_cleanup").task == "jobs.tasks.retention_cleanup"
    assert "jobs.tasks.retention_cleanup" in app.tasks


def test_the_task_records_a_job_run_with_the_counts():
    from jobs.tasks import retention_cleanup as task

    event(400)
    result = task.apply().get()

    run = JobRun.objects.get(job="retention_cleanup")
    assert run.project_id is None
    assert run.status == JobStatus.SUCCEEDED
    assert run.counts == result
    assert run.counts["tables"]["audit_auditevent"]["deleted"] == 1
    assert set(run.counts["tables"]) == TABLES
    # Job supervision sees the run like any scheduled job's.
    assert ScheduledJobState.objects.get(name="retention_cleanup").last_status == "succeeded"


def test_a_failure_closes_the_job_run_as_failed_and_propagates(monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr("jobs.retention.retention_cleanup", broken)
    with pytest.raises(DatabaseError):
        retention_cleanup_job()
    run = JobRun.objects.get(job="retention_cleanup")
    assert run.status == JobStatus.FAILED
    assert "disk full" in run.error


def test_a_broken_table_does_not_stop_the_others(monkeypatch):
    def broken_queryset():
        raise DatabaseError("relation does not exist")

    monkeypatch.setitem(
        RETENTION_TARGETS,
        "broken_table",
        RetentionTarget("broken_table", broken_queryset, "created_at", "RETENTION_AUDIT_EVENTS_DAYS"),
    )
    old = event(400)
    with pytest.raises(RetentionCleanupFailed) as failure:
        retention_cleanup_job()
    assert not exists(old)
    assert failure.value.result["tables"]["audit_auditevent"]["deleted"] == 1
    run = JobRun.objects.get(job="retention_cleanup")
    assert run.status == JobStatus.FAILED
    assert "broken_table" in run.error
    assert run.counts["tables"]["audit_auditevent"]["deleted"] == 1


def scrape() -> str:
    response = Client().get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


def lag_sample(text: str, table: str) -> float | None:
    match = re.search(rf'^{LAG_METRIC}{{table="{re.escape(table)}"}} ([0-9.e+-]+)$', text, re.MULTILINE)
    return float(match.group(1)) if match else None


def test_metrics_show_the_lag_of_every_table(project, settings):
    settings.RETENTION_AUDIT_EVENTS_DAYS = 365
    settings.RETENTION_QUERY_RUNS_DAYS = 180
    event(400)
    event(10)
    query_run(project, 190)

    text = scrape()

    assert lag_sample(text, "audit_auditevent") == pytest.approx(35, abs=0.01)
    assert lag_sample(text, "lightrag_query_runs") == pytest.approx(10, abs=0.01)
    for table in TABLES - {"audit_auditevent", "lightrag_query_runs"}:
        assert lag_sample(text, table) == 0.0
    assert retention_lag_days()["audit_auditevent"] == pytest.approx(35, abs=0.01)

    retention_cleanup()
    assert all(lag_sample(scrape(), table) == 0.0 for table in TABLES)


def test_the_command_dry_run_deletes_nothing(project):
    old = [event(400), event(401), event(402)]
    out = io.StringIO()
    call_command("retention_cleanup", "--dry-run", "--batch-size", "2", stdout=out)
    text = out.getvalue()
    assert all(exists(row) for row in old)
    assert "would delete" in text
    assert "Dry run: nothing was deleted." in text
    line = next(line for line in text.splitlines() if line.startswith("audit_auditevent"))
    assert line.split()[1:4] == ["365", "2", "1"]  # days, would delete, remaining overdue
    assert float(line.split()[4]) == pytest.approx(400 - 365, abs=0.01)
    assert not JobRun.objects.filter(job="retention_cleanup").exists()


def test_the_command_deletes_and_records_a_manual_run():
    old = [event(400), event(401), event(402)]
    out = io.StringIO()
    call_command("retention_cleanup", "--batch-size", "2", stdout=out)
    assert sum(exists(row) for row in old) == 1
    assert exists(old[0])
    line = next(line for line in out.getvalue().splitlines() if line.startswith("audit_auditevent"))
    assert line.split()[1:4] == ["365", "2", "1"]
    run = JobRun.objects.get(job="retention_cleanup")
    assert (run.trigger, run.status) == ("manual", JobStatus.SUCCEEDED)

    with pytest.raises(CommandError):
        call_command("retention_cleanup", "--batch-size", "0", stdout=io.StringIO())
