"""`/metrics` exposes django-prometheus and `app_*` families; the OpenAPI schema and docs are served."""

import pytest


@pytest.mark.django_db
def test_metrics_has_request_counters_and_app_registry(api):
    api.get("/health")
    response = api.get("/metrics")
    text = response.content.decode()
    assert response.status_code == 200
    assert "django_http_requests_total_by_method_total" in text
    for name in ("app_up 1.0", "app_scope_violation_total", "app_pubsub_publish_total"):
        assert name in text


@pytest.mark.django_db
def test_openapi_schema_lists_the_api(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    for path in ("/api/auth/login", "/api/projects", "/api/audit"):
        assert path in schema["paths"]


@pytest.mark.django_db
def test_swagger_ui_is_served_without_a_cdn(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr" not in html


@pytest.fixture
def openapi(api):
    return api.get("/api/schema/", HTTP_ACCEPT="application/json").json()


def operations(openapi):
    return [(path, method, op) for path, item in openapi["paths"].items() for method, op in item.items()]


@pytest.mark.django_db
def test_every_operation_documents_the_errors_it_can_give_in_the_error_envelope(openapi):
    """core.api.schema derives them from each view; `tests/test_api_contract.py` checks them against the server."""
    for path, method, operation in operations(openapi):
        responses = set(operation["responses"])
        assert "400" in responses or (method == "get" and "parameters" not in operation), (method, path)
        assert "404" in responses or "{" not in path, (method, path)
        if method == "post":
            assert {"400", "413"} <= responses, (method, path)
        if path != "/api/webhooks/{source}/{token}":  # authenticated by its path token and signature
            assert {"401", "429"} <= responses, (method, path)
        for response in operation["responses"].values():
            assert "$ref" in response or "X-Request-ID" in response["headers"], (method, path)
    components = openapi["components"]
    assert components["responses"]["Throttled"]["headers"]["Retry-After"] == {"$ref": "#/components/headers/RetryAfter"}
    error = components["responses"]["InvalidInput"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}
    assert components["schemas"]["Error"]["required"] == ["detail", "error", "request_id"]


@pytest.mark.django_db
def test_the_schema_states_the_real_limits_and_formats(openapi):
    paths, schemas = openapi["paths"], openapi["components"]["schemas"]
    page_size = next(p for p in paths["/api/audit"]["get"]["parameters"] if p["name"] == "page_size")
    assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (1, 500)
    select = paths["/api/projects/{project_id}/select"]["post"]
    assert select["parameters"][0]["schema"] == {"type": "string", "format": "uuid"}
    assert set(select["responses"]) >= {"400", "401", "403", "404", "429"}
    name = schemas["ProjectCreateRequest"]["properties"]["name"]
    assert name["minLength"] == 1
    assert name["maxLength"] == 200
    assert name["pattern"]  # not blank, no NUL
    assert schemas["QueryRequest"]["properties"]["query"]["maxLength"] == 4000
    assert schemas["TickRequest"]["additionalProperties"] is False
    assert any(p["name"] == "Idempotency-Key" for p in paths["/api/projects"]["post"]["parameters"])
    assert "503" in paths["/api/connectors/sync"]["post"]["responses"]
    runs = {p["name"]: p["schema"] for p in paths["/api/connectors/runs"]["get"]["parameters"]}
    assert runs["connector"]["enum"] == ["attio", "chatwoot", "linear"]
    empty_is_absent = {p["name"]: p.get("allowEmptyValue") for p in paths["/api/connectors/runs"]["get"]["parameters"]}
    assert empty_is_absent == {"connector": True, "status": True, "page": None, "page_size": None}
