"""Bad input gets a JSON 4xx naming the field; never a 500. Every response has a request id."""

import pytest


@pytest.mark.django_db
def test_malformed_json_is_400(owner_api, scope, owner):
    scope.owners.add(owner)
    response = owner_api.post("/api/projects", raw="{not json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_input"
    assert "body" in body["detail"]
    assert body["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": ["list"]}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "ok", "account_scope": "not-a-uuid"}, "account_scope"),
        ({"name": "ok", "account_scope": 12}, "account_scope"),
        ({"name": 123}, "name"),  # a number is not a name (DRF's CharField would have taken it as "123")
    ],
)
def test_wrong_types_name_the_field(owner_api, scope, owner, payload, field):
    scope.owners.add(owner)
    response = owner_api.post("/api/projects", payload)
    assert response.status_code == 400
    assert field in response.json()["detail"]


@pytest.mark.django_db
def test_a_json_array_body_is_400_not_500(owner_api, scope, owner):
    scope.owners.add(owner)
    response = owner_api.post("/api/projects", raw="[1, 2]")
    assert response.status_code == 400


@pytest.mark.django_db
def test_non_json_content_type_is_415(owner_api):
    response = owner_api.post("/api/projects", raw="name=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"


@pytest.mark.django_db
def test_oversize_body_is_413_and_nothing_is_created(owner_api, settings, scope, owner):
    from core.models import Project

    scope.owners.add(owner)
    before = Project.objects.count()
    response = owner_api.post("/api/projects", raw='{"name": "' + "x" * (settings.MAX_REQUEST_BODY_BYTES + 10) + '"}')
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert Project.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    # "²" and "١" pass str.isdigit() but int() refuses them: they were a 500.
    ["page=0", "page=abc", "page_size=0", "page_size=501", "page_size=x", "page=%C2%B2", "page_size=%D9%A1"],
)
def test_bad_pagination_is_400(owner_api, query):
    response = owner_api.get(f"/api/audit?{query}")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_input"


@pytest.mark.django_db
def test_serializer_errors_map_each_field_to_one_message(owner_api):
    """API.md: `detail` maps field → message, whichever view refused the input (not DRF's lists of messages)."""
    response = owner_api.post("/api/api-keys", {"scope": "admin"})
    assert response.status_code == 400
    assert response.json()["detail"] == {
        "name": "This field is required.",
        "scope": '"admin" is not a valid choice.',
    }


@pytest.mark.django_db
def test_unknown_api_path_is_json_404(api):
    response = api.get("/api/does-not-exist")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.django_db
def test_unauthenticated_api_call_is_401_json(api):
    response = api.get("/api/projects")
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


@pytest.mark.django_db
def test_wrong_method_is_405_json(owner_api):
    response = owner_api.get("/api/auth/logout")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


@pytest.mark.django_db
def test_safe_request_id_is_echoed_and_unsafe_one_replaced(api):
    echoed = api.get("/health", HTTP_X_REQUEST_ID="trace-abc.123")
    assert echoed["X-Request-ID"] == "trace-abc.123"
    replaced = api.get("/health", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert replaced["X-Request-ID"] != "bad id\nwith newline"
    assert len(replaced["X-Request-ID"]) == 32
    generated = api.get("/api/auth/me")
    assert len(generated["X-Request-ID"]) == 32
