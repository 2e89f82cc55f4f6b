"""LightRAG test fixtures: the fake OpenAI server, provider settings, and projects synced from the sandbox."""

import pytest

from connectors.services.sync import connector_sync
from rag.models import Chunk
from rag.services.embeddings import embeddings_run

SOURCES = ("attio", "linear", "chatwoot")
MESSAGES = 200  # seed "delta" at 200 messages: English and Russian conversations, fast to sync
MARK = "(edited)"  # what the other project's copy of the data says and ours does not (`twins`)


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


@pytest.fixture
def twins(project, other_project, make_tenant, bind, sync_all, sandbox, offline):
    """Two projects holding the same data (same seed: same clients, names, source ids); in the other one's
    tenant every message was then edited, so its chunks say MARK where ours do not. Both embedded."""
    ours, theirs = make_tenant(seed="delta", messages=MESSAGES), make_tenant(seed="delta", messages=MESSAGES)
    sandbox.mutate(tenant=theirs.name, action="edit_messages", count=400)
    bind(project, ours)
    bind(other_project, theirs)
    sync_all(project)
    sync_all(other_project)
    embeddings_run(project=project)
    embeddings_run(project=other_project)
    assert Chunk.objects.filter(project=other_project, text__contains=MARK).exists()
    assert not Chunk.objects.filter(project=project, text__contains=MARK).exists()
    project.tenant, other_project.tenant = ours, theirs
    return project, other_project
