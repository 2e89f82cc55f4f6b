"""Schedules are global: their error text, suspension reasons and the database's size are for staff only, and
only staff resume them. Members see their own project's runs and errors; an API key never counts as staff."""

import re

import pytest

from core.models import Role
from jobs.models import JobRun, JobStatus, ScheduledJobState
from jobs.schedules import schedules_ensure
from jobs.supervision import job_failed, job_started

pytestmark = pytest.mark.django_db

SECRET_ERROR = "OperationalError: disk full on tenant-beta-db"


@pytest.fixture
def failing_schedules(settings):
    """`retention_cleanup` suspended and `connector_errors_retry` failed once, both with error text."""
    schedules_ensure()
    job_started("connector_errors_retry")
    job_failed("connector_errors_retry", f"RuntimeError: {SECRET_ERROR}")
    for _ in range(settings.JOB_SUSPEND_AFTER_FAILURES):
        job_started("retention_cleanup")
        job_failed("retention_cleanup", SECRET_ERROR)


@pytest.fixture
def staff(owner):
    owner.is_staff = True
    owner.save(update_fields=["is_staff"])
    return owner


def _job(jobs: list[dict], name: str) -> dict:
    return next(job for job in jobs if job["name"] == name)


def _row(html: str, name: str) -> str:
    match = re.search(rf'<tr data-job="{name}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {name}"
    return match.group(1)


def test_a_member_sees_a_global_jobs_state_but_not_its_errors(owner_api, failing_schedules):
    response = owner_api.get("/api/jobs/scheduler")
    assert response.status_code == 200
    assert "disk full" not in response.content.decode()
    suspended = _job(response.json()["jobs"], "retention_cleanup")
    assert suspended["suspended"] is True
    assert suspended["cadence"] == "PT12H"
    assert suspended["last_run_at"] is not None
    assert suspended["last_status"] == "failed"
    assert suspended["last_error"] is None
    assert suspended["suspended_reason"] is None
    assert _job(response.json()["jobs"], "connector_errors_retry")["last_error"] is None


def test_staff_see_the_errors_and_suspension_reasons(owner_api, staff, failing_schedules):
    jobs = owner_api.get("/api/jobs/scheduler").json()["jobs"]
    assert SECRET_ERROR in _job(jobs, "retention_cleanup")["last_error"]
    assert SECRET_ERROR in _job(jobs, "retention_cleanup")["suspended_reason"]
    assert SECRET_ERROR in _job(jobs, "connector_errors_retry")["last_error"]


def test_status_hides_the_database_size_and_global_errors_from_members_but_not_their_own_runs(
    owner_api, project, other_project, failing_schedules
):
    JobRun.objects.create(
        project=project, account_scope=project.account_scope, job="embeddings_run", status=JobStatus.FAILED,
        error="provider down for alpha",
    )  # fmt: skip
    JobRun.objects.create(
        project=other_project, account_scope=other_project.account_scope, job="linear_sync",
        status=JobStatus.FAILED, error="beta's token expired",
    )  # fmt: skip
    JobRun.objects.create(job="retention_cleanup", status=JobStatus.FAILED, error=SECRET_ERROR)  # global run
    response = owner_api.get("/api/jobs/status")
    assert response.status_code == 200
    body = response.json()
    assert body["storage"] is None
    text = response.content.decode()
    assert "database_bytes" not in text
    assert "disk full" not in text
    assert "beta's token" not in text
    assert [(run["job"], run["error"]) for run in body["jobs"]] == [("embeddings_run", "provider down for alpha")]
    assert _job(body["scheduler"], "retention_cleanup")["suspended_reason"] is None


def test_staff_get_the_database_size_in_the_status(owner_api, staff, failing_schedules):
    body = owner_api.get("/api/jobs/status").json()
    assert body["storage"]["database_bytes"] > 0
    assert SECRET_ERROR in _job(body["scheduler"], "retention_cleanup")["last_error"]


def test_a_key_made_by_staff_is_not_staff(api, project, staff, make_api_key, failing_schedules):
    raw = make_api_key(project, "write")
    scheduler = api.get("/api/jobs/scheduler", HTTP_X_API_KEY=raw)
    assert scheduler.status_code == 200
    assert "disk full" not in scheduler.content.decode()
    assert api.get("/api/jobs/status", HTTP_X_API_KEY=raw).json()["storage"] is None
    resume = api.post("/api/jobs/scheduler/retention_cleanup/resume", csrf=False, HTTP_X_API_KEY=raw)
    assert resume.status_code == 403
    assert resume.json()["error"] == "forbidden"
    assert "staff" in resume.json()["detail"]
    assert ScheduledJobState.objects.get(name="retention_cleanup").suspended


def test_resuming_a_global_job_needs_staff(owner_api, owner, failing_schedules):
    refused = owner_api.post("/api/jobs/scheduler/retention_cleanup/resume")
    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
    assert "staff" in refused.json()["detail"]
    assert ScheduledJobState.objects.get(name="retention_cleanup").suspended

    owner.is_staff = True
    owner.save(update_fields=["is_staff"])
    resumed = owner_api.post("/api/jobs/scheduler/retention_cleanup/resume")
    assert resumed.status_code == 200, resumed.json()
    assert resumed.json()["suspended"] is False
    assert not ScheduledJobState.objects.get(name="retention_cleanup").suspended


def test_a_staff_viewer_cannot_resume_through_the_project_api(api, make_user, project, failing_schedules):
    viewer = make_user("stan-staff-viewer")
    viewer.is_staff = True
    viewer.save(update_fields=["is_staff"])
    project.memberships.create(user=viewer, role=Role.VIEWER)
    api.login(viewer.username)
    api.select(project)
    assert api.post("/api/jobs/scheduler/retention_cleanup/resume").status_code == 403
    assert ScheduledJobState.objects.get(name="retention_cleanup").suspended


def test_the_jobs_page_shows_members_the_state_without_errors_or_resume(owner_api, failing_schedules):
    html = owner_api.get("/partials/jobs/schedules").content.decode()
    assert "disk full" not in html
    suspended = _row(html, "retention_cleanup")
    assert "suspended" in suspended
    assert "/resume" not in suspended
    assert "staff can resume" in suspended
    assert "None" not in suspended


def test_the_jobs_page_shows_staff_the_errors_and_the_resume_button(owner_api, staff, failing_schedules):
    html = owner_api.get("/partials/jobs/schedules").content.decode()
    suspended = _row(html, "retention_cleanup")
    assert "disk full" in suspended
    assert 'data-url="/api/jobs/scheduler/retention_cleanup/resume"' in suspended
    assert "disk full" in _row(html, "connector_errors_retry")
