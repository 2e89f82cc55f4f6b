"""Fixtures: one set of sandbox servers per session, a shared read-only tenant, fresh tenants to mutate."""

import itertools

import pytest
import requests

from sandbox import SandboxServers

_numbers = itertools.count(1)


class Chatwoot:
    def __init__(self, servers, tenant, token: str | None = None, account: int | None = None) -> None:
        self.session = requests.Session()
        self.session.headers["api_access_token"] = token or tenant.chatwoot_token
        self.base = f"{servers.chatwoot_url}/api/v1/accounts/{account or tenant.chatwoot_account_id}"

    def get(self, path: str = "", **params):
        return self.session.get(self.base + path, params=params, timeout=10)

    def post(self, path: str, body, **params):
        return self.session.post(self.base + path, json=body, params=params, timeout=10)


class Linear:
    def __init__(self, servers, tenant, key: str | None = None) -> None:
        self.session = requests.Session()
        self.session.headers["Authorization"] = key or tenant.linear_api_key
        self.url = servers.linear_url

    def query(self, query: str, **variables):
        return self.session.post(self.url, json={"query": query, "variables": variables}, timeout=10)

    def data(self, query: str, **variables) -> dict:
        response = self.query(query, **variables)
        body = response.json()
        assert response.status_code == 200, body
        assert "errors" not in body, body
        return body["data"]


class Attio:
    def __init__(self, servers, tenant, key: str | None = None) -> None:
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key or tenant.attio_api_key}"
        self.base = servers.attio_url

    def get(self, path: str, **params):
        return self.session.get(self.base + path, params=params, timeout=10)

    def query(self, slug: str, **body):
        return self.session.post(f"{self.base}/v2/objects/{slug}/records/query", json=body, timeout=10)


@pytest.fixture(scope="session")
def sandbox():
    servers = SandboxServers(host="127.0.0.1").start()
    yield servers
    servers.stop()


@pytest.fixture(autouse=True)
def _no_leftover_faults(sandbox):
    yield
    sandbox.clear_faults()


@pytest.fixture(scope="session")
def acme(sandbox):
    """A 2000-message tenant that no test mutates."""
    return sandbox.add_tenant(name="acme", seed="acme", messages=2000)


@pytest.fixture
def make_tenant(sandbox):
    def make(seed: str = "fresh", messages: int = 600):
        return sandbox.add_tenant(name=f"t{next(_numbers)}", seed=seed, messages=messages)

    return make


@pytest.fixture
def fresh(make_tenant):
    """A small tenant of its own, for tests that change data."""
    return make_tenant()


@pytest.fixture
def chatwoot(sandbox, acme):
    return Chatwoot(sandbox, acme)


@pytest.fixture
def linear(sandbox, acme):
    return Linear(sandbox, acme)


@pytest.fixture
def attio(sandbox, acme):
    return Attio(sandbox, acme)


def walk_conversations(client: Chatwoot, **params) -> list[dict]:
    """Every page of the conversation list."""
    rows, page = [], 1
    while True:
        payload = client.get("/conversations", page=page, **params).json()["data"]["payload"]
        rows.extend(payload)
        if len(payload) < 25:
            return rows
        page += 1
