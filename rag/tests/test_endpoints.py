"""Status, refresh, embeddings-run trigger and feedback endpoints."""

import json

import pytest

from audit.models import AuditEvent
from core.models import Membership, Role
from jobs.models import JobRun
from rag.models import Chunk, ChunkStatus, Feedback, QueryRun
from rag.services.embeddings import embeddings_run
from rag.services.query import QueryParams, lightrag_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_id(studio_project):
    embeddings_run(project=studio_project)
    return lightrag_query(project=studio_project, params=QueryParams(query="logo files"))["query_run_id"]


def test_status_counts_chunks_by_status_and_source_and_names_the_provider(owner_api, studio_project):
    before = owner_api.get("/api/lightrag/status").json()
    total = Chunk.objects.filter(project=studio_project).count()
    assert before["embeddings"] == {"pending": total, "processing": 0, "ready": 0, "failed": 0}
    assert before["provider"] == "offline"
    assert before["model"] == "offline-hash-v2"
    assert before["dimensions"] == 1024
    assert before["last_run"] is None or before["last_run"]["status"] == "queued"  # the cascade after the sync
    assert set(before["sources"]) == {"chatwoot_conversation", "linear_issue", "attio_deal", "attio_company"}
    assert before["sources"]["linear_issue"]["group"] == "issues"
    assert sum(s["chunks"] for s in before["sources"].values()) == total

    embeddings_run(project=studio_project)
    after = owner_api.get("/api/lightrag/status").json()
    assert after["embeddings"]["ready"] == total
    assert after["embeddings"]["pending"] == 0
    assert after["last_run"]["status"] == "succeeded"
    assert after["last_run"]["counts"]["embedded"] == total


# Autocommit, as in production: the API sends the task at once (in a transaction it waits for commit).
@pytest.mark.django_db(transaction=True)
def test_refresh_queues_an_embeddings_run_that_does_the_work(owner_api, studio_project, eager_tasks):
    response = owner_api.post("/api/lightrag/refresh", {"requeue_failed": True})
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    run = JobRun.objects.get(pk=response.json()["run_id"])
    assert run.job == "embeddings_run"
    assert run.trigger == "manual"
    assert run.project == studio_project
    assert run.status == "succeeded"
    assert run.counts["embedded"] > 0
    assert not Chunk.objects.filter(project=studio_project, status=ChunkStatus.PENDING).exists()
    assert AuditEvent.objects.filter(project=studio_project, action="lightrag.refresh").exists()


# Autocommit, as in production: the API sends the task at once (in a transaction it waits for commit).
@pytest.mark.django_db(transaction=True)
def test_the_jobs_endpoint_queues_the_same_run(owner_api, studio_project, eager_tasks):
    response = owner_api.post("/api/jobs/embeddings/run")
    assert response.status_code == 202
    assert JobRun.objects.get(pk=response.json()["run_id"]).status == "succeeded"
    assert owner_api.post("/api/lightrag/refresh", {"rebuild": "maybe"}).status_code == 400


@pytest.mark.parametrize("body", [{"rebuild": 0}, {"requeue_failed": "true"}, [], None])
def test_refresh_takes_json_booleans_only(owner_api, studio_project, body):
    """`0` and `"true"` were taken as booleans, and a body that is not an object as an empty one."""
    runs = JobRun.objects.count()
    response = owner_api.post("/api/lightrag/refresh", raw=json.dumps(body))
    assert response.status_code == 400
    assert set(response.json()["detail"]) <= {"rebuild", "requeue_failed", "non_field_errors"}
    assert JobRun.objects.count() == runs


def test_a_viewer_may_read_the_status_but_not_start_runs(api, make_user, studio_project):
    viewer = make_user("vic-viewer")
    Membership.objects.create(user=viewer, project=studio_project, role=Role.VIEWER)
    assert api.login(viewer.username).status_code == 200
    assert api.select(studio_project).status_code == 200
    assert api.get("/api/lightrag/status").status_code == 200
    assert api.post("/api/lightrag/refresh").status_code == 403
    assert api.post("/api/jobs/embeddings/run").status_code == 403


def test_feedback_is_recorded_for_a_run_of_the_project_and_audited(owner_api, studio_project, run_id):
    response = owner_api.post("/api/lightrag/feedback", {"query_run_id": run_id, "rating": -1, "comment": "stale"})
    assert response.status_code == 201
    body = response.json()
    assert body["query_run_id"] == run_id
    assert body["rating"] == -1
    assert body["comment"] == "stale"
    feedback = Feedback.objects.get(pk=body["id"])
    assert feedback.project == studio_project
    assert feedback.user.username == "olga-owner"
    assert AuditEvent.objects.filter(action="lightrag.feedback", entity_id=run_id).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 1}, "query_run_id"),
        ({"query_run_id": "not-a-uuid", "rating": 1}, "query_run_id"),
        ({"rating": 2}, "rating"),
        ({"rating": True}, "rating"),
        ({"rating": "1"}, "rating"),
        ({"rating": 0, "comment": "x" * 2001}, "comment"),
        ({"rating": 0, "comment": 0}, "comment"),  # was taken as no comment
        ({"rating": 0, "comment": "a\x00b"}, "comment"),
    ],
)
def test_bad_feedback_is_refused(owner_api, run_id, body, field):
    body = {"query_run_id": run_id, **body} if field != "query_run_id" else body
    response = owner_api.post("/api/lightrag/feedback", body)
    assert response.status_code == 400
    assert field in response.json()["detail"]


def test_feedback_for_an_unknown_or_foreign_run_is_404(owner_api, other_project, run_id):
    foreign = QueryRun.objects.create(project=other_project, account_scope_id=other_project.account_scope_id, query="q")
    for unknown in (str(foreign.id), "00000000-0000-4000-8000-000000000000"):
        response = owner_api.post("/api/lightrag/feedback", {"query_run_id": unknown, "rating": 1})
        assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_feedback_replayed_with_the_same_idempotency_key_is_stored_once(owner_api, run_id):
    body = {"query_run_id": run_id, "rating": 1}
    first = owner_api.post("/api/lightrag/feedback", body, HTTP_IDEMPOTENCY_KEY="fb-1")
    again = owner_api.post("/api/lightrag/feedback", body, HTTP_IDEMPOTENCY_KEY="fb-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Feedback.objects.count() == 1


def test_the_endpoints_are_in_the_openapi_schema(api):
    paths = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in ("/api/lightrag/query", "/api/search", "/api/lightrag/status", "/api/lightrag/refresh",
                 "/api/lightrag/feedback", "/api/jobs/embeddings/run"):  # fmt: skip
        assert path in paths
