"""Registering webhooks at the sources through their own APIs (the sandbox's): API, command, config changes,
the Connectors page; without WEBHOOK_PUBLIC_URL nothing is registered and the product runs as before."""

import io

import pytest
from django.core.management import call_command

from connectors.models import ConnectorConfig, WebhookEndpoint
from connectors.services.configs import connector_config_upsert

pytestmark = pytest.mark.django_db(transaction=True)  # re-registering on a config change runs after commit

PUBLIC = "https://ops.example.test"


@pytest.fixture
def bound(project, make_tenant, bind, settings):
    settings.WEBHOOK_PUBLIC_URL = PUBLIC
    tenant = make_tenant()
    bind(project, tenant)
    project.tenant = tenant
    return project


def subscriptions(sandbox, tenant) -> dict[str, list[dict]]:
    found = {}
    for entry in sandbox.subscriptions(tenant=tenant.name):
        found.setdefault(entry["service"], []).append(entry)
    return found


def test_register_subscribes_each_source_to_a_url_only_it_knows(owner_api, bound, sandbox):
    for source in ("chatwoot", "linear", "attio"):
        response = owner_api.post(f"/api/connectors/{source}/webhook/register")
        assert response.status_code == 200, response.json()
        webhook = response.json()["webhook"]
        assert webhook["registered"]
        assert webhook["signed"]
        assert webhook["url"].startswith(f"{PUBLIC}/api/webhooks/{source}/")
        assert webhook["url"].endswith("…")
    found = subscriptions(sandbox, bound.tenant)
    assert sorted(found) == ["attio", "chatwoot", "linear"]
    assert all(len(entries) == 1 for entries in found.values())
    endpoint = WebhookEndpoint.objects.get(project=bound, source="linear")
    assert endpoint.secret == found["linear"][0]["secret"]  # Linear signs with the secret we gave it
    status = {row["source"]: row for row in owner_api.get("/api/connectors/webhooks").json()["webhooks"]}
    assert all(status[source]["registered"] for source in ("chatwoot", "linear", "attio"))
    assert "secret" not in str(status)
    assert endpoint.secret not in str(status)


def test_re_registering_replaces_the_subscription_and_the_url(owner_api, bound, sandbox):
    first = owner_api.post("/api/connectors/attio/webhook/register").json()["webhook"]["url"]
    second = owner_api.post("/api/connectors/attio/webhook/register").json()["webhook"]["url"]
    assert first != second
    assert len(subscriptions(sandbox, bound.tenant)["attio"]) == 1


def test_unregister_removes_it_at_the_source_and_the_old_url_stops_working(owner_api, bound, sandbox, api):
    owner_api.post("/api/connectors/chatwoot/webhook/register")
    (subscription,) = subscriptions(sandbox, bound.tenant)["chatwoot"]
    token = subscription["url"].rsplit("/", 1)[1]
    response = owner_api.post("/api/connectors/chatwoot/webhook/unregister")
    assert response.json()["webhook"]["registered"] is False
    assert "chatwoot" not in subscriptions(sandbox, bound.tenant)
    assert api.client.post(f"/api/webhooks/chatwoot/{token}", b"{}", content_type="application/json").status_code == 404


def test_a_config_change_re_registers_and_disabling_removes(owner_api, bound, sandbox):
    owner_api.post("/api/connectors/linear/webhook/register")
    config = ConnectorConfig.objects.get(project=bound, source="linear")
    before = WebhookEndpoint.objects.get(config=config).remote_id
    connector_config_upsert(project=bound, source="linear", base_url=config.base_url, secret=config.secret,
                            account_id="other-workspace")  # fmt: skip
    after = WebhookEndpoint.objects.get(config=config)
    assert after.registered_at is not None
    assert after.remote_id != before
    assert len(subscriptions(sandbox, bound.tenant)["linear"]) == 1
    connector_config_upsert(project=bound, source="linear", base_url=config.base_url, secret=config.secret,
                            account_id="other-workspace", enabled=False)  # fmt: skip
    assert WebhookEndpoint.objects.get(config=config).registered_at is None
    assert "linear" not in subscriptions(sandbox, bound.tenant)


def test_without_a_public_url_registering_is_refused_and_nothing_is_subscribed(owner_api, bound, sandbox, settings):
    settings.WEBHOOK_PUBLIC_URL = ""
    response = owner_api.post("/api/connectors/linear/webhook/register")
    assert response.status_code == 409
    assert response.json()["error"] == "no_public_url"
    assert subscriptions(sandbox, bound.tenant) == {}


def test_a_viewer_cannot_register(api, bound, make_user):
    from core.models import Membership, Role

    viewer = make_user("vera-viewer")
    Membership.objects.create(user=viewer, project=bound, role=Role.VIEWER)
    api.login(viewer.username)
    api.select(bound)
    assert api.post("/api/connectors/linear/webhook/register").status_code == 403


def test_the_command_registers_reports_and_unregisters(bound, sandbox):
    out = io.StringIO()
    call_command("webhooks", "register", "--project", bound.name, stdout=out)
    assert out.getvalue().count("registered (") == 3
    out = io.StringIO()
    call_command("webhooks", "status", "--project", bound.name, stdout=out)
    assert out.getvalue().count('"registered": true') == 3
    out = io.StringIO()
    call_command("webhooks", "unregister", "--project", bound.name, "--connector", "attio", stdout=out)
    assert "attio" in out.getvalue()
    assert "unregistered" in out.getvalue()
    assert sorted(subscriptions(sandbox, bound.tenant)) == ["chatwoot", "linear"]


def test_the_connectors_page_shows_each_webhook_and_offers_registration(owner_api, bound):
    owner_api.post("/api/connectors/linear/webhook/register")
    html = owner_api.get("/partials/connectors/webhooks").content.decode()
    assert 'data-testid="webhook-state-linear"><span class="status ok">registered' in html
    assert 'data-testid="webhook-state-attio"><span class="muted">not registered' in html
    assert 'data-testid="webhook-unregister-linear"' in html
    assert 'data-testid="webhook-register-attio"' in html


def test_the_commands_without_a_project_take_every_project_with_enabled_connectors(bound, sandbox):
    out = io.StringIO()
    call_command("webhooks", "status", stdout=out)
    assert out.getvalue().count(bound.name) == 3  # one line per source
    out = io.StringIO()
    call_command("reconcile", "--dry-run", stdout=out)
    assert bound.name in out.getvalue()
    assert "Dry run: nothing was changed." in out.getvalue()
