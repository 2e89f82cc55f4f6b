"""Login, logout, me, CSRF, session rotation and the login throttle, over real HTTP handling."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from audit.models import AuditEvent
from conftest import ApiClient
from core.models import Membership, Role


@pytest.mark.django_db
def test_me_reports_anonymous_and_gives_a_csrf_token(api):
    body = api.get("/api/auth/me").json()
    assert body["authenticated"] is False
    assert body["user"] is None
    assert len(body["csrf_token"]) >= 32


@pytest.mark.django_db
def test_login_then_me_then_logout(api, owner, project):
    response = api.login(owner.username)
    assert response.status_code == 200
    assert response.json()["user"]["username"] == owner.username
    # The only project the user has becomes active at login.
    assert response.json()["active_project"] == {"id": str(project.id), "name": project.name}

    me = api.get("/api/auth/me").json()
    assert me["authenticated"] is True
    assert me["user"]["role"] == "owner"

    assert api.post("/api/auth/logout").json() == {"ok": True}
    assert api.get("/api/auth/me").json()["authenticated"] is False
    assert api.get("/api/projects").status_code == 401


@pytest.mark.django_db
def test_session_cookie_is_http_only_lax_and_lasts_14_days(api, owner):
    api.login(owner.username)
    cookie = api.client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 14 * 24 * 3600


@pytest.mark.django_db
def test_session_id_rotates_at_login(api, owner):
    api.refresh_csrf()
    api.client.session["warmup"] = True  # an anonymous session exists before login
    before = api.client.cookies.get("sessionid")
    api.login(owner.username)
    after = api.client.cookies["sessionid"].value
    assert after
    assert before is None or before.value != after


@pytest.mark.django_db
def test_logout_destroys_the_session_server_side(api, owner):
    api.login(owner.username)
    old_session = api.client.cookies["sessionid"].value
    api.post("/api/auth/logout")
    replay = ApiClient()
    replay.client.cookies["sessionid"] = old_session
    assert replay.get("/api/projects").status_code == 401


@pytest.mark.django_db
def test_mutation_without_csrf_header_is_refused(api, owner, project, scope):
    scope.owners.add(owner)
    api.login(owner.username)
    response = api.post("/api/projects", {"name": "Gamma"}, csrf=False)
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"
    assert api.post("/api/projects", {"name": "Gamma"}).status_code == 201


@pytest.mark.django_db
def test_login_itself_needs_csrf(api, owner):
    api.refresh_csrf()
    response = api.post("/api/auth/login", {"username": owner.username, "password": "x"}, csrf=False)
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"


@pytest.mark.django_db
def test_unknown_user_and_wrong_password_get_the_same_answer(api, owner):
    unknown = api.login("nobody-here", "whatever")
    wrong = api.login(owner.username, "wrong-password")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json()["error"] == wrong.json()["error"] == "invalid_credentials"
    assert unknown.json()["detail"] == wrong.json()["detail"]


@pytest.mark.django_db
def test_logins_are_audited_without_a_project(api, owner):
    api.login(owner.username, "wrong-password")
    api.login(owner.username)
    actions = list(AuditEvent.objects.order_by("created_at").values_list("action", "project_id", "actor_label"))
    assert ("auth.login_failed", None, owner.username) in actions
    assert ("auth.login", None, owner.username) in actions


@pytest.mark.django_db
def test_throttle_kicks_in_after_ten_failures_and_resets_after_the_window(api, owner):
    for _ in range(9):
        assert api.login(owner.username, "wrong").status_code == 401
    tenth = api.login(owner.username, "wrong")
    assert tenth.status_code == 429
    assert tenth.json()["error"] == "throttled"
    assert int(tenth["Retry-After"]) > 0
    # Even the right password is refused while locked out.
    assert api.login(owner.username).status_code == 429
    # Another username from the same IP is not locked by this user's failures.
    assert api.login("someone-else", "wrong").status_code == 401

    # The window passes: move the recorded failures 16 minutes into the past.
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert api.login(owner.username).status_code == 200


@pytest.mark.django_db
def test_success_resets_the_failure_count(api, owner):
    for _ in range(9):
        api.login(owner.username, "wrong")
    assert api.login(owner.username).status_code == 200
    api.post("/api/auth/logout")
    for _ in range(9):
        assert api.login(owner.username, "wrong").status_code == 401


@pytest.mark.django_db
def test_login_rate_per_ip_limits_many_usernames(api, settings):
    from django.core.cache import cache

    cache.clear()
    statuses = [api.login(f"user-{n}", "wrong").status_code for n in range(35)]
    assert statuses[:30] == [401] * 30
    assert statuses[-1] == 429


def test_login_opens_the_project_last_made_active_among_several(api, owner, project, make_project):
    second = make_project("Second", members={owner: Role.OWNER})
    api.login(owner.username)
    assert api.get("/api/auth/me").json()["active_project"] is None  # two projects, never chosen: the list
    api.select(second)
    api.post("/api/auth/logout")

    assert api.login(owner.username).status_code == 200
    assert api.get("/api/auth/me").json()["active_project"]["id"] == str(second.id)

    Membership.objects.filter(user=owner, project=second).delete()  # lost access since: back to choosing
    api.post("/api/auth/logout")
    api.login(owner.username)
    assert api.get("/api/auth/me").json()["active_project"]["id"] == str(project.id)  # now their only one
