"""An Idempotency-Key is scoped to (caller, project, method + path): reused elsewhere it is a fresh request,
neither a replay of another project's answer nor a conflict."""

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from core.models import IdempotencyRecord, Project, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_projects(owner_api, owner, project, make_project):
    """`owner_api` owns Alpha (active) and Gamma."""
    return project, make_project("Gamma", members={owner: Role.OWNER})


def test_the_same_key_in_another_project_is_a_fresh_request(owner_api, two_projects):
    alpha, gamma = two_projects
    first = owner_api.post("/api/jobs/scheduler/tick", {}, HTTP_IDEMPOTENCY_KEY="nightly-tick")
    assert first.status_code == 200
    owner_api.select(gamma)
    second = owner_api.post("/api/jobs/scheduler/tick", {}, HTTP_IDEMPOTENCY_KEY="nightly-tick")
    assert second.status_code == 200
    assert "Idempotent-Replayed" not in second
    assert AuditEvent.objects.filter(action="jobs.tick", project=gamma).count() == 1
    # Back in Alpha, the same request is still a replay of Alpha's answer.
    owner_api.select(alpha)
    replay = owner_api.post("/api/jobs/scheduler/tick", {}, HTTP_IDEMPOTENCY_KEY="nightly-tick")
    assert replay["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(action="jobs.tick", project=alpha).count() == 1


def test_the_same_key_on_another_path_is_a_fresh_request(owner_api, owner, scope, two_projects):
    scope.owners.add(owner)
    tick = owner_api.post("/api/jobs/scheduler/tick", {}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert tick.status_code == 200
    created = owner_api.post("/api/projects", {"name": "Delta"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert created.status_code == 201, created.json()
    assert "Idempotent-Replayed" not in created
    assert Project.objects.filter(name="Delta").exists()


def test_the_same_key_path_and_project_with_another_body_is_still_a_conflict(owner_api, two_projects):
    assert owner_api.post("/api/jobs/scheduler/tick", {"limit": 1}, HTTP_IDEMPOTENCY_KEY="k-2").status_code == 200
    clash = owner_api.post("/api/jobs/scheduler/tick", {"limit": 2}, HTTP_IDEMPOTENCY_KEY="k-2")
    assert clash.status_code == 409
    assert clash.json()["error"] == "conflict"


def test_a_key_and_its_creator_are_different_callers(api, owner_api, project, make_api_key):
    raw = make_api_key(project, "write")
    assert owner_api.post("/api/jobs/scheduler/tick", {}, HTTP_IDEMPOTENCY_KEY="k-3").status_code == 200
    by_key = api.post("/api/jobs/scheduler/tick", {}, csrf=False, HTTP_X_API_KEY=raw, HTTP_IDEMPOTENCY_KEY="k-3")
    assert by_key.status_code == 200
    assert "Idempotent-Replayed" not in by_key


def test_requests_outside_a_project_still_collide_on_their_key(owner):
    """NULLS NOT DISTINCT: two records without a project, same caller, path and key, cannot both exist."""
    fields = {"caller": f"user:{owner.pk}", "key": "k", "method_path": "POST /api/projects", "request_hash": "h"}
    IdempotencyRecord.objects.create(**fields, status_code=201, response_body={})
    with pytest.raises(IntegrityError), transaction.atomic():
        IdempotencyRecord.objects.create(**fields, status_code=201, response_body={})
