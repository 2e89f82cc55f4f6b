"""People of a project through `/api/projects/<id>/members`: owners add, re-role and remove members; the last
owner stays; a removed member loses the project at once, sessions and keys alike."""

import pytest

from audit.models import AuditEvent
from conftest import ApiClient
from core.models import ApiKey, Membership, Role

pytestmark = pytest.mark.django_db


def members_url(project) -> str:
    return f"/api/projects/{project.id}/members"


def logged_in(user, project) -> ApiClient:
    client = ApiClient()
    assert client.login(user.username).status_code == 200
    assert client.select(project).status_code == 200
    return client


@pytest.fixture
def pat(make_user):
    user = make_user("pat-pm")
    user.email = "Pat@Studio.test"
    user.save()
    return user


def test_owner_adds_by_username_or_email_and_everyone_sees_the_list(owner_api, project, pat, make_user):
    vic = make_user("vic")
    added = owner_api.post(members_url(project), {"user": "pat@studio.test", "role": "pm"})
    assert added.status_code == 201, added.json()
    assert (added.json()["username"], added.json()["role"]) == ("pat-pm", "pm")
    assert owner_api.post(members_url(project), {"user": "vic"}).json()["role"] == "viewer"
    again = owner_api.post(members_url(project), {"user": "vic", "role": "owner"})
    assert again.status_code == 200
    assert again.json()["role"] == "viewer", "adding an existing member changes nothing"

    listed = logged_in(vic, project).get(members_url(project))
    assert listed.status_code == 200
    assert [(m["username"], m["role"]) for m in listed.json()["members"]] == [
        ("olga-owner", "owner"), ("pat-pm", "pm"), ("vic", "viewer")]  # fmt: skip
    assert AuditEvent.objects.filter(project=project, action="member.add").count() == 2


def test_only_owners_change_members(owner_api, project, pat, make_user):
    Membership.objects.create(project=project, user=pat, role=Role.PM)
    pm = logged_in(pat, project)
    assert pm.post(members_url(project), {"user": "olga-owner", "role": "viewer"}).status_code == 403
    assert pm.patch(f"{members_url(project)}/{pat.pk}", {"role": "owner"}).status_code == 403
    assert Membership.objects.get(project=project, user=pat).role == Role.PM


def test_the_last_owner_is_neither_removed_nor_demoted(owner_api, owner, project, pat):
    me = f"{members_url(project)}/{owner.pk}"
    demoted = owner_api.patch(me, {"role": "pm"})
    assert demoted.status_code == 409
    assert demoted.json()["error"] == "last_owner"
    assert owner_api.delete(me).status_code == 409
    assert Membership.objects.get(project=project, user=owner).role == Role.OWNER

    owner_api.post(members_url(project), {"user": "pat-pm", "role": "owner"})
    assert owner_api.patch(me, {"role": "pm"}).status_code == 200  # another owner remains


def test_a_removed_member_loses_the_project_at_once(owner_api, project, pat, make_api_key):
    Membership.objects.create(project=project, user=pat, role=Role.PM)
    session = logged_in(pat, project)
    assert session.get("/api/connectors/state").status_code == 200
    from core.services import api_key_create

    _, key = api_key_create(project=project, name="pat's script", scope="read", created_by=pat)
    assert ApiClient().get("/api/connectors/state", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200

    assert owner_api.delete(f"{members_url(project)}/{pat.pk}").status_code == 204

    assert session.get("/api/connectors/state").status_code in (403, 409)
    assert session.get(members_url(project)).status_code == 404
    assert ApiClient().get("/api/connectors/state", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert ApiKey.objects.get(created_by=pat).revoked_at is not None
    assert AuditEvent.objects.get(project=project, action="member.remove").payload == {"keys_revoked": 1}


def test_bad_input_names_the_field(owner_api, project):
    unknown = owner_api.post(members_url(project), {"user": "nobody"})
    assert unknown.status_code == 400
    assert "user" in unknown.json()["detail"]
    bad_role = owner_api.post(members_url(project), {"user": "olga-owner", "role": "admin"})
    assert bad_role.status_code == 400
    assert "role" in bad_role.json()["detail"]
    assert owner_api.get("/api/projects/not-a-uuid/members").status_code == 400
    assert owner_api.patch(f"{members_url(project)}/abc", {"role": "pm"}).status_code == 404


def test_another_project_s_members_are_not_found(owner_api, other_project, make_api_key, project):
    assert owner_api.get(members_url(other_project)).status_code == 404
    assert owner_api.post(members_url(other_project), {"user": "olga-owner"}).status_code == 404
    key = make_api_key(project, scope="write")
    with_key = ApiClient()
    assert with_key.get(members_url(project), HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert with_key.get(members_url(other_project), HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 404
    added = with_key.post(members_url(project), {"user": "olga-owner"}, csrf=False, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert added.status_code == 403
