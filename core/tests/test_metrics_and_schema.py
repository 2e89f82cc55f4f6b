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
