"""LightRAG test fixtures: the fake OpenAI server, provider settings, and projects synced from the sandbox."""

import pytest

from connectors.services.sync import connector_sync

SOURCES = ("attio", "linear", "chatwoot")
MESSAGES = 200  # seed "delta" at 200 messages: English and Russian conversations, fast to sync


@pytest.fixture
def sync_all(sleep, django_capture_on_commit_callbacks):
    """Sync every source of a project; the page hooks (chunk builder) run as they would after commit."""

    def run(project, sources=SOURCES, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            for source in sources:
                run = connector_sync(project=project, source=source, sleep=sleep, **kwargs)
                assert run.status == "ok", run.error
        return project

    return run


@pytest.fixture
def studio_project(project, make_tenant, bind, sync_all, offline):
    """`project` (the one `owner_api` has active) bound to a sandbox tenant and synced: chunks pending."""
    tenant = make_tenant(seed="delta", messages=MESSAGES)
    bind(project, tenant)
    sync_all(project)
    project.tenant = tenant
    return project
