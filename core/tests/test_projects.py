"""Projects: list, create, select, 409 without one, cross-project 404, API key scopes."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import ApiKey, Role


@pytest.mark.django_db
def test_projects_list_shows_only_visible_projects(owner_api, project, other_project):
    body = owner_api.get("/api/projects").json()
    assert [p["name"] for p in body["projects"]] == ["Alpha"]
    assert body["active_project_id"] == str(project.id)
    assert body["projects"][0]["role"] == "owner"


@pytest.mark.django_db
def test_scope_owner_creates_a_project_and_becomes_owner(api, owner, scope):
    scope.owners.add(owner)
    api.login(owner.username)
    response = api.post("/api/projects", {"name": "Gamma"})
    assert response.status_code == 201
    created = response.json()["project"]
    assert created["name"] == "Gamma"
    assert created["role"] == "owner"
    assert created["account_scope"]["id"] == str(scope.id)


@pytest.mark.django_db
def test_non_owner_cannot_create_projects(api, make_user, make_project):
    viewer = make_user("vera-viewer")
    make_project("Alpha", members={viewer: Role.VIEWER})
    api.login(viewer.username)
    response = api.post("/api/projects", {"name": "Sneaky"})
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


@pytest.mark.django_db
def test_duplicate_project_name_is_a_400_naming_the_field(api, owner, scope, project):
    scope.owners.add(owner)
    api.login(owner.username)
    response = api.post("/api/projects", {"name": "Alpha"})
    assert response.status_code == 400
    assert "name" in response.json()["detail"]


@pytest.mark.django_db
def test_endpoints_needing_a_project_answer_409_without_one(api, owner, make_project):
    make_project("One", members={owner: Role.OWNER})
    make_project("Two", members={owner: Role.OWNER})
    api.login(owner.username)  # two projects: none is chosen automatically
    response = api.get("/api/audit")
    assert response.status_code == 409
    assert response.json()["error"] == "active_project_required"


@pytest.mark.django_db
def test_selecting_another_scopes_project_is_404(owner_api, other_project):
    response = owner_api.select(other_project)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.django_db
def test_selecting_a_bad_id_is_400(owner_api):
    response = owner_api.post("/api/projects/not-a-uuid/select")
    assert response.status_code == 400
    assert response.json()["detail"] == {"id": "Must be a valid UUID."}


@pytest.mark.django_db
def test_losing_membership_drops_the_active_project(owner_api, owner, project):
    project.memberships.filter(user=owner).delete()
    assert owner_api.get("/api/audit").status_code == 409


@pytest.mark.django_db
def test_read_key_reads_but_cannot_write(api, project, make_api_key):
    raw = make_api_key(project, "read")
    assert api.get("/api/audit", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert api.get("/api/audit", HTTP_X_API_KEY=raw).status_code == 200
    refused = api.post("/api/api-keys", {"name": "more"}, csrf=False, HTTP_X_API_KEY=raw)
    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
    assert ApiKey.objects.count() == 1


@pytest.mark.django_db
def test_write_key_may_mutate_without_csrf(api, project, make_api_key):
    raw = make_api_key(project, "write")
    response = api.post("/api/api-keys", {"name": "ci"}, csrf=False, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 201
    minted = response.json()["key"]
    assert api.get("/api/audit", HTTP_X_API_KEY=minted).status_code == 200
    key = ApiKey.objects.get(prefix=raw.split("_")[1])
    assert key.last_used_at is not None


@pytest.mark.django_db
def test_revoked_expired_and_unknown_keys_get_401(api, project, make_api_key):
    revoked = make_api_key(project)
    ApiKey.objects.filter(prefix=revoked.split("_")[1]).update(revoked_at=timezone.now())
    expired = make_api_key(project, expires_at=timezone.now() - dt.timedelta(seconds=1))
    for raw in (revoked, expired, "wfo_deadbeef_nope", "garbage"):
        response = api.get("/api/audit", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 401
        assert response.json()["error"] == "not_authenticated"


@pytest.mark.django_db
def test_key_is_stored_hashed_and_shown_once(project, make_api_key):
    raw = make_api_key(project)
    key = ApiKey.objects.get()
    assert raw not in (key.key_hash, key.prefix)
    assert raw.startswith(f"wfo_{key.prefix}_")


@pytest.mark.django_db
def test_key_only_sees_its_own_project(api, project, other_project, make_api_key):
    from audit.services import audit_record

    audit_record(action="visible", project=project)
    audit_record(action="hidden", project=other_project)
    raw = make_api_key(project)
    actions = [row["action"] for row in api.get("/api/audit", HTTP_X_API_KEY=raw).json()["results"]]
    assert "visible" in actions
    assert "hidden" not in actions


@pytest.mark.django_db
def test_viewer_session_cannot_create_keys_but_pm_can(api, make_user, project):
    from core.models import Membership

    viewer, pm = make_user("vic"), make_user("pat")
    Membership.objects.create(user=viewer, project=project, role=Role.VIEWER)
    Membership.objects.create(user=pm, project=project, role=Role.PM)
    api.login(viewer.username)
    assert api.post("/api/api-keys", {"name": "x"}).status_code == 403
    api.post("/api/auth/logout")
    api.login(pm.username)
    response = api.post("/api/api-keys", {"name": "x", "scope": "write"})
    assert response.status_code == 201
    revoke = api.post(f"/api/api-keys/{response.json()['api_key']['id']}/revoke")
    assert revoke.json()["api_key"]["active"] is False


@pytest.mark.django_db
def test_another_projects_key_cannot_be_revoked(owner_api, other_project, make_user):
    from core.services import api_key_create

    key, _ = api_key_create(project=other_project, name="theirs", scope="read", created_by=make_user("z"))
    response = owner_api.post(f"/api/api-keys/{key.id}/revoke")
    assert response.status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


@pytest.mark.django_db
def test_project_create_honours_idempotency_keys(api, owner, scope):
    from core.models import Project

    scope.owners.add(owner)
    api.login(owner.username)
    first = api.post("/api/projects", {"name": "Gamma"}, HTTP_IDEMPOTENCY_KEY="create-gamma")
    replay = api.post("/api/projects", {"name": "Gamma"}, HTTP_IDEMPOTENCY_KEY="create-gamma")
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert Project.objects.filter(name="Gamma").count() == 1
    clash = api.post("/api/projects", {"name": "Delta"}, HTTP_IDEMPOTENCY_KEY="create-gamma")
    assert clash.status_code == 409
    assert not Project.objects.filter(name="Delta").exists()
    bad = api.post("/api/projects", {"name": "Eps"}, HTTP_IDEMPOTENCY_KEY="bad key with spaces")
    assert bad.status_code == 400
    assert "Idempotency-Key" in bad.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "expires_at", ["2026-02-30T00:00", "2026-13-01T00:00:00Z", "9999-12-31T23:30:00-05:00", "not a date"]
)
def test_an_api_key_expiry_that_does_not_exist_or_overflows_is_400_naming_the_field(owner_api, expires_at):
    response = owner_api.post("/api/api-keys", {"name": "ci", "expires_at": expires_at})
    assert response.status_code == 400, response.content
    assert "expires_at" in response.json()["detail"]
