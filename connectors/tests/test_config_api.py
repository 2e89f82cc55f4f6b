"""Sources through the API: connect a project's Chatwoot, Linear and Attio, test a token before the first sync
fails (over real HTTP to the sandbox), and never see a token again once it is saved."""

import json
import logging

import pytest

from audit.models import AuditEvent
from conftest import ApiClient
from connectors.models import ConnectorConfig, ConnectorSyncState, SyncStatus
from core.models import Membership, Role
from workforce import embedded

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant(make_tenant):
    return make_tenant(messages=40)


def body_for(sandbox, tenant, source: str, **overrides) -> dict:
    body = {
        "chatwoot": {"base_url": sandbox.chatwoot_url, "token": tenant.chatwoot_token,
                     "account_id": str(tenant.chatwoot_account_id)},
        "linear": {"base_url": sandbox.linear_url, "token": tenant.linear_api_key},
        "attio": {"base_url": sandbox.attio_url, "token": tenant.attio_api_key},
    }[source]  # fmt: skip
    return {"source": source, **body, **overrides}


@pytest.fixture
def viewer_api(make_user, project):
    viewer = make_user("vic-viewer")
    Membership.objects.create(user=viewer, project=project, role=Role.VIEWER)
    api = ApiClient()
    api.login(viewer.username)
    api.select(project)
    return api


@pytest.mark.parametrize("source", ["chatwoot", "linear", "attio"])
def test_a_good_token_is_ok_and_names_the_account(owner_api, sandbox, tenant, source):
    created = owner_api.post("/api/connectors/configs", body_for(sandbox, tenant, source))
    assert created.status_code == 201, created.json()

    answer = owner_api.post(f"/api/connectors/configs/{source}/test", {})

    assert answer.status_code == 200
    result = answer.json()
    assert (result["ok"], result["outcome"]) == (True, "ok"), result
    assert result["account_name"]
    assert result["account_name"] in result["detail"]


@pytest.mark.parametrize("source", ["chatwoot", "linear", "attio"])
def test_a_bad_token_is_bad_token_and_the_token_never_comes_back(owner_api, sandbox, tenant, source, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-token-" + source * 3
    answer = owner_api.post(f"/api/connectors/configs/{source}/test", body_for(sandbox, tenant, source, token=wrong))

    result = answer.json()
    assert (answer.status_code, result["ok"], result["outcome"]) == (200, False, "bad_token"), result
    assert wrong not in json.dumps(result)
    assert wrong not in caplog.text
    assert not ConnectorConfig.objects.exists(), "testing values saves nothing"


NO_SUCH_WORKSPACE = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    ("source", "account"), [("chatwoot", "999999"), ("linear", NO_SUCH_WORKSPACE), ("attio", NO_SUCH_WORKSPACE)]
)
def test_a_wrong_account_id_is_wrong_account(owner_api, sandbox, tenant, source, account):
    body = body_for(sandbox, tenant, source, account_id=account)
    result = owner_api.post(f"/api/connectors/configs/{source}/test", body).json()
    assert (result["ok"], result["outcome"]) == (False, "wrong_account"), result
    assert "account id" in result["detail"]


def test_another_tenants_chatwoot_account_is_wrong_account(owner_api, sandbox, tenant, make_tenant):
    other = make_tenant(messages=10)
    body = body_for(sandbox, tenant, "chatwoot", account_id=str(other.chatwoot_account_id))
    assert owner_api.post("/api/connectors/configs/chatwoot/test", body).json()["outcome"] == "wrong_account"


def test_a_closed_port_is_unreachable(owner_api, sandbox, tenant):
    closed = f"http://127.0.0.1:{embedded.free_port()}"
    result = owner_api.post("/api/connectors/configs/attio/test", body_for(sandbox, tenant, "attio", base_url=closed))
    assert (result.json()["ok"], result.json()["outcome"]) == (False, "unreachable")


def test_another_product_is_unexpected(owner_api, sandbox, tenant):
    # Linear's endpoint asked Attio's question: it answers, but not like Attio.
    body = body_for(sandbox, tenant, "attio", base_url=sandbox.linear_url, token=tenant.linear_api_key)
    result = owner_api.post("/api/connectors/configs/attio/test", body).json()
    assert (result["ok"], result["outcome"]) == (False, "unexpected"), result
    assert "Traceback" not in result["detail"]


def test_the_saved_token_is_write_only(owner_api, viewer_api, sandbox, tenant, project):
    owner_api.post("/api/connectors/configs", body_for(sandbox, tenant, "linear"))
    config = owner_api.get("/api/connectors/configs/linear").json()
    assert config["token_set"] is True
    assert config["token_changed_at"]
    assert "token" not in config
    assert "secret" not in config
    assert tenant.linear_api_key not in json.dumps(owner_api.get("/api/connectors/configs").json())
    audit = AuditEvent.objects.get(project=project, action="connector.config_created")
    assert tenant.linear_api_key not in json.dumps(audit.payload)
    assert "token" in audit.payload["fields"]


