"""`GET /api/audit` and the job-run services."""

import pytest

from audit.services import audit_record
from jobs.models import JobRun
from jobs.services import job_run_finish, job_run_open


@pytest.mark.django_db
def test_audit_is_project_scoped_filtered_and_paginated(owner_api, project, other_project):
    for n in range(7):
        audit_record(action="sync.start", project=project, payload={"n": n})
    audit_record(action="retry", project=project)
    audit_record(action="sync.start", project=other_project)

    page = owner_api.get("/api/audit?action=sync.start&page_size=5").json()
    assert page["count"] == 7
    assert len(page["results"]) == 5
    assert page["next"] is not None
    assert {row["action"] for row in page["results"]} == {"sync.start"}

    second = owner_api.get("/api/audit?action=sync.start&page_size=5&page=2").json()
    assert len(second["results"]) == 2
    assert second["previous"] is not None


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["a%00b", "x" * 101])
def test_a_bad_action_filter_is_400_naming_it(owner_api, action):
    """A NUL reached PostgreSQL, which refuses it: a 500."""
    response = owner_api.get(f"/api/audit?action={action}")
    assert response.status_code == 400
    assert "action" in response.json()["detail"]


@pytest.mark.django_db
def test_project_selection_is_audited_with_request_id(owner_api, project):
    rows = owner_api.get("/api/audit?action=project.select").json()["results"]
    assert rows
    assert rows[0]["entity_id"] == str(project.id)
    assert rows[0]["request_id"]


@pytest.mark.django_db(transaction=True)
def test_job_run_records_timing_counts_and_outcome(project):
    run = job_run_open(job="demo_job", project=project, trigger="manual")
    assert run.status == "running"
    job_run_finish(run=run, status="succeeded", counts={"rows": 3})
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert run.counts == {"rows": 3}
    assert run.finished_at >= run.started_at
    assert run.duration_ms is not None
    assert JobRun.objects.filter(project=project).count() == 1
