"""The connector endpoints as a PM or REST client uses them: scoped, validated, audited."""

import pytest

from audit.models import AuditEvent
from connectors.models import ConnectorError
from connectors.services.sync import connector_sync
from jobs.models import JobRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(project, make_tenant, bind, sleep):
    bind(project, make_tenant())
    for source in ("chatwoot", "linear", "attio"):
        connector_sync(project=project, source=source, sleep=sleep)
    return project


def test_state_lists_every_connector_without_secrets(owner_api, synced, make_tenant):
    body = owner_api.get("/api/connectors/state").json()
    by_name = {c["connector"]: c for c in body["connectors"]}
    assert set(by_name) == {"chatwoot", "linear", "attio"}
    assert by_name["linear"]["status"] == "ok"
    assert by_name["linear"]["lag_seconds"] is not None
    assert by_name["linear"]["last_run"]["counts"]["issues"]["fetched"] > 0
    assert "issues" in by_name["linear"]["cursors"]
    text = str(body)
    assert "secret" not in text
    assert "lin_sandbox" not in text
    assert "cw-" not in text


# Autocommit, as in production: the API sends the task at once (in a transaction it waits for commit).
@pytest.mark.django_db(transaction=True)
def test_sync_endpoint_queues_runs_and_the_worker_syncs(owner_api, project, make_tenant, bind, eager_tasks):
    bind(project, make_tenant(), sources=["linear"])
    response = owner_api.post("/api/connectors/linear/sync", {"streams": ["teams", "issues"]})
    assert response.status_code == 202
    run = response.json()["runs"][0]
    assert run["connector"] == "linear"
    job = JobRun.objects.get(pk=run["run_id"])
    assert job.status == "succeeded"
    assert AuditEvent.objects.filter(project=project, action="connector.sync_requested").exists()
    runs = owner_api.get("/api/connectors/runs?connector=linear").json()
    assert runs["count"] == 1
    assert set(runs["results"][0]["counts"]) == {"teams", "issues"}


def test_jobs_alias_and_all_connectors_sync(owner_api, project, make_tenant, bind, eager_tasks):
    bind(project, make_tenant(), sources=["attio", "linear"])
    assert owner_api.post("/api/jobs/attio/sync").status_code == 202
    body = owner_api.post("/api/connectors/sync", {"full": True}).json()
    assert sorted(run["connector"] for run in body["runs"]) == ["attio", "linear"]


def test_sync_refuses_a_second_run_with_409(owner_api, project, make_tenant, bind):
    from connectors.models import SyncRun
    from connectors.services.state import lease_claim, lease_owner_id

    bind(project, make_tenant(), sources=["linear"])
    lease_claim(
        project=project,
        source="linear",
        owner=lease_owner_id(),
        run=SyncRun.objects.create(project=project, source="linear"),
    )
    response = owner_api.post("/api/connectors/linear/sync")
    assert response.status_code == 409
    assert response.json()["error"] == "already_running"


@pytest.mark.parametrize(
    ("path", "payload", "status", "field"),
    [
        ("/api/connectors/linear/sync", {"streams": ["nope"]}, 400, "streams"),
        ("/api/connectors/linear/sync", {"full": "maybe"}, 400, "full"),
        ("/api/connectors/linear/sync", {"streams": "issues"}, 400, "streams"),
        ("/api/connectors/linear/sync", {"full": 1}, 400, "full"),  # JSON booleans only (1 was taken as true)
        ("/api/connectors/linear/sync", {"streams": [7]}, 400, "streams.0"),
        ("/api/connectors/unknown/sync", {}, 404, None),
        ("/api/connectors/errors/retry", {"limit": 0}, 400, "limit"),
        ("/api/connectors/errors/retry", {"limit": "5"}, 400, "limit"),
        ("/api/connectors/errors/dead-letter/not-a-uuid/retry", {}, 400, "id"),
    ],
)
def test_bad_input_names_the_field(owner_api, project, make_tenant, bind, path, payload, status, field):
    bind(project, make_tenant(), sources=["linear"])
    response = owner_api.post(path, payload)
    assert response.status_code == status
    if field:
        assert field in response.json()["detail"]


def test_sync_without_configured_connectors_is_409(owner_api):
    response = owner_api.post("/api/connectors/sync")
    assert response.status_code == 409
    assert response.json()["error"] == "not_configured"


def queued_run(response, connector=None) -> JobRun:
    """A 202 answer of an endpoint that starts work: the sync endpoints' shape, one queued run."""
    assert response.status_code == 202, response.json()
    [entry] = response.json()["runs"]
    assert entry["connector"] == connector
    assert entry["status"] == "queued"
    return JobRun.objects.get(pk=entry["run_id"])