def test_replacing_the_token_moves_its_change_time_and_nothing_else_changes_it(owner_api, sandbox, tenant):
    owner_api.post("/api/connectors/configs", body_for(sandbox, tenant, "attio"))
    first = owner_api.get("/api/connectors/configs/attio").json()["token_changed_at"]
    assert owner_api.patch("/api/connectors/configs/attio", {"sync_interval_minutes": 30}).status_code == 200
    assert owner_api.get("/api/connectors/configs/attio").json()["token_changed_at"] == first
    answer = owner_api.patch("/api/connectors/configs/attio", {"token": "another"})
    assert answer.status_code == 200
    assert answer.json()["token_changed_at"] > first
    assert ConnectorConfig.objects.get(source="attio").secret == "another"


def test_viewers_read_configs_and_cannot_change_or_test_them(owner_api, viewer_api, sandbox, tenant):
    owner_api.post("/api/connectors/configs", body_for(sandbox, tenant, "linear"))
    listed = viewer_api.get("/api/connectors/configs")
    assert listed.status_code == 200
    assert [config["source"] for config in listed.json()["configs"]] == ["linear"]
    assert viewer_api.patch("/api/connectors/configs/linear", {"enabled": False}).status_code == 403
    assert viewer_api.post("/api/connectors/configs/linear/test", {}).status_code == 403
    assert viewer_api.delete("/api/connectors/configs/linear").status_code == 403
    assert ConnectorConfig.objects.get(source="linear").enabled is True


def test_bad_input_is_400_naming_the_field_and_changes_nothing(owner_api, sandbox, tenant):
    owner_api.post("/api/connectors/configs", body_for(sandbox, tenant, "linear"))
    cases = [
        ({"sync_interval_minutes": 0}, "sync_interval_minutes"),
        ({"rate_limit_per_second": -1}, "rate_limit_per_second"),
        ({"base_url": "ftp://example.com"}, "base_url"),
        ({"token": "   "}, "token"),
    ]
    for body, field in cases:
        answer = owner_api.patch("/api/connectors/configs/linear", body)
        assert answer.status_code == 400, (body, answer.json())
        assert field in answer.json()["detail"], answer.json()
    assert ConnectorConfig.objects.get(source="linear").secret == tenant.linear_api_key

    missing = owner_api.post("/api/connectors/configs", {"source": "attio", "base_url": sandbox.attio_url})
    assert missing.status_code == 400
    assert "token" in missing.json()["detail"]
    no_account = owner_api.post("/api/connectors/configs", body_for(sandbox, tenant, "chatwoot", account_id=""))
    assert no_account.status_code == 400
    assert "account_id" in no_account.json()["detail"]
    assert owner_api.post("/api/connectors/configs", {"source": "jira"}).status_code == 400
    again = owner_api.post("/api/connectors/configs", body_for(sandbox, tenant, "linear"))
    assert again.status_code == 409
    assert owner_api.get("/api/connectors/configs/jira").status_code == 404
    assert owner_api.get("/api/connectors/configs/attio").status_code == 404


def test_a_successful_test_resumes_a_connector_paused_for_its_token(owner_api, sandbox, tenant, project):
    owner_api.post("/api/connectors/configs", body_for(sandbox, tenant, "linear"))
    ConnectorSyncState.objects.create(project=project, source="linear", status=SyncStatus.PAUSED,
                                      paused_reason="auth: 401")  # fmt: skip

    assert owner_api.post("/api/connectors/configs/linear/test", {}).json()["ok"] is True

    state = ConnectorSyncState.objects.get(project=project, source="linear")
    assert (state.status, state.paused_reason) == (SyncStatus.IDLE, "")


def test_configs_are_per_project(owner_api, sandbox, tenant, other_project):
    ConnectorConfig.objects.create(project=other_project, source="attio", base_url=sandbox.attio_url, secret="x")
    assert owner_api.get("/api/connectors/configs").json()["configs"] == []
    assert owner_api.get("/api/connectors/configs/attio").status_code == 404
    assert owner_api.delete("/api/connectors/configs/attio").status_code == 404
    assert ConnectorConfig.objects.filter(project=other_project).count() == 1


def test_deleting_a_config_keeps_what_was_synced(owner_api, sandbox, tenant, project, sleep):
    from connectors.selectors import raw_rows
    from connectors.services.sync import connector_sync

    owner_api.post("/api/connectors/configs", body_for(sandbox, tenant, "linear"))
    connector_sync(project=project, source="linear", sleep=sleep)
    before = raw_rows(project=project, source="linear", stream="issues").count()

    assert owner_api.delete("/api/connectors/configs/linear").status_code == 204

    assert not ConnectorConfig.objects.filter(project=project).exists()
    assert raw_rows(project=project, source="linear", stream="issues").count() == before > 0
    assert AuditEvent.objects.filter(project=project, action="connector.config_deleted").exists()
