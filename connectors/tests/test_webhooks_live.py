"""End to end over real HTTP: the sandbox's own subscriptions deliver signed webhooks to a running server, a
real worker on the `webhooks` queue applies them, and the change is searchable without any sync."""

import time

import pytest

from connectors.models import RawAttioDeal, RawChatwootMessage, RawLinearIssue, WebhookDelivery
from connectors.selectors import raw_rows
from connectors.services.sync import connector_sync
from connectors.services.webhook_registration import webhooks_register_all, webhooks_status
from crm.models import CrmOpportunity
from rag.models import Chunk, ChunkStatus
from rag.services.embeddings import embeddings_run

pytestmark = pytest.mark.django_db(transaction=True)


def eventually(check, timeout: float = 30.0):
    """Poll until `check()` is truthy (the worker runs in another process); returns its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {check.__doc__ or check}")


@pytest.fixture
def live_project(project, make_tenant, bind, sleep, settings, asgi_server, celery_worker, offline):
    """A synced, embedded project whose three sources deliver webhooks to the running server."""
    tenant = make_tenant(messages=120)
    bind(project, tenant)
    for source in ("attio", "linear", "chatwoot"):
        assert connector_sync(project=project, source=source, sleep=sleep).status == "ok"
    embeddings_run(project=project)
    settings.WEBHOOK_PUBLIC_URL = asgi_server.url
    assert webhooks_register_all(project=project, actor="test") == dict.fromkeys(("attio", "chatwoot", "linear"),
                                                                                  "registered")  # fmt: skip
    project.tenant = tenant
    return project


def ready_chunk_with(project, source_id: str, text: str):
    return Chunk.objects.filter(project=project, source_id=source_id, status=ChunkStatus.READY, text__contains=text)


def test_source_changes_arrive_by_webhook_and_are_searchable_without_a_sync(live_project, sandbox):
    project, tenant = live_project, live_project.tenant
    (issue,) = sandbox.mutate(tenant=tenant.name, action="edit_issues", count=1)["issues"]
    conversation = raw_rows(project=project, source="chatwoot", stream="conversations").first().external_id
    (message,) = sandbox.mutate(tenant=tenant.name, action="new_messages", ids=[int(conversation)])["messages"]
    (deal,) = sandbox.mutate(tenant=tenant.name, action="move_deal_stage", count=1, stage="Won 🎉")["deals"]

    title = eventually(lambda: RawLinearIssue.objects.filter(project=project, external_id=issue,
                                                             title__endswith="(revised)").first())  # fmt: skip
    eventually(lambda: ready_chunk_with(project, issue, title.title).exists())
    text = eventually(lambda: RawChatwootMessage.objects.filter(project=project, external_id=str(message)).first())
    eventually(lambda: ready_chunk_with(project, conversation, text.content[:60]).exists())
    eventually(lambda: CrmOpportunity.objects.filter(project=project, external_ref=deal, stage="won").exists())
    assert RawAttioDeal.objects.get(project=project, external_id=deal).stage == "Won 🎉"

    # A delivery is marked applied after its re-read returns (chunks embedded), a moment after the mirror moved.
    applied = WebhookDelivery.objects.filter(project=project, status="applied")
    eventually(lambda: set(applied.values_list("source", flat=True)) == {"attio", "chatwoot", "linear"})
    status = {row["source"]: row for row in webhooks_status(project=project)}
    assert all(status[source]["registered"] and status[source]["last_delivery_at"] for source in status)


def test_a_deletion_delivered_by_webhook_leaves_search_at_once(live_project, sandbox):
    project, tenant = live_project, live_project.tenant
    (issue,) = sandbox.mutate(tenant=tenant.name, action="delete_issues", count=1)["issues"]
    eventually(lambda: RawLinearIssue.objects.filter(project=project, external_id=issue, deleted_reason="deleted"))
    assert not Chunk.objects.filter(project=project, source_id=issue).exists()
