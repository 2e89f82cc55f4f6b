"""The API keeps the promises of its OpenAPI schema (docs/security.md, "API contract").

Schemathesis reads `/api/schema/` from the live server (`tests/support/live.py`) and runs every check against
it: status codes, content types, headers and bodies as documented, schema-valid input accepted, invalid input
refused with a 4xx, authentication enforced, unsupported methods answered 405, no 5xx. Once as an API key with
write scope (every phase: examples, coverage, fuzzing, stateful), once as a logged-in session with its CSRF
token (the same but coverage), over a project with synced data. Fixed seed, derandomized, bounded examples: the
same requests every run. Alone: `.venv/bin/python -m pytest -q tests/test_api_contract.py`.
"""

import os
import secrets

import pytest
import redis
import schemathesis
from django.conf import settings
from django.core.cache import cache
from schemathesis.engine import events, from_schema

from connectors.services.sync import connector_sync
from rag.services.embeddings import embeddings_run
from rag.services.query import QueryParams, lightrag_query
from tests.support.live import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

# CI runs the defaults; a deeper local run: CONTRACT_SEED=7 CONTRACT_MAX_EXAMPLES=100 pytest tests/test_api_contract.py
SEED = int(os.environ.get("CONTRACT_SEED", "15"))
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "5"))

# Rules the schema can state only in words (JSON Schema has no "now", no cross-field or cross-connector rule):
# a schema-valid body may still break one and get its 400 naming the field, so on these operations
# `positive_data_acceptance` also accepts 400. Every other check stays on.
RULES_IN_WORDS = {
    "projects_create": "account_scope: a scope the caller owns",
    "api_keys_create": "expires_at: in the future",
    "lightrag_query": "date_to later than date_from, both inside the calendar once in UTC",
    "search": "date_to later than date_from, both inside the calendar once in UTC",
    "connectors_sync_all": "streams: streams of the project's connectors",
    "connector_sync": "streams: streams of that connector",
    "jobs_connector_sync": "streams: streams of that connector",
    "connectors_resync_create": "ids: `stream:id` with a stream and an id format of that connector",
    "connectors_configs_create": "base_url: a host that resolves (a public one when private ones are not allowed); "
    "account_id: required for Chatwoot",
    "connectors_configs_partial_update": "base_url: a host that resolves (a public one when private ones are not "
    "allowed); account_id: not blank for Chatwoot",
    "connectors_configs_test_create": "base_url and token: required when the source is not connected yet",
    "projects_members_create": "user: an existing, active user",
}
# Not fuzzed, and why:
# - the webhook receiver: its credentials are a per-endpoint path token and the source's signature, which
#   fuzzed requests cannot carry, so every request would stop at the 404 for an unknown token; its own tests
#   (connectors/tests/test_webhooks*.py) send it real and forged deliveries.
EXCLUDED_PATHS = ["/api/webhooks/{source}/{token}"]
# - logout, in the session run only: it ends the very session the rest of the run is authenticated with
#   (the API-key run fuzzes it).
SESSION_EXCLUDED_OPERATIONS = ["auth_logout_create"]


# schemathesis' default for positive_data_acceptance (a schema cannot promise an id exists, or a quota).
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]


def contract_config(**project) -> schemathesis.Config:
    """Every check; seeded, derandomized and bounded; `project` adds or replaces top-level options."""
    positive_400 = [
        {
            "include-operation-id": operation_id,
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
        }
        for operation_id in RULES_IN_WORDS
    ]
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "checks": {"enabled": True},
            # Derandomized, no example database, no cache of earlier runs: the same requests every run.
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "no-shrink": True, "database": "none"},
            "cache": {"enabled": False},
            "request-timeout": 30,
            "operations": positive_400,
            **project,
        }
    )


def contract_run(schema) -> list[str]:
    """Run every phase; return each failed check and each server error as a readable paragraph."""
    problems = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            problems.extend(_failed_checks(event.recorder) + _server_errors(event.recorder))
        elif isinstance(event, events.NonFatalError):
            problems.append(f"error in {event.label}: {event.info.message}")
        elif isinstance(event, events.FatalError):
            problems.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            problems.extend(f"{f.operation}: {f.title}: {f.message}" for f in event.failures)
    return problems


def _failed_checks(recorder) -> list[str]:
    return [
        f"{check.failure_info.failure.operation}: {check.name}: {check.failure_info.failure.title}\n"
        f"{check.failure_info.failure.message}\n{check.failure_info.code_sample}"
        for checks in recorder.checks.values()
        for check in checks
        if check.failure_info is not None
    ]


def _server_errors(recorder) -> list[str]:
    return [
        f"{i.request.method} {i.request.uri}: server error {i.response.status_code}"
        for i in recorder.interactions.values()
        if i.response is not None and i.response.status_code >= 500
    ]


@pytest.fixture(autouse=True)
def _server_left_clean(asgi_server):
    """Later tests share the live server and the cache: drop the syncs the run queued (no worker takes them here)
    and the run's login attempts counted per client IP (tests log in from the same address)."""
    yield
    broker = redis.Redis.from_url(asgi_server.env["REDIS_URL"])
    queues = [key for key in broker.scan_iter() if broker.type(key) == b"list"]  # kombu keeps each queue in a list
    if queues:
        broker.delete(*queues)
    cache.clear()


@pytest.fixture
def synced_project(project, make_tenant, bind, sleep, offline):
    """The owner's project, synced from a small sandbox tenant, embedded and asked once (ids exist)."""
    bind(project, make_tenant(messages=60))
    for source in ("attio", "linear", "chatwoot"):
        assert connector_sync(project=project, source=source, sleep=sleep).status == "ok"
    embeddings_run(project=project)
    lightrag_query(project=project, params=QueryParams(query="renewal"), actor_label="test")
    return project


def test_api_key_caller_gets_what_the_schema_promises(asgi_server, synced_project, make_api_key):
    config = contract_config(auth={"openapi": {"apiKey": {"bearer": make_api_key(synced_project, "write")}}})
    schema = schemathesis.openapi.from_url(f"{asgi_server.url}/api/schema/?format=json", config=config)
    problems = contract_run(schema.exclude(path=EXCLUDED_PATHS))
    assert not problems, "\n\n".join(problems)


def test_session_caller_gets_what_the_schema_promises(asgi_server, synced_project, owner):
    cookies = session_cookie(owner, synced_project)
    csrf = secrets.token_hex(16)
    cookies[settings.CSRF_COOKIE_NAME] = csrf

    # The coverage phase's systematic cases (each parameter's bounds and types, missing fields, other methods)
    # reach the same validation behind either authenticator and run once, in the API-key run: this run adds the
    # session's own path (cookie, CSRF token) to the examples, fuzzing and stateful phases, every check on.
    phases = {"coverage": {"enabled": False}}
    config = contract_config(headers={"X-CSRF-Token": csrf}, phases=phases)
    schema = schemathesis.openapi.from_url(f"{asgi_server.url}/api/schema/?format=json", config=config)
    schema = schema.exclude(path=EXCLUDED_PATHS).exclude(operation_id=SESSION_EXCLUDED_OPERATIONS)

    class SessionAuth:
        """The session and CSRF cookies on every request (the X-CSRF-Token header is in the config)."""

        def get(self, case, ctx):
            return cookies

        def set(self, case, data, ctx):
            case.cookies = {**(case.cookies or {}), **data}

    schema.auth.auth(refresh_interval=None)(SessionAuth)
    problems = contract_run(schema)
    assert not problems, "\n\n".join(problems)
