"""The Jobs page: schedules with their supervision state, this project's runs, tick and resume buttons."""

import re

import pytest

from core.models import Membership, Role
from jobs.models import JobRun, JobStatus
from jobs.schedules import SCHEDULES, schedules_ensure
from jobs.supervision import job_failed, job_succeeded

pytestmark = pytest.mark.django_db


def partial(api, name: str, **params) -> str:
    response = api.get(f"/partials/{name}", params)
    assert response.status_code == 200, response.content
    return response.content.decode()


def job_row(html: str, name: str) -> str:
    match = re.search(rf'<tr data-job="{name}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {name}"
    return match.group(1)


def run(project, job: str, status: str = JobStatus.SUCCEEDED, **fields) -> JobRun:
    return JobRun.objects.create(project=project, account_scope=project.account_scope, job=job, status=status, **fields)


def test_jobs_page_declares_live_partials_and_the_tick_button(owner_api):
    schedules_ensure()
    html = owner_api.get("/jobs").content.decode()
    assert 'data-partial-url="/partials/jobs/schedules"' in html
    assert 'data-partial-refresh="30"' in html
    assert 'data-partial-url="/partials/jobs/runs"' in html
    assert 'data-url="/api/jobs/scheduler/tick"' in html
    assert 'aria-current="page">Jobs<' in html


def test_schedules_show_cadence_state_and_resume_only_for_suspended_jobs(owner_api, owner, settings):
    owner.is_staff = True  # schedules are global: their errors and the resume button are for staff
    owner.save(update_fields=["is_staff"])
    schedules_ensure()
    job_succeeded("embeddings_run")
    job_failed("connector_errors_retry", "RuntimeError: broker gone")
    for _ in range(settings.JOB_SUSPEND_AFTER_FAILURES):
        job_failed("retention_cleanup", "OperationalError: disk full")
    html = partial(owner_api, "jobs/schedules")
    assert len(re.findall(r"<tr data-job=", html)) == len(SCHEDULES)
    assert "every 15 min" in job_row(html, "connectors_sync_cycle")
    assert "succeeded" in job_row(html, "embeddings_run")
    backing_off = job_row(html, "connector_errors_retry")
    assert "backing off" in backing_off
    assert "broker gone" in backing_off
    suspended = job_row(html, "retention_cleanup")
    assert "suspended" in suspended
    assert 'data-url="/api/jobs/scheduler/retention_cleanup/resume"' in suspended
    assert "resume" not in job_row(html, "connector_errors_retry").lower()


def test_runs_partial_shows_only_this_projects_runs_and_filters_by_job(owner_api, project, other_project):
    run(project, "chatwoot_sync", counts={"streams": 4})
    run(project, "embeddings_run", status=JobStatus.FAILED, error="provider down")
    run(other_project, "linear_sync")
    html = partial(owner_api, "jobs/runs")
    assert "chatwoot_sync" in html
    assert "provider down" in html
    assert "linear_sync" not in html
    filtered = partial(owner_api, "jobs/runs", job="embeddings_run")
    assert "embeddings_run" in filtered
    assert "chatwoot_sync" not in filtered
    page = owner_api.get("/jobs").content.decode()
    assert '<option value="chatwoot_sync">' in page
    assert "linear_sync" not in page


def test_runs_partial_empty_state_says_what_to_do(owner_api):
    html = partial(owner_api, "jobs/runs")
    assert "Tick now" in html


def test_jobs_partials_cost_a_fixed_number_of_queries(owner_api, project, django_assert_num_queries):
    schedules_ensure()
    with django_assert_num_queries(5):  # session, user, project; periodic tasks, job states
        partial(owner_api, "jobs/schedules")
    with django_assert_num_queries(4):  # session, user, project, runs
        partial(owner_api, "jobs/runs")
    for index in range(20):
        run(project, f"job_{index}")
    with django_assert_num_queries(4):
        partial(owner_api, "jobs/runs")


def test_other_members_see_the_page_but_not_other_projects(api, make_user, project, other_project):
    viewer = make_user("vera-viewer")
    Membership.objects.create(user=viewer, project=project, role=Role.VIEWER)
    api.login(viewer.username)
    api.select(project)
    run(other_project, "attio_sync")
    assert api.get("/jobs").status_code == 200
    assert "attio_sync" not in partial(api, "jobs/runs")


def test_runs_show_the_numbers_of_nested_counts(owner_api, project):
    run(project, "connector_sync", counts={"linear": {"issues": {"fetched": 120, "upserted": 7},
                                                       "comments": {"fetched": 30, "upserted": 0}},
                                            "ids": ["a", "b"], "rows": 1500})  # fmt: skip
    html = partial(owner_api, "jobs/runs")
    assert "linear: 150 fetched, 7 upserted" in html
    assert "ids: 2" in html
    assert "rows: 1,500" in html
    assert "…" not in html.replace("running…", "")
