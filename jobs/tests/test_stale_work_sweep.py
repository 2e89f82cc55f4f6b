"""Job runs whose task is gone are closed by the stale-work sweep, by their task's own time limit; a redelivered
task of a closed run does nothing; doctor names runs left open past their bound; retention then deletes them."""

import datetime as dt

import pytest
from django.utils import timezone

from jobs import tasks as job_tasks
from jobs.checks import check_workers
from jobs.models import JobRun, JobStatus
from jobs.retention import retention_cleanup
from jobs.services import job_queue
from jobs.sweeper import GRACE_SECONDS, UNKNOWN_TASK_SECONDS, job_runs_overdue, task_time_limit

pytestmark = pytest.mark.django_db

SYNC_TASK = "connectors.tasks.connector_sync_task"  # time_limit=3700


def ago(seconds: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=seconds)


def open_run(status: str, *, age: float, task_name: str = SYNC_TASK, project=None) -> JobRun:
    started = ago(age) if status == JobStatus.RUNNING else None
    return JobRun.objects.create(job="demo_job", status=status, created_at=ago(age), started_at=started,
                                 task_name=task_name, project=project)  # fmt: skip


def status_of(run: JobRun) -> str:
    return JobRun.objects.get(pk=run.pk).status


def test_a_tasks_bound_is_its_own_hard_time_limit():
    assert task_time_limit(SYNC_TASK) == 3700
    assert task_time_limit("jobs.tasks.retention_cleanup") == 960
    assert task_time_limit("no.such.task") is None


def test_runs_past_their_bound_are_closed_and_the_others_stay(settings, published):
    settings.JOB_QUEUED_MAX_SECONDS = 3 * 3600
    dead_running = open_run(JobStatus.RUNNING, age=3700 + GRACE_SECONDS + 5)
    live_running = open_run(JobStatus.RUNNING, age=3600)
    short_task_dead = open_run(JobStatus.RUNNING, age=960 + GRACE_SECONDS + 5, task_name="jobs.tasks.retention_cleanup")
    unknown_live = open_run(JobStatus.RUNNING, age=UNKNOWN_TASK_SECONDS - 60, task_name="")
    unknown_dead = open_run(JobStatus.RUNNING, age=UNKNOWN_TASK_SECONDS + 60, task_name="")
    lost_message = open_run(JobStatus.QUEUED, age=3 * 3600 + 60)
    waiting = open_run(JobStatus.QUEUED, age=3600)
    finished = JobRun.objects.create(job="demo_job", status=JobStatus.SUCCEEDED, created_at=ago(10 * 3600))

    counts = job_tasks.stale_work_sweep.apply().get()

    assert counts["job_runs_closed"] == 4
    for run in (dead_running, short_task_dead, unknown_dead, lost_message):
        closed = JobRun.objects.get(pk=run.pk)
        assert closed.status == JobStatus.FAILED
        assert closed.finished_at is not None
    assert "past its hard time limit" in JobRun.objects.get(pk=dead_running.pk).error
    assert "never started" in JobRun.objects.get(pk=lost_message.pk).error
    for run in (live_running, unknown_live):
        assert status_of(run) == JobStatus.RUNNING
    assert status_of(waiting) == JobStatus.QUEUED
    assert status_of(finished) == JobStatus.SUCCEEDED
    assert JobRun.objects.get(job="stale_work_sweep").counts["job_runs_closed"] == 4

    assert job_tasks.stale_work_sweep.apply().get()["job_runs_closed"] == 0


def test_a_closed_runs_project_hears_that_it_ended(project, published, django_capture_on_commit_callbacks):
    run = open_run(JobStatus.RUNNING, age=4000, project=project)
    with django_capture_on_commit_callbacks(execute=True):
        job_tasks.stale_work_sweep.apply()
    assert (project.pk, "job_completed", {"job": "demo_job", "run_id": str(run.pk), "status": "failed",
                                          "counts": {}}) in published  # fmt: skip


def test_every_run_records_the_task_that_runs_it(project, django_capture_on_commit_callbacks):
    run = job_queue(job="connectors_reconciliation", project=project, trigger="manual",
                    task="connectors.tasks.connectors_reconciliation_project", args=(str(project.pk),))  # fmt: skip
    assert run.task_name == "connectors.tasks.connectors_reconciliation_project"
    job_tasks.retention_cleanup.apply()
    assert JobRun.objects.get(job="retention_cleanup").task_name == "jobs.tasks.retention_cleanup"


def test_a_task_redelivered_after_its_run_was_given_up_does_nothing(project):
    from connectors.tasks import connectors_reconciliation_project

    run = open_run(JobStatus.QUEUED, age=4 * 3600, project=project)
    job_tasks.stale_work_sweep.apply()
    assert status_of(run) == JobStatus.FAILED

    result = connectors_reconciliation_project.apply(args=(str(project.pk), str(run.pk))).get()

    assert "already failed" in result["skipped"]
    assert status_of(run) == JobStatus.FAILED
    assert JobRun.objects.get(pk=run.pk).started_at is None


def test_doctor_names_runs_left_open_past_their_bound():
    [ok] = check_workers(timezone.now())
    assert ok.status == "ok"
    open_run(JobStatus.RUNNING, age=3700 + GRACE_SECONDS + 5)
    [check] = check_workers(timezone.now())
    assert check.status == "warn"
    assert "1 run(s) queued or running past their bound (demo_job)" in check.detail
    assert "stale_work_sweep" in check.detail
    assert [run.job for run, _ in job_runs_overdue(timezone.now())] == ["demo_job"]


def test_runs_the_sweep_closed_are_deleted_by_retention_in_time(settings):
    settings.RETENTION_JOB_RUNS_DAYS = 90
    stuck = open_run(JobStatus.RUNNING, age=100 * 86400)  # left running by a crash long ago
    assert retention_cleanup()["tables"]["audit_jobrun"]["deleted"] == 0  # open runs are never deleted
    job_tasks.stale_work_sweep.apply()
    assert retention_cleanup()["tables"]["audit_jobrun"]["deleted"] == 1
    assert not JobRun.objects.filter(pk=stuck.pk).exists()
