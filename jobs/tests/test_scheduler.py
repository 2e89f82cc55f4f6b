"""Scheduled jobs: listing, supervision (backoff, suspension after 10 failures, resume), tick and status."""

import datetime as dt

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from audit.models import AuditEvent
from connectors import tasks as connector_tasks
from connectors.services import queue as connector_queue
from connectors.services.sync import connector_sync
from core.models import Membership, Role
from jobs.models import JobRun, ScheduledJobState
from jobs.schedules import SCHEDULES, schedules_ensure
from jobs.supervision import backoff_seconds, job_failed

pytestmark = pytest.mark.django_db


@pytest.fixture
def schedules(db):
    schedules_ensure()


def _job(api, name):
    response = api.get("/api/jobs/scheduler")
    assert response.status_code == 200
    return next(job for job in response.json()["jobs"] if job["name"] == name)


def _failing_cycle(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database of a source exploded")

    monkeypatch.setattr(connector_queue.state_service, "leases_recover_all", broken)


def test_scheduler_lists_every_schedule_with_cadence_and_next_run(owner_api, schedules):
    jobs = owner_api.get("/api/jobs/scheduler").json()["jobs"]
    assert [job["name"] for job in jobs] == [s.name for s in SCHEDULES]
    cadence = {job["name"]: job["cadence_seconds"] for job in jobs}
    assert cadence == {
        "stale_work_sweep": 20,
        "connectors_hook_failures_repair": 60,
        "connectors_sync_cycle": 900,
        "connector_errors_retry": 300,
        "embeddings_run": 1200,
        "connectors_deletions_sweep": 1800,
        "connectors_reconciliation_daily": 86400,
        "retention_cleanup": 43200,
    }
    # Most frequent first.
    assert [job["cadence"] for job in jobs] == ["PT20S", "PT1M", "PT5M", "PT15M", "PT20M", "PT30M", "PT12H", "P1D"]
    assert all(job["enabled"] and not job["suspended"] for job in jobs)
    # Never run: beat counts the first interval from its own start, so no time is promised.
    assert {job["next_run_at"] for job in jobs} == {None}
    ran = timezone.now() - dt.timedelta(minutes=1)
    PeriodicTask.objects.filter(name="connectors_sync_cycle").update(last_run_at=ran)
    next_run = _job(owner_api, "connectors_sync_cycle")["next_run_at"]
    assert next_run.startswith((ran + dt.timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M"))


def test_a_failing_scheduled_job_backs_off_then_is_suspended_and_can_be_resumed(
    owner_api, owner, schedules, monkeypatch
):
    owner.is_staff = True  # schedules are global: their errors and resuming them are for staff
    owner.save(update_fields=["is_staff"])
    _failing_cycle(monkeypatch)
    for attempt in range(1, 11):
        result = connector_tasks.connectors_sync_cycle.apply()
        assert result.failed()
        state = ScheduledJobState.objects.get(name="connectors_sync_cycle")
        assert state.consecutive_failures == attempt
        assert state.backoff_until > timezone.now() + dt.timedelta(seconds=backoff_seconds(attempt) - 5)
    # Each failed run is closed as failed with its error, none left "running".
    runs = JobRun.objects.filter(job="connectors_sync_cycle")
    assert runs.count() == 10
    assert set(runs.values_list("status", flat=True)) == {"failed"}
    assert "exploded" in runs.first().error

    task = PeriodicTask.objects.get(name="connectors_sync_cycle")
    assert task.enabled is False
    assert task.start_time is not None
    job = _job(owner_api, "connectors_sync_cycle")
    assert job["suspended"]
    assert not job["enabled"]
    assert job["next_run_at"] is None
    assert "exploded" in job["last_error"]
    assert job["consecutive_failures"] == 10
    assert AuditEvent.objects.filter(action="job.suspended", entity_id="connectors_sync_cycle").count() == 1

    response = owner_api.post("/api/jobs/scheduler/connectors_sync_cycle/resume")
    assert response.status_code == 200, response.json()
    assert response.json()["enabled"]
    assert not response.json()["suspended"]
    task.refresh_from_db()
    assert task.enabled
    assert task.start_time is None

    monkeypatch.undo()
    assert connector_tasks.connectors_sync_cycle.apply().successful()
    state = ScheduledJobState.objects.get(name="connectors_sync_cycle")
    assert (state.consecutive_failures, state.last_status, state.backoff_until) == (0, "succeeded", None)


def test_backoff_grows_and_is_capped(settings):
    settings.JOB_BACKOFF_BASE_SECONDS, settings.JOB_BACKOFF_MAX_SECONDS = 60, 3600
    assert [backoff_seconds(n) for n in (1, 2, 3, 7, 8, 30)] == [60, 120, 240, 3600, 3600, 3600]


def test_only_staff_resume_and_unknown_jobs_are_403_for_others(api, make_user, project, schedules):
    pm = make_user("pia-pm")
    Membership.objects.create(user=pm, project=project, role=Role.PM)
    api.login(pm.username)
    api.select(project)
    job_failed("retention_cleanup", "boom")
    response = api.post("/api/jobs/scheduler/retention_cleanup/resume")
    assert response.status_code == 403
    assert ScheduledJobState.objects.get(name="retention_cleanup").consecutive_failures == 1
    assert api.post("/api/jobs/scheduler/nope/resume").status_code == 403


def test_unknown_job_is_404_for_staff(owner_api, owner, schedules):
    owner.is_staff = True
    owner.save(update_fields=["is_staff"])
    response = owner_api.post("/api/jobs/scheduler/nope/resume")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.django_db(transaction=True)
def test_tick_starts_what_is_due_for_the_active_project_only(
    owner_api, project, other_project, make_tenant, bind, schedules
):
    tenant = make_tenant()
    bind(project, tenant)
    bind(other_project, make_tenant(seed="other"))
    response = owner_api.post("/api/jobs/scheduler/tick", {"limit": 2})
    assert response.status_code == 200, response.json()
    started = response.json()["started"]
    assert len(started) == 2
    assert {item["job"] for item in started} <= {"attio_sync", "chatwoot_sync", "linear_sync"}
    runs = JobRun.objects.filter(pk__in=[item["run_id"] for item in started])
    assert {run.project_id for run in runs} == {project.pk}
    assert not JobRun.objects.filter(project=other_project).exists()

    # A second tick starts the connector left out, plus the reconciliation that is due.
    started = owner_api.post("/api/jobs/scheduler/tick", {}).json()["started"]
    assert "connectors_reconciliation" in {item["job"] for item in started}
    # Everything due is queued (no worker here): another tick does not queue it twice.
    assert owner_api.post("/api/jobs/scheduler/tick", {}).json()["started"] == []
    assert AuditEvent.objects.filter(project=project, action="jobs.tick").count() == 3


@pytest.mark.parametrize(
    "body", [{"limit": 0}, {"limit": "lots"}, {"limit": 51}, {"limits": 3}, {"limit": "5"}, {"limit": True}]
)
def test_tick_rejects_bad_input_naming_the_field(owner_api, schedules, body):
    response = owner_api.post("/api/jobs/scheduler/tick", body)
    assert response.status_code == 400
    assert set(response.json()["detail"]) == set(body)


@pytest.mark.parametrize("raw", ["[]", "null", "0", '""'])
def test_tick_refuses_a_body_that_is_not_an_object(owner_api, schedules, raw):
    """These were taken as an empty object (they are falsy), and started runs."""
    response = owner_api.post("/api/jobs/scheduler/tick", raw=raw)
    assert response.status_code == 400
    assert "body" in response.json()["detail"]


def test_viewers_cannot_tick(api, make_user, project, schedules):
    viewer = make_user("vic-viewer")
    Membership.objects.create(user=viewer, project=project, role=Role.VIEWER)
    api.login(viewer.username)
    api.select(project)
    assert api.post("/api/jobs/scheduler/tick", {}).status_code == 403
    assert api.get("/api/jobs/scheduler").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_status_aggregates_the_projects_runs_counts_storage_and_cursors(
    owner_api, owner, project, other_project, make_tenant, bind, sleep, schedules
):
    owner.is_staff = True  # the database's size is for staff
    owner.save(update_fields=["is_staff"])
    bind(project, make_tenant(messages=60))
    connector_sync(project=project, source="chatwoot", sleep=sleep)
    bind(other_project, make_tenant(seed="other", messages=90))
    connector_sync(project=other_project, source="chatwoot", sleep=sleep)

    body = owner_api.get("/api/jobs/status").json()
    # The sync left pending chunks, so it queued an embeddings run at once (the cascade).
    jobs = {run["job"]: run for run in body["jobs"]}
    assert set(jobs) == {"chatwoot_sync", "embeddings_run"}
    assert jobs["chatwoot_sync"]["status"] == "succeeded"
    assert jobs["embeddings_run"]["trigger"] == "cascade"
    assert body["entities"]["raw"]["chatwoot.messages"] == 60
    assert body["entities"]["raw"]["linear.issues"] == 0
    assert set(body["entities"]["crm"]) == {"accounts", "contacts", "opportunities", "stage_events"}
    assert set(body["rag_counts"]) == {"pending", "processing", "ready", "failed"}
    storage = body["storage"]
    assert storage["database_bytes"] > 0
    assert storage["budget_bytes"] == 20 * 1024**3
    assert 0 < storage["usage_percent"] < 100
    assert body["cursors"]["chatwoot"]["cursors"]["conversations"]["last_activity_at"] > 0
    assert set(body["cursors"]) == {"chatwoot"}


@pytest.mark.django_db(transaction=True)
def test_per_project_tick_tasks_record_their_outcome_on_the_queued_run(project, make_tenant, bind):
    from connectors.tasks import connector_errors_retry_project, connectors_reconciliation_project
    from jobs.models import JobRun

    bind(project, make_tenant(), sources=["attio"])
    reconcile = JobRun.objects.create(
        job="connectors_reconciliation", project=project, account_scope_id=project.account_scope_id, trigger="tick"
    )
    retry = JobRun.objects.create(
        job="connector_errors_retry", project=project, account_scope_id=project.account_scope_id, trigger="tick"
    )
    assert connectors_reconciliation_project.apply(args=(str(project.pk), str(reconcile.id))).successful()
    assert connector_errors_retry_project.apply(args=(str(project.pk), str(retry.id))).successful()
    reconcile.refresh_from_db()
    retry.refresh_from_db()
    assert reconcile.status == "succeeded"
    assert reconcile.counts["completeness_pct"] >= 0
    assert reconcile.started_at is not None
    assert (retry.status, retry.counts["due"]) == ("succeeded", 0)
    again = connectors_reconciliation_project.apply(args=(str(project.pk), str(reconcile.id)))  # a redelivery
    assert again.result == {"skipped": f"run {reconcile.id} is already succeeded"}
    orphan = JobRun.objects.create(job="connectors_reconciliation", trigger="tick")
    gone = connectors_reconciliation_project.apply(args=("00000000-0000-4000-8000-000000000000", str(orphan.id)))
    assert gone.result == {"skipped": "run or project no longer exists"}
    orphan.refresh_from_db()
    assert orphan.status == "skipped"


def test_a_run_queued_inside_a_transaction_reaches_the_broker_only_after_commit(
    project, settings, django_capture_on_commit_callbacks
):
    import redis as redis_client

    from jobs.services import job_queue

    broker = redis_client.Redis.from_url(settings.CELERY_BROKER_URL)
    before = broker.llen("celery")
    with django_capture_on_commit_callbacks() as callbacks:  # the test transaction: nothing commits yet
        run = job_queue(
            job="connector_errors_retry",
            project=project,
            trigger="tick",
            task="connectors.tasks.connector_errors_retry_project",
            args=(str(project.pk),),
        )
    assert broker.llen("celery") == before  # a worker would look for an uncommitted run
    assert len(callbacks) == 1
    callbacks[0]()
    assert broker.llen("celery") == before + 1
    assert JobRun.objects.get(pk=run.pk).status == "queued"
