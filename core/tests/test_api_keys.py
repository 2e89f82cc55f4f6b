"""API keys are bound to one project, never carry more than their creator has today, and mint only keys that
neither outlive nor outrank them; revoking a key revokes every key it minted."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from core.api.authentication import api_key_lookup
from core.errors import Forbidden
from core.models import ApiKey, Membership, Project, Role
from core.services import api_key_create

pytestmark = pytest.mark.django_db

REFUSED = "Invalid, expired or revoked API key."


def _key(raw: str) -> ApiKey:
    return ApiKey.objects.get(prefix=raw.split("_")[1])


def _works(api, raw: str) -> bool:
    return api.get("/api/audit", HTTP_X_API_KEY=raw).status_code == 200


def _mint(api, raw: str, **body):
    return api.post("/api/api-keys", {"name": "minted", **body}, csrf=False, HTTP_X_API_KEY=raw)


# ---------------------------------------------------------------- bound to one project


def test_a_key_lists_only_its_own_project(api, owner, project, make_project, make_api_key):
    make_project("Other of the same owner", members={owner: Role.OWNER})
    raw = make_api_key(project, "read")
    body = api.get("/api/projects", HTTP_X_API_KEY=raw).json()
    assert [(p["id"], p["role"]) for p in body["projects"]] == [(str(project.id), "viewer")]
    assert body["active_project_id"] == str(project.id)


def test_a_key_cannot_create_projects(api, owner, scope, project, make_api_key):
    scope.owners.add(owner)  # its creator could
    raw = make_api_key(project, "write")
    response = api.post("/api/projects", {"name": "Sneaky"}, csrf=False, HTTP_X_API_KEY=raw)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert "bound to one project" in response.json()["detail"]
    assert not Project.objects.filter(name="Sneaky").exists()


def test_a_key_cannot_select_or_reach_another_project(api, owner, project, make_project, make_api_key):
    from audit.services import audit_record

    other = make_project("Gamma", members={owner: Role.OWNER})
    audit_record(action="gamma-only", project=other)
    raw = make_api_key(project, "write")
    selected = api.post(f"/api/projects/{other.id}/select", csrf=False, HTTP_X_API_KEY=raw)
    assert selected.status_code == 403
    assert selected.json()["error"] == "forbidden"
    # A project named by query parameter or header is ignored: the key's project is the only one.
    listed = api.get("/api/audit", {"project": str(other.id)}, HTTP_X_PROJECT=str(other.id), HTTP_X_API_KEY=raw)
    assert "gamma-only" not in [row["action"] for row in listed.json()["results"]]


def test_a_key_wins_over_the_session_of_the_same_browser(api, owner, project, make_project, make_api_key):
    from audit.services import audit_record

    other = make_project("Gamma", members={owner: Role.OWNER})
    audit_record(action="gamma-only", project=other)
    raw = make_api_key(project, "read")
    api.login(owner.username)
    api.select(other)  # the session's active project is Gamma
    actions = [row["action"] for row in api.get("/api/audit", HTTP_X_API_KEY=raw).json()["results"]]
    assert "gamma-only" not in actions
    me = api.get("/api/auth/me", HTTP_X_API_KEY=raw).json()
    assert me["active_project"]["id"] == str(project.id)
    assert [p["id"] for p in api.get("/api/projects", HTTP_X_API_KEY=raw).json()["projects"]] == [str(project.id)]


def test_a_key_cannot_revoke_another_projects_key(api, project, other_project, make_api_key, make_user):
    theirs, _ = api_key_create(project=other_project, name="theirs", scope="write", created_by=make_user("z"))
    raw = make_api_key(project, "write")
    response = api.post(f"/api/api-keys/{theirs.id}/revoke", csrf=False, HTTP_X_API_KEY=raw)
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_key_cannot_log_out(api, project, make_api_key):
    raw = make_api_key(project, "write")
    response = api.post("/api/auth/logout", csrf=False, HTTP_X_API_KEY=raw)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="auth.logout").exists()


# ---------------------------------------------------------------- never more than its creator has today


def test_a_key_stops_working_when_its_creator_leaves_the_project(api, owner, project, make_api_key):
    write, read = make_api_key(project, "write"), make_api_key(project, "read")
    assert _works(api, write)
    assert _works(api, read)
    Membership.objects.filter(user=owner, project=project).delete()
    for raw in (write, read):
        response = api.get("/api/audit", HTTP_X_API_KEY=raw)
        assert response.status_code == 401
        assert response.json() == {
            "error": "not_authenticated",
            "detail": REFUSED,
            "request_id": response.json()["request_id"],
        }


def test_a_write_key_stops_when_its_pm_is_demoted_to_viewer_but_a_read_key_goes_on(api, make_user, project):
    pm = make_user("pat-pm")
    membership = Membership.objects.create(user=pm, project=project, role=Role.PM)
    write = api_key_create(project=project, name="ci", scope="write", created_by=pm)[1]
    read = api_key_create(project=project, name="ro", scope="read", created_by=pm)[1]
    assert _works(api, write)
    membership.role = Role.VIEWER
    membership.save(update_fields=["role"])
    assert api.get("/api/audit", HTTP_X_API_KEY=write).status_code == 401
    assert api.post("/api/lightrag/refresh", csrf=False, HTTP_X_API_KEY=write).status_code == 401
    assert _works(api, read)


def test_a_scope_owners_key_works_while_they_own_the_scope(api, make_user, scope, project):
    boss = make_user("bea-boss")  # no membership: the scope's owners count as owners of its projects
    scope.owners.add(boss)
    raw = api_key_create(project=project, name="ci", scope="write", created_by=boss)[1]
    assert _works(api, raw)
    scope.owners.remove(boss)
    assert api.get("/api/audit", HTTP_X_API_KEY=raw).status_code == 401


def test_a_key_of_an_inactive_creator_is_refused(api, owner, project, make_api_key):
    raw = make_api_key(project, "read")
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert api.get("/api/audit", HTTP_X_API_KEY=raw).status_code == 401


def test_the_creators_role_is_checked_in_the_one_query_that_finds_the_key(
    project, make_api_key, django_assert_num_queries
):
    raw = make_api_key(project, "write")
    with django_assert_num_queries(1):
        assert api_key_lookup(raw) is not None


# ---------------------------------------------------------------- minting


def test_a_minted_key_inherits_its_parents_expiry(api, project, make_api_key):
    expires = timezone.now() + dt.timedelta(days=7)
    parent = make_api_key(project, "write", expires_at=expires)
    response = _mint(api, parent, scope="read")
    assert response.status_code == 201, response.json()
    minted = response.json()["api_key"]
    assert minted["expires_at"] == expires.isoformat()
    assert minted["parent_id"] == str(_key(parent).id)
    assert _works(api, response.json()["key"])


def test_a_minted_key_cannot_outlive_its_parent(api, project, make_api_key):
    parent = make_api_key(project, "write", expires_at=timezone.now() + dt.timedelta(days=7))
    later = (timezone.now() + dt.timedelta(days=8)).isoformat()
    response = _mint(api, parent, expires_at=later)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_input"
    assert "outlive" in response.json()["detail"]["expires_at"]
    assert ApiKey.objects.count() == 1
    sooner = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert _mint(api, parent, expires_at=sooner).status_code == 201


def test_a_key_without_expiry_mints_what_it_is_asked(api, project, make_api_key):
    parent = make_api_key(project, "write")
    assert _mint(api, parent, scope="write").json()["api_key"]["expires_at"] is None
    asked = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    minted = _mint(api, parent, expires_at=asked.isoformat()).json()["api_key"]
    assert dt.datetime.fromisoformat(minted["expires_at"]) == asked


def test_a_read_key_cannot_mint_and_a_minted_key_never_outranks_its_parent(api, owner, project, make_api_key):
    read = make_api_key(project, "read")
    refused = _mint(api, read, scope="read")
    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
    assert ApiKey.objects.count() == 1
    # The service holds the same line for any other door (scope "write" under a read key would outrank it).
    with pytest.raises(Forbidden):
        api_key_create(project=project, name="x", scope="write", created_by=owner, parent=_key(read))


def test_a_parent_revoked_meanwhile_cannot_mint(owner, project, make_api_key):
    parent = _key(make_api_key(project, "write"))  # as the request authenticated it: active
    ApiKey.objects.filter(pk=parent.pk).update(revoked_at=timezone.now())  # revoked by another request since
    with pytest.raises(Forbidden):
        api_key_create(project=project, name="late", scope="read", created_by=owner, parent=parent)
    assert not ApiKey.objects.filter(parent=parent).exists()


def test_a_minted_key_belongs_to_the_parents_creator_and_stops_with_their_role(api, owner, project, make_api_key):
    parent = make_api_key(project, "write")
    child = _mint(api, parent, scope="write").json()["key"]
    assert _key(child).created_by == owner
    Membership.objects.filter(user=owner, project=project).update(role=Role.VIEWER)
    assert api.get("/api/audit", HTTP_X_API_KEY=child).status_code == 401


def test_a_session_user_creates_keys_as_before(owner_api):
    response = owner_api.post("/api/api-keys", {"name": "laptop", "scope": "write"})
    assert response.status_code == 201
    assert response.json()["api_key"]["parent_id"] is None
    assert response.json()["api_key"]["expires_at"] is None


# ---------------------------------------------------------------- revoking cascades


@pytest.fixture
def family(api, project, make_api_key):
    """root → child → grandchild, root → sibling; plus an unrelated key of the same project (raw keys)."""
    root = make_api_key(project, "write")
    child = _mint(api, root, scope="write").json()["key"]
    grandchild = _mint(api, child, scope="read").json()["key"]
    sibling = _mint(api, root, scope="read").json()["key"]
    unrelated = make_api_key(project, "write")
    return {"root": root, "child": child, "grandchild": grandchild, "sibling": sibling, "unrelated": unrelated}


def test_revoking_a_key_revokes_every_key_it_minted(owner_api, api, family):
    root = _key(family["root"])
    response = owner_api.post(f"/api/api-keys/{root.id}/revoke")
    assert response.status_code == 200
    assert response.json()["api_key"]["active"] is False
    for name in ("root", "child", "grandchild", "sibling"):
        assert api.get("/api/audit", HTTP_X_API_KEY=family[name]).status_code == 401, name
    assert _works(api, family["unrelated"])
    events = AuditEvent.objects.filter(action="api_key.revoke")
    assert events.count() == 4
    assert {event.payload.get("via") for event in events} == {None, str(root.id)}


def test_a_key_revokes_itself_and_what_it_minted_but_nothing_else(api, family):
    child = _key(family["child"])
    for target in ("root", "sibling", "unrelated"):
        refused = api.post(
            f"/api/api-keys/{_key(family[target]).id}/revoke", csrf=False, HTTP_X_API_KEY=family["child"]
        )
        assert refused.status_code == 403, target
        assert refused.json()["error"] == "forbidden"
    grandchild = _key(family["grandchild"])
    assert (
        api.post(f"/api/api-keys/{grandchild.id}/revoke", csrf=False, HTTP_X_API_KEY=family["child"]).status_code == 200
    )
    assert api.post(f"/api/api-keys/{child.id}/revoke", csrf=False, HTTP_X_API_KEY=family["child"]).status_code == 200
    assert api.get("/api/audit", HTTP_X_API_KEY=family["child"]).status_code == 401
    for name in ("root", "sibling", "unrelated"):
        assert _works(api, family[name]), name


def test_revoking_from_the_command_line_cascades_too(api, family):
    from django.core.management import call_command

    call_command("api_key", "revoke", _key(family["child"]).prefix)
    assert api.get("/api/audit", HTTP_X_API_KEY=family["grandchild"]).status_code == 401
    assert _works(api, family["root"])
