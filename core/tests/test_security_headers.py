"""Security headers on every response: a CSP without inline scripts, no framing, Referrer- and Permissions-Policy."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def assert_security_headers(response):
    csp = directives(response)
    assert csp["script-src"] == "'self'"
    assert "unsafe-inline" not in csp.get("default-src", "") + csp["script-src"]
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    for feature in ("camera", "microphone", "geolocation"):
        assert f"{feature}=()" in response["Permissions-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login", "/api/auth/me", "/health", "/no-such-page"])
def test_pages_and_api_answers_carry_the_security_headers(api, path):
    response = api.get(path)
    assert_security_headers(response)
    if path == "/login":
        assert directives(response)["style-src"] == "'self'"


@pytest.mark.django_db
def test_dashboard_pages_allow_no_inline_styles(owner_api):
    response = owner_api.get("/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert directives(response)["style-src"] == "'self'"


@pytest.mark.django_db
def test_swagger_ui_runs_its_scripts_from_files_under_the_policy(api):
    page = api.get("/api/docs/")
    assert_security_headers(page)
    assert directives(page)["style-src"] == "'self' 'unsafe-inline'"  # Swagger UI's own inline <style>
    html = page.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script would be blocked"
    script = api.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_templates_have_no_inline_scripts_event_handlers_or_style_attributes():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        inline = re.search(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style|javascript:", text)
        if inline:
            offenders.append(f"{template.relative_to(ROOT)}: {inline.group(0)!r}")
    assert offenders == [], "the CSP blocks these: move them to static files"
