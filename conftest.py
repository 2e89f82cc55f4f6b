"""Shared fixtures: users, projects, memberships and API clients that behave like real callers."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from core.models import AccountScope, Membership, Project, Role
from core.services import api_key_create

pytest_plugins = [
    "tests.support.sandbox",
    "tests.support.openai_fake",
    "tests.support.tools",
    "tests.support.live",
    "tests.support.recorder",
]

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test fixture password


def _split_headers(headers: dict) -> tuple[dict, dict]:
    """WSGI-style `HTTP_…` keys go to META, plain header names to `headers=`."""
    meta = {k: v for k, v in headers.items() if k.startswith("HTTP_")}
    return meta, {k: v for k, v in headers.items() if not k.startswith("HTTP_")}


class ApiClient:
    """A browser-like JSON client: keeps the session cookie and sends X-CSRF-Token like the dashboard."""

    def __init__(self) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.csrf_token = ""

    def refresh_csrf(self) -> str:
        self.csrf_token = self.get("/api/auth/me").json()["csrf_token"]
        return self.csrf_token

    def get(self, path, params=None, **headers):
        meta, plain = _split_headers(headers)
        return self.client.get(path, params or {}, headers=plain, **meta)

    def post(self, path, payload=None, **options):
        return self._write("post", path, payload, **options)

    def patch(self, path, payload=None, **options):
        return self._write("patch", path, payload, **options)

    def delete(self, path, **options):
        return self._write("delete", path, None, raw="", **options)

    def _write(self, method, path, payload, *, csrf=True, raw=None, content_type="application/json", **headers):
        if csrf:
            headers.setdefault("X-CSRF-Token", self.csrf_token or self.refresh_csrf())
        body = raw if raw is not None else json.dumps(payload if payload is not None else {})
        meta, plain = _split_headers(headers)
        return getattr(self.client, method)(path, body, content_type=content_type, headers=plain, **meta)

    def login(self, username: str, password: str = PASSWORD):
        self.refresh_csrf()
        response = self.post("/api/auth/login", {"username": username, "password": password})
        if response.status_code == 200:
            self.csrf_token = response.json()["csrf_token"]
        return response

    def select(self, project):
        return self.post(f"/api/projects/{project.id}/select")


@pytest.fixture
def make_user(db):
    def make(username: str, *, superuser: bool = False):
        model = get_user_model()
        if superuser:
            return model.objects.create_superuser(username=username, password=PASSWORD, email="")
        return model.objects.create_user(username=username, password=PASSWORD)

    return make


@pytest.fixture
def scope(db):
    return AccountScope.objects.create(name="Studio A")


@pytest.fixture
def other_scope(db):
    return AccountScope.objects.create(name="Studio B")


@pytest.fixture
def make_project(db, scope):
    def make(name: str, *, account_scope=None, members: dict | None = None):
        project = Project.objects.create(name=name, account_scope=account_scope or scope)
        for user, role in (members or {}).items():
            Membership.objects.create(user=user, project=project, role=role)
        return project

    return make


@pytest.fixture
def owner(make_user):
    return make_user("olga-owner")


@pytest.fixture
def project(make_project, owner):
    return make_project("Alpha", members={owner: Role.OWNER})


@pytest.fixture
def other_project(make_project, other_scope, make_user):
    stranger = make_user("sam-stranger")
    return make_project("Beta", account_scope=other_scope, members={stranger: Role.OWNER})


@pytest.fixture
def api():
    return ApiClient()


@pytest.fixture
def owner_api(api, owner, project):
    """Logged in as an owner with `project` active."""
    assert api.login(owner.username).status_code == 200
    assert api.select(project).status_code == 200
    return api


@pytest.fixture
def make_api_key(owner):
    def make(project, scope: str = "read", **kwargs):
        _, raw = api_key_create(project=project, name="test key", scope=scope, created_by=owner, **kwargs)
        return raw

    return make


@pytest.fixture
def eager_tasks():
    """Queued Celery tasks run inline, as a worker would, so a request's effects can be checked."""
    from workforce.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness is for attackers, not for a test suite that logs in hundreds of times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