def test_errors_list_filters_and_dead_letter_retry_from_the_api(
    owner_api, synced, sandbox, make_tenant, sleep, eager_tasks, django_capture_on_commit_callbacks
):
    sandbox.add_fault(service="linear", path="/graphql", operation="cycles", kind="status", status=500, times=3)
    connector_sync(project=synced, source="linear", streams=["cycles"], sleep=sleep)
    sandbox.clear_faults()
    error = ConnectorError.objects.get(project=synced)
    ConnectorError.objects.filter(pk=error.pk).update(status="dead_letter", attempt=5, next_retry_at=None)

    assert owner_api.get("/api/connectors/errors?status=open").json()["count"] == 0
    assert owner_api.get("/api/connectors/errors?connector=linear").json()["count"] == 1
    assert owner_api.get("/api/connectors/errors?status=bogus").status_code == 400
    dead = owner_api.get("/api/connectors/errors/dead-letter").json()["results"]
    assert [row["id"] for row in dead] == [str(error.id)]

    with django_capture_on_commit_callbacks(execute=True):  # the task goes after the run's row commits
        response = owner_api.post(f"/api/connectors/errors/dead-letter/{error.id}/retry")
    run = queued_run(response, connector="linear")
    run.refresh_from_db()
    assert run.job == "connector_error_retry"
    assert run.status == "succeeded"
    assert (run.counts["error_id"], run.counts["outcome"]) == (str(error.id), "resolved")
    assert owner_api.get("/api/connectors/errors/dead-letter").json()["count"] == 0
    error.refresh_from_db()
    assert error.status == "resolved"
    event = AuditEvent.objects.get(action="connector.dead_letter_retry", entity_id=str(error.id))
    assert (event.actor_label, event.status) == ("olga-owner", "ok")

    # The same run delivered again (a worker died after finishing it) does nothing more.
    from connectors.tasks import connector_error_retry_task

    again = connector_error_retry_task.apply(args=(str(synced.pk), str(error.id), str(run.id))).get()
    assert again == {"skipped": f"run {run.id} is already succeeded"}
    assert AuditEvent.objects.filter(action="connector.dead_letter_retry").count() == 1


def test_a_dead_letter_retry_is_refused_with_409_while_its_connector_syncs(owner_api, synced):
    from connectors.models import SyncRun
    from connectors.services.state import lease_claim, lease_owner_id

    error = ConnectorError.objects.create(
        project=synced, source="linear", stream="cycles", dedupe_key="cycles:page", error_kind="transient",
        message="boom", status="dead_letter", attempt=5,
    )  # fmt: skip
    holder = SyncRun.objects.create(project=synced, source="linear")
    lease_claim(project=synced, source="linear", owner=lease_owner_id(), run=holder)
    response = owner_api.post(f"/api/connectors/errors/dead-letter/{error.id}/retry")
    assert response.status_code == 409
    assert response.json()["error"] == "already_running"
    assert not JobRun.objects.filter(job="connector_error_retry").exists()


def test_another_projects_dead_letter_is_404_and_untouched(owner_api, other_project):
    error = ConnectorError.objects.create(
        project=other_project,
        source="linear",
        stream="cycles",
        dedupe_key="cycles:page",
        error_kind="transient",
        message="boom",
        status="dead_letter",
        attempt=5,
    )
    assert owner_api.post(f"/api/connectors/errors/dead-letter/{error.id}/retry").status_code == 404
    assert owner_api.get("/api/connectors/errors").json()["count"] == 0
    error.refresh_from_db()
    assert error.attempt == 5


def test_viewer_cannot_trigger_syncs(api, make_user, project, make_tenant, bind):
    from core.models import Membership, Role

    viewer = make_user("vee")
    Membership.objects.create(user=viewer, project=project, role=Role.VIEWER)
    bind(project, make_tenant(), sources=["linear"])
    api.login(viewer.username)
    api.select(project)
    assert api.get("/api/connectors/state").status_code == 200
    assert api.post("/api/connectors/linear/sync").status_code == 403


def test_retry_due_errors_endpoint_queues_a_run_that_reports_the_tally(
    owner_api, synced, sandbox, sleep, eager_tasks, django_capture_on_commit_callbacks
):
    sandbox.add_fault(service="attio", path="/v2/notes", kind="status", status=503, times=3)
    connector_sync(project=synced, source="attio", streams=["notes"], sleep=sleep)
    sandbox.clear_faults()
    ConnectorError.objects.filter(project=synced).update(next_retry_at="2000-01-01T00:00:00Z")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post("/api/connectors/errors/retry", {"limit": 10})
    run = queued_run(response)
    run.refresh_from_db()
    assert (run.job, run.status, run.trigger) == ("connector_errors_retry", "succeeded", "manual")
    assert (run.counts["due"], run.counts["succeeded"], run.counts["failed"]) == (1, 1, 0)
    assert ConnectorError.objects.get(project=synced).status == "resolved"
    assert AuditEvent.objects.get(action="connector.errors_retry").actor_label == "olga-owner"


def test_a_second_retry_of_the_due_errors_while_one_is_queued_is_409(owner_api, synced):
    assert owner_api.post("/api/connectors/errors/retry").status_code == 202  # queued: no worker in this test
    response = owner_api.post("/api/connectors/errors/retry")
    assert response.status_code == 409
    assert response.json()["error"] == "already_running"
    assert JobRun.objects.filter(job="connector_errors_retry").count() == 1
