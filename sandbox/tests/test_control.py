"""Control endpoints over HTTP, the request log, tenants added while running, and the CLI."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from sandbox.tests.conftest import Chatwoot, Linear

REPO = Path(__file__).resolve().parents[2]


def test_health_on_every_server(sandbox):
    for base in (sandbox.chatwoot_url, sandbox.linear_url.removesuffix("/graphql"), sandbox.attio_url):
        body = requests.get(f"{base}/_sandbox/health", timeout=5).json()
        assert body["status"] == "ok"
        assert body["chatwoot_url"] == sandbox.chatwoot_url


def test_tenants_can_be_added_over_http_while_running(sandbox):
    created = requests.post(f"{sandbox.attio_url}/_sandbox/tenants",
                            json={"name": "via-http", "seed": "via-http", "messages": 300}, timeout=30)  # fmt: skip
    assert created.status_code == 201
    body = created.json()
    assert body["chatwoot_token"].startswith("cw-via-http-")
    assert body["linear_api_key"].startswith("lin_sandbox_via-http_")
    tenant = sandbox.tenant("via-http")
    assert Linear(sandbox, tenant).data("{ viewer { id } }")["viewer"]["id"]
    duplicate = requests.post(f"{sandbox.attio_url}/_sandbox/tenants", json={"name": "via-http"}, timeout=5)
    assert duplicate.status_code == 400


def test_mutate_faults_and_requests_over_http(sandbox, fresh):
    base = f"{sandbox.chatwoot_url}/_sandbox"
    result = requests.post(f"{base}/mutate", json={"tenant": fresh.name, "action": "new_messages", "count": 2},
                           timeout=5).json()  # fmt: skip
    assert len(result["messages"]) == 2
    rule = requests.post(f"{base}/faults", json={"path": "/agents", "kind": "status", "status": 503}, timeout=5)
    assert rule.status_code == 201
    assert rule.json()["id"]
    listed = requests.get(f"{base}/faults", timeout=5).json()
    assert listed[-1]["service"] == "chatwoot"
    assert listed[-1]["id"] == rule.json()["id"]
    requests.delete(f"{base}/requests", timeout=5)
    client = Chatwoot(sandbox, fresh)
    assert client.get("/agents").status_code == 503
    assert client.get("/agents", page=2).status_code == 200
    log = requests.get(f"{base}/requests", timeout=5).json()
    assert [(e["method"], e["status"], e["query"]) for e in log] == [("GET", 503, {}), ("GET", 200, {"page": "2"})]
    assert log[0]["path"].endswith("/agents")
    assert isinstance(log[0]["at"], float)
    assert requests.delete(f"{base}/faults", timeout=5).json()["cleared"] == 1  # used up, still listed
    bad = requests.post(f"{base}/mutate", json={"tenant": fresh.name, "action": "nope"}, timeout=5)
    assert bad.status_code == 400


def test_request_log_records_bodies_per_service(sandbox, acme):
    sandbox.clear_requests()
    Linear(sandbox, acme).query("query Q($x: Int) { issues(first: $x) { nodes { id } } }", x=1)
    entry = sandbox.requests("linear")[-1]
    assert entry["body"]["variables"] == {"x": 1}
    assert entry["method"] == "POST"
    assert entry["status"] == 200
    assert sandbox.requests("chatwoot") == []
    assert sandbox.requests()[-1]["service"] == "linear"


def test_cli_prints_urls_and_credentials_then_serves(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "sandbox", "serve", "--messages", "300", "--seed", "cli"]
    process = subprocess.Popen([*command, "--token", "demo-token"], stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
        info = json.loads(line)
        assert set(info) >= {"chatwoot_url", "linear_url", "attio_url", "chatwoot_token", "chatwoot_account_id",
                             "linear_api_key", "attio_api_key"}  # fmt: skip
        assert info["linear_api_key"] == "demo-token"
        response = requests.get(f"{info['chatwoot_url']}/api/v1/accounts/{info['chatwoot_account_id']}/inboxes",
                                headers={"api_access_token": "demo-token"}, timeout=5)  # fmt: skip
        assert response.status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
