"""A read API key never writes: every endpoint that takes POST, PUT, PATCH or DELETE refuses it with 403 and
changes nothing. The endpoints are read from the URLconf, so a new one is covered the day it is added."""

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from audit.models import AuditEvent
from core.models import ApiKey, IdempotencyRecord, Membership, Project
from jobs.models import JobRun

pytestmark = pytest.mark.django_db

UNSAFE = ("post", "put", "patch", "delete")
PLACEHOLDER = "00000000-0000-4000-8000-000000000000"
# Views no API key authenticates: their own credential is the password, or the webhook token and signature.
NOT_KEY_AUTHENTICATED = {"auth-login", "webhook-receive"}
# POSTs that only read (docs/security.md, "API keys and tenancy"): a read key may call them.
READS_BY_POST = {"lightrag-query", "search"}


def _routes(patterns=None, prefix: str = ""):
    """(path template, URLPattern) for every URL of the project."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _path(template: str) -> str:
    """A concrete path: every `<converter:name>` becomes a well-formed id nobody has."""
    return "/" + re.sub(r"<(?:\w+:)?\w+>", PLACEHOLDER, template)


def _api_views():
    return [
        (pattern.name, _path(template), pattern.callback.view_class)
        for template, pattern in _routes()
        if isinstance(getattr(pattern.callback, "view_class", None), type)
        and issubclass(pattern.callback.view_class, APIView)
    ]


def _mutations() -> list:
    return [
        pytest.param(path, method, id=f"{method.upper()} {name}")
        for name, path, view_class in _api_views()
        if name not in NOT_KEY_AUTHENTICATED | READS_BY_POST
        for method in UNSAFE
        if hasattr(view_class, method)
    ]


def _rows() -> dict:
    return {
        "audit": AuditEvent.objects.count(),
        "keys": ApiKey.objects.count(),
        "revoked": ApiKey.objects.filter(revoked_at__isnull=False).count(),
        "projects": Project.objects.count(),
        "memberships": Membership.objects.count(),
        "job_runs": JobRun.objects.count(),
        "idempotency": IdempotencyRecord.objects.count(),
    }


def test_the_url_list_finds_the_mutating_endpoints():
    found = {param.id for param in _mutations()}
    assert len(found) >= 20
    assert {
        "POST projects",
        "POST api-keys",
        "POST api-key-revoke",
        "POST lightrag-feedback",
        "POST auth-logout",
    } <= found


def test_views_exempted_as_not_key_authenticated_never_authenticate_a_key():
    exempt = [view_class for name, _, view_class in _api_views() if name in NOT_KEY_AUTHENTICATED]
    assert len(exempt) == len(NOT_KEY_AUTHENTICATED)
    assert all(view_class.authentication_classes == [] for view_class in exempt)


@pytest.mark.parametrize(("path", "method"), _mutations())
def test_a_read_key_gets_403_on_every_mutating_endpoint(api, project, make_api_key, path, method):
    raw = make_api_key(project, "read")
    before = _rows()
    response = api.client.generic(
        method.upper(),
        path,
        json.dumps({"name": "x", "query_run_id": PLACEHOLDER, "rating": 1, "stage": "won"}),
        content_type="application/json",
        HTTP_X_API_KEY=raw,
        HTTP_IDEMPOTENCY_KEY="read-key-probe",
    )
    assert response.status_code == 403, response.content
    assert response.json()["error"] == "forbidden"
    assert _rows() == before


def test_plain_views_under_api_take_no_post(project, make_api_key):
    raw = make_api_key(project, "read")
    client = Client()  # no CSRF check in the way: the view itself must refuse the method
    plain = [
        _path(template)
        for template, pattern in _routes()
        if template.startswith("api/") and not hasattr(pattern.callback, "view_class")
    ]
    assert plain  # the event stream
    for path in plain:
        assert client.post(path, HTTP_X_API_KEY=raw).status_code == 405, path


@pytest.mark.parametrize("path", ["/api/lightrag/query", "/api/search"])
def test_a_read_key_may_ask_lightrag_which_only_logs_the_query(api, project, make_api_key, offline, path):
    from rag.models import QueryRun

    raw = make_api_key(project, "read")
    response = api.post(path, {"query": "logo files"}, csrf=False, HTTP_X_API_KEY=raw)
    assert response.status_code == 200, response.content
    assert QueryRun.objects.filter(project=project, pk=response.json()["query_run_id"]).exists()


def test_feedback_is_a_write_refused_to_read_keys_allowed_to_write_keys_and_viewers(
    api, make_user, project, make_api_key, offline
):
    from rag.models import Feedback
    from rag.services.query import QueryParams, lightrag_query

    run_id = lightrag_query(project=project, params=QueryParams(query="logo files"))["query_run_id"]
    body = {"query_run_id": run_id, "rating": 1}
    refused = api.post("/api/lightrag/feedback", body, csrf=False, HTTP_X_API_KEY=make_api_key(project, "read"))
    assert refused.status_code == 403
    assert "read-only" in refused.json()["detail"]
    assert not Feedback.objects.exists()
    write = make_api_key(project, "write")
    assert api.post("/api/lightrag/feedback", body, csrf=False, HTTP_X_API_KEY=write).status_code == 201
    viewer = make_user("vic-viewer")
    Membership.objects.create(user=viewer, project=project, role="viewer")
    api.login(viewer.username)
    api.select(project)
    assert api.post("/api/lightrag/feedback", {**body, "rating": -1}).status_code == 201
    assert Feedback.objects.count() == 2
