"""A worker killed mid-sync is cleaned up by itself within a minute: the stale-work sweep (every 20 s) turns its
stale lease into a `failed` connector (`stale_lease`), closes the SyncRun and the JobRun recording it, tells the
dashboard, and a second sweep changes nothing."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from connectors.models import ConnectorSyncState, RawChatwootConversation, RawChatwootMessage, SyncRun
from connectors.services.sync import connector_sync
from jobs import tasks as job_tasks
from jobs.models import JobRun
from jobs.schedules import SCHEDULES
from tests.support.harness import database_url

ROOT = Path(__file__).resolve().parents[2]
STALE = dt.timedelta(seconds=601)  # just past CONNECTOR_LEASE_STALE_SECONDS (600)


def kill_a_sync_mid_run(project, sandbox) -> None:
    """`manage.py sync` in a real process, SIGKILLed while it fetches (slow) messages: nothing of it cleans up."""
    sandbox.add_fault(service="chatwoot", path="/messages", kind="slow", delay_ms=1000, times=-1)
    env = dict(os.environ, DATABASE_URL=database_url(connection.settings_dict["NAME"]))  # the test database
    command = [sys.executable, "manage.py", "sync", "--project", str(project.id), "--connector", "chatwoot",
               "--no-progress"]  # fmt: skip
    worker = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while not RawChatwootConversation.objects.filter(project=project).exists():
            assert time.monotonic() < deadline, "the sync never stored a page"
            time.sleep(0.2)
        time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    sandbox.clear_faults()


def sweep() -> dict:
    result = job_tasks.stale_work_sweep.apply()
    assert result.successful(), result.traceback
    return result.result


# Autocommit, as in production: events go out when each change commits.
@pytest.mark.django_db(transaction=True)
def test_a_killed_syncs_lease_is_recovered_by_the_sweep_and_a_second_sweep_changes_nothing(
    studio, make_tenant, bind, sandbox, sleep, published
):
    tenant = make_tenant()
    bind(studio, tenant, sources=["chatwoot"])
    kill_a_sync_mid_run(studio, sandbox)
    state = ConnectorSyncState.objects.get(project=studio, source="chatwoot")
    run = SyncRun.objects.get(pk=state.current_run_id)
    job = JobRun.objects.get(pk=run.job_run_id)  # the run records which JobRun it belongs to
    assert (state.status, run.status, job.status) == ("running", "running", "running")

    assert sweep()["stale_leases_recovered"] == 0  # a lease heartbeated moments ago is a live run's
    assert ConnectorSyncState.objects.get(pk=state.pk).status == "running"
    assert JobRun.objects.get(pk=job.pk).status == "running"  # alive by its lease, whatever its age

    # The dead worker stops heartbeating; pretend the stale window passed.
    ConnectorSyncState.objects.filter(pk=state.pk).update(lease_heartbeat_at=timezone.now() - STALE)
    published.clear()
    counts = sweep()

    assert counts["stale_leases_recovered"] == 1
    state.refresh_from_db()
    assert state.status == "failed"
    assert state.last_error.startswith("stale_lease")
    assert (state.lease_owner, state.lease_heartbeat_at, state.consecutive_failures) == ("", None, 1)
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "stale_lease")
    assert run.finished_at is not None
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error.startswith("stale_lease")
    assert job.finished_at is not None
    events = [(kind, data) for project_id, kind, data in published if project_id == studio.pk]
    assert ("connector_sync_progress", {"connector": "chatwoot", "status": "failed", "run_id": str(run.pk),
                                        "error": "stale_lease"}) in events  # fmt: skip
    assert any(kind == "job_completed" and data["run_id"] == str(job.pk) for kind, data in events)
    recorded = JobRun.objects.get(job="stale_work_sweep")
    assert recorded.counts["stale_leases_recovered"] == 1

    published.clear()
    updated_at = state.updated_at
    assert sweep() == {"stale_leases_recovered": 0, "job_runs_closed": 0}
    assert published == []
    assert ConnectorSyncState.objects.get(pk=state.pk).updated_at == updated_at
    assert JobRun.objects.filter(job="stale_work_sweep").count() == 1  # a sweep that found nothing records nothing

    # The next sync starts afresh and completes what the dead one began, without duplicates.
    assert connector_sync(project=studio, source="chatwoot", sleep=sleep).status == "ok"
    assert RawChatwootMessage.objects.filter(project=studio).count() == tenant.dataset.counts()["messages"]


def test_the_sweep_is_scheduled_often_enough_to_recover_within_a_minute():
    from workforce.celery import app

    app.loader.import_default_modules()
    schedule = SCHEDULES.by_name("stale_work_sweep")
    assert schedule is not None
    assert schedule.every_seconds <= 30
    assert schedule.task == "jobs.tasks.stale_work_sweep"
    assert schedule.task in app.tasks
