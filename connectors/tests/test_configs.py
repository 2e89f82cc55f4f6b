"""Connector configs: seeded from the environment, secrets never shown."""

import pytest
from django.core.management import call_command

from connectors.models import ConnectorConfig
from core.models import Project


@pytest.mark.django_db
def test_bootstrap_seeds_the_demo_projects_connectors_from_the_environment(settings, sandbox, make_tenant, capsys):
    tenant = make_tenant()
    settings.CHATWOOT_BASE_URL, settings.CHATWOOT_API_TOKEN = sandbox.chatwoot_url, tenant.chatwoot_token
    settings.CHATWOOT_ACCOUNT_ID = str(tenant.chatwoot_account_id)
    settings.LINEAR_API_URL, settings.LINEAR_API_KEY = sandbox.linear_url, tenant.linear_api_key
    settings.ATTIO_API_URL, settings.ATTIO_API_KEY = "", ""  # unset: not configured
    call_command("bootstrap")
    call_command("bootstrap")  # idempotent
    demo = Project.objects.get(name=settings.WORKFORCE_DEMO_PROJECT)
    configs = {c.source: c for c in ConnectorConfig.objects.filter(project=demo)}
    assert set(configs) == {"chatwoot", "linear"}
    assert configs["chatwoot"].account_id == str(tenant.chatwoot_account_id)
    output = capsys.readouterr().out
    assert tenant.chatwoot_token not in output
    assert tenant.linear_api_key not in output
    assert tenant.chatwoot_token not in repr(configs["chatwoot"])
    assert tenant.chatwoot_token not in str(configs["chatwoot"])


@pytest.mark.django_db
def test_admin_never_renders_a_connector_secret(client, make_user, studio, make_tenant, bind):
    tenant = make_tenant()
    bind(studio, tenant, sources=["chatwoot"])
    client.force_login(make_user("root", superuser=True))
    config = ConnectorConfig.objects.get(project=studio)
    page = client.get(f"/admin/connectors/connectorconfig/{config.pk}/change/")
    assert page.status_code == 200
    assert tenant.chatwoot_token not in page.content.decode()
    # Saving without typing a secret keeps the stored one.
    form = {
        "project": studio.pk, "source": "chatwoot", "base_url": config.base_url, "secret": "",
        "account_id": config.account_id, "enabled": "on", "sync_interval_minutes": 30, "rate_limit_per_second": 5,
    }  # fmt: skip
    assert client.post(f"/admin/connectors/connectorconfig/{config.pk}/change/", form).status_code == 302
    config.refresh_from_db()
    assert config.secret == tenant.chatwoot_token
    assert config.sync_interval_minutes == 30


@pytest.mark.django_db
def test_admin_bulk_actions_retry_now_and_mark_resolved(
    client, make_user, studio, make_tenant, bind, sandbox, eager_tasks, django_capture_on_commit_callbacks
):
    from connectors.models import ConnectorError
    from connectors.services.sync import connector_sync
    from jobs.models import JobRun

    bind(studio, make_tenant(), sources=["linear"])
    sandbox.add_fault(service="linear", path="/graphql", operation="cycles", kind="status", status=500, times=3)
    sandbox.add_fault(service="linear", path="/graphql", operation="teams", kind="status", status=500, times=3)
    connector_sync(project=studio, source="linear", sleep=lambda s: None)
    sandbox.clear_faults()
    cycles = ConnectorError.objects.get(project=studio, stream="cycles")
    teams = ConnectorError.objects.get(project=studio, stream="teams")
    client.force_login(make_user("root", superuser=True))
    url = "/admin/connectors/connectorerror/"
    with django_capture_on_commit_callbacks(execute=True):  # queued for a worker (eager here) after commit
        response = client.post(url, {"action": "retry_now", "_selected_action": [str(cycles.pk)]}, follow=True)
    run = JobRun.objects.get(job="connector_error_retry")
    assert f"Queued 1 retry run(s): {run.id}" in response.content.decode()
    assert (run.status, run.counts["outcome"]) == ("succeeded", "resolved")
    client.post(url, {"action": "mark_resolved", "_selected_action": [str(teams.pk)]})
    cycles.refresh_from_db()
    teams.refresh_from_db()
    assert cycles.status == "resolved"
    assert teams.status == "resolved"
    assert "root" in teams.history[-1]["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["http://127.0.0.1:3000", "http://localhost/", "http://10.0.0.8", "http://[::1]:80"])
def test_a_private_base_url_is_refused_on_save_when_the_policy_says_so(settings, project, url):
    from connectors.services.configs import connector_config_upsert
    from core.http import AddressNotAllowed

    settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(AddressNotAllowed, match="CONNECTOR_ALLOW_PRIVATE_ADDRESSES"):
        connector_config_upsert(project=project, source="chatwoot", base_url=url, secret="t", account_id="1")
    assert not ConnectorConfig.objects.filter(project=project).exists()
    settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES = True  # development: the sandbox listens on 127.0.0.1
    connector_config_upsert(project=project, source="chatwoot", base_url=url, secret="t", account_id="1")
    assert ConnectorConfig.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_the_admin_form_names_a_private_base_url(settings, project):
    from connectors.admin import ConnectorConfigForm

    settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES = False
    form = ConnectorConfigForm(
        data={"project": project.pk, "source": "chatwoot", "base_url": "http://169.254.169.254/latest", "secret": "t",
              "account_id": "1", "enabled": True, "sync_interval_minutes": 15, "rate_limit_per_second": 5},
    )  # fmt: skip
    assert not form.is_valid()
    assert "private or reserved" in form.errors["base_url"][0]
