"""Pytest fixtures shared by every app: sandbox servers (real HTTP) and projects bound to sandbox tenants."""

import itertools

import pytest

from connectors.models import RAW_MODELS
from connectors.services.configs import connector_config_upsert
from core.models import AccountScope, Project

_tenant_numbers = itertools.count(1)
SMALL = 600  # messages per test tenant: enough for multi-page walks, fast to generate and sync


@pytest.fixture(scope="session")
def sandbox():
    from sandbox import SandboxServers

    servers = SandboxServers(host="127.0.0.1").start()
    yield servers
    servers.stop()


@pytest.fixture
def make_tenant(sandbox):
    def make(seed: str = "acme", messages: int = SMALL):
        return sandbox.add_tenant(name=f"t{next(_tenant_numbers)}", seed=seed, messages=messages)

    return make


@pytest.fixture
def bind(sandbox):
    """Point a project's connectors at a sandbox tenant (generous rate budget: the sandbox has no limit)."""

    def bind_project(project, tenant, sources=("chatwoot", "linear", "attio")):
        urls = {"chatwoot": sandbox.chatwoot_url, "linear": sandbox.linear_url, "attio": sandbox.attio_url}
        secrets = {
            "chatwoot": tenant.chatwoot_token,
            "linear": tenant.linear_api_key,
            "attio": tenant.attio_api_key,
        }
        for source in sources:
            connector_config_upsert(
                project=project,
                source=source,
                base_url=urls[source],
                secret=secrets[source],
                account_id=str(tenant.chatwoot_account_id) if source == "chatwoot" else "",
                rate_limit_per_second=1000,
            )
        return project

    return bind_project


@pytest.fixture
def waits():
    """Seconds the HTTP client asked to sleep (a clock seam: the retry still happens over real HTTP)."""
    return []


@pytest.fixture
def sleep(waits):
    return waits.append


@pytest.fixture
def confirm_at_once(settings):
    """A second 404 confirms a deletion however soon it follows the first (production waits 5 minutes)."""
    settings.DELETION_CONFIRM_AFTER_SECONDS = 0


@pytest.fixture
def studio(db):
    scope = AccountScope.objects.create(name="Sandbox studio")
    return Project.objects.create(name="Sync project", account_scope=scope)


def raw_snapshot(project, source: str | None = None) -> dict:
    """{(source, stream): {external_id: payload_hash}} of a project's live raw rows."""
    snapshot = {}
    for (model_source, stream), model in RAW_MODELS.items():
        if source and model_source != source:
            continue
        rows = model.objects.filter(project=project, deleted_at__isnull=True).values_list("external_id", "payload_hash")
        snapshot[(model_source, stream)] = dict(rows)
    return snapshot


def totals(run, key: str) -> int:
    return sum(stream[key] for stream in run.counts.values())


@pytest.fixture
def published(monkeypatch):
    """Live events published during the test, as (project id, event type, data); nothing reaches the bus.

    Events go out after commit (`core.events.publish_on_commit`): run the work inside
    `django_capture_on_commit_callbacks(execute=True)` (or a `transaction=True` test) to see them.
    """
    import core.events

    sent = []

    def record(*, project_id, event_type: str, data: dict) -> bool:
        sent.append((project_id, event_type, data))
        return True

    monkeypatch.setattr(core.events, "publish", record)
    return sent


@pytest.fixture
def reconcile(sleep, django_capture_on_commit_callbacks):
    """One reconciliation run, after-commit hooks included; returns its metrics by connector."""
    from connectors.services.reconciliation import reconciliation_run

    def run(project) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            result = reconciliation_run(project=project, sleep=sleep)
        return {metric.source: metric for metric in result["metrics"]}

    return run


@pytest.fixture
def sweep(sleep, django_capture_on_commit_callbacks):
    """One scheduled deletion sweep over every connector (its own check key, as each scheduled run has)."""
    import uuid

    from connectors.services.deletions import deletions_sweep

    def run(project) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return deletions_sweep(project=project, check_key=str(uuid.uuid4()), sleep=sleep)

    return run


@pytest.fixture
def sync(sleep, django_capture_on_commit_callbacks):
    """`sync(project, source)`: a sync whose after-commit hooks (CRM mirror, chunks) run as in production."""
    from connectors.services.sync import connector_sync

    def run(project, source, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = connector_sync(project=project, source=source, sleep=sleep, **kwargs)
        assert result.status == "ok", result.error
        return result

    return run
