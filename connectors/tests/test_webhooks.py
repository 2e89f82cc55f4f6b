"""Webhooks end to end, over real HTTP to the sandbox: a signed delivery names records, the applier re-reads them by
id and every layer follows (raw rows, CRM mirror, chunks embedded at once, tombstones); bad deliveries are refused
and counted, never 500; bursts coalesce, projects stay apart, a running sync is not disturbed."""

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass

import pytest
import requests
from django.db import connection

from connectors.models import (
    ConnectorConfig,
    ConnectorSyncState,
    DeliveryStatus,
    SyncRun,
    WebhookDelivery,
    WebhookEndpoint,
)
from connectors.selectors import raw_rows
from connectors.services.state import lease_claim, lease_owner_id
from connectors.services.webhook_apply import deliveries_apply
from connectors.services.webhooks import webhook_endpoint_ensure, webhook_endpoint_rotate, webhook_path
from crm.models import CrmContact, CrmOpportunity, CrmOpportunityStageEvent
from rag.models import Chunk, ChunkStatus, SourceType

pytestmark = pytest.mark.django_db

LINEAR_BY_IDS = "query ByIds"


# ---------------------------------------------------------------- signing deliveries as the sources do


@dataclass
class Delivery:
    body: bytes
    headers: dict[str, str]


def _json(payload) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def _hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_chatwoot(endpoint, payload: dict, delivery_id: str, *, at: float | None = None, secret=None) -> Delivery:
    """`X-Chatwoot-Signature: sha256=<hex HMAC(secret, "{timestamp}.{body}")>` with the timestamp in seconds."""
    timestamp = str(int(time.time() if at is None else at))
    body = _json(payload)
    signature = _hmac_hex(secret or endpoint.secret, timestamp.encode() + b"." + body)
    headers = {
        "X-Chatwoot-Signature": f"sha256={signature}",
        "X-Chatwoot-Timestamp": timestamp,
        "X-Chatwoot-Delivery": delivery_id,
    }
    return Delivery(body, headers)


def signed_linear(endpoint, payload: dict, delivery_id: str, *, at: float | None = None, secret=None) -> Delivery:
    """`Linear-Signature: <hex HMAC(secret, body)>`; the body carries `webhookTimestamp` (ms)."""
    body = _json({**payload, "webhookTimestamp": int((time.time() if at is None else at) * 1000)})
    return Delivery(
        body, {"Linear-Signature": _hmac_hex(secret or endpoint.secret, body), "Linear-Delivery": delivery_id}
    )


def signed_attio(endpoint, payload: dict, *, secret=None) -> Delivery:
    """`Attio-Signature: <hex HMAC(secret, body)>` (Attio sends no delivery id: the body's hash de-duplicates)."""
    body = _json(payload)
    return Delivery(body, {"Attio-Signature": _hmac_hex(secret or endpoint.secret, body)})


def chatwoot_event(event: str, **fields) -> dict:
    return {"event": event, **fields}


def linear_event(kind: str, action: str, entity_id: str, **data) -> dict:
    return {
        "action": action,
        "type": kind,
        "data": {"id": entity_id, **data},
        "createdAt": dt.datetime.now(dt.UTC).isoformat(),
        "organizationId": "org-sandbox",
        "webhookId": "wh-sandbox",
    }


def attio_event(event_type: str, workspace_id: str, **ids) -> dict:
    return {
        "webhook_id": "wh-sandbox",
        "events": [
            {
                "event_type": event_type,
                "id": {"workspace_id": workspace_id, **ids},
                "actor": {"type": "workspace-member", "id": "member-1"},
            }
        ],
    }


# A Linear issue id of the right shape that no test tenant has (deliveries naming it are taken, then read as gone).
ISSUE, OTHER_ISSUE = "6f1c0b1e-0000-4000-8000-000000000001", "6f1c0b1e-0000-4000-8000-000000000002"


def new_id() -> str:
    return str(uuid.uuid4())


def post(api, path: str, delivery: Delivery):
    """As the source does: the raw body, its headers, no session, no CSRF token."""
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in delivery.headers.items()}
    return api.client.post(path, delivery.body, content_type="application/json", **meta)


def accepted(response) -> WebhookDelivery:
    """A 202 naming the stored delivery."""
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == DeliveryStatus.QUEUED
    return WebhookDelivery.objects.get(pk=body["delivery"])


# ---------------------------------------------------------------- projects with endpoints


@dataclass
class Hooked:
    """A project bound to a sandbox tenant, synced, with one source's webhook endpoint."""

    project: object
    tenant: object
    endpoint: WebhookEndpoint
    path: str


def endpoint_of(project, source: str) -> tuple[WebhookEndpoint, str]:
    endpoint, token = webhook_endpoint_ensure(config=ConnectorConfig.objects.get(project=project, source=source))
    assert token, "a new endpoint shows its token once"
    return endpoint, webhook_path(source=source, token=token)


@pytest.fixture(autouse=True)
def _no_public_url(settings):
    """Nothing registers subscriptions at the sandbox: these tests build and send the deliveries themselves."""
    settings.WEBHOOK_PUBLIC_URL = ""


@pytest.fixture
def hooked(studio, make_tenant, bind, sync, offline):
    """`hooked(source)`: a project bound to a small tenant (or `tenant`), synced, with that source's endpoint."""

    def make(source: str, *, project=None, tenant=None, synced: bool = True) -> Hooked:
        project = project or studio
        tenant = tenant or make_tenant(messages=100)
        bind(project, tenant, sources=[source])
        if synced:
            sync(project, source)
        endpoint, path = endpoint_of(project, source)
        return Hooked(project, tenant, endpoint, path)

    return make


@pytest.fixture
def embedded(offline):
    """The scheduled embedding run: every pending chunk of the project searchable."""
    from rag.services.embeddings import embeddings_run

    def run(project) -> None:
        _, result = embeddings_run(project=project)
        assert not result.stopped, result.stopped

    return run


@pytest.fixture
def apply(sleep, django_capture_on_commit_callbacks):
    """What the `webhooks`-queue worker does for one endpoint, after-commit hooks (mirror, chunks) included."""

    def run(endpoint) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return deliveries_apply(endpoint_id=endpoint.pk, sleep=sleep)

    return run


def status_of(delivery: WebhookDelivery) -> str:
    delivery.refresh_from_db()
    return delivery.status


def row(project, source: str, stream: str, external_id):
    """The stored raw row, tombstone or not."""
    rows = raw_rows(project=project, source=source, stream=stream, include_deleted=True)
    return rows.get(external_id=str(external_id))


def chunks_of(project, source_type: str, source_id) -> list[Chunk]:
    return list(Chunk.objects.filter(project=project, source_type=source_type, source_id=str(source_id)))


def chunk_with(project, source_type: str, source_id, ref: str) -> Chunk | None:
    """The chunk of a record that holds one message/comment/note (`m:<id>`, `c:<id>`, `n:<id>`)."""
    for chunk in chunks_of(project, source_type, source_id):
        if any(line[0] == ref for line in chunk.meta.get("lines", [])):
            return chunk
    return None


def searchable(chunk: Chunk) -> bool:
    return chunk.status == ChunkStatus.READY and chunk.embedding is not None


def attio_ids(sandbox, tenant) -> tuple[str, dict[str, str]]:
    """(workspace id, {object api_slug: object id}) as `GET /v2/objects` gives them to the tenant's key."""
    response = requests.get(
        f"{sandbox.attio_url}/v2/objects", headers={"Authorization": f"Bearer {tenant.attio_api_key}"}, timeout=10
    )
    response.raise_for_status()
    objects = response.json()["data"]
    return objects[0]["id"]["workspace_id"], {o["api_slug"]: o["id"]["object_id"] for o in objects}


def counted(source: str, result: str) -> int:
    """`app_webhook_deliveries_total{source, result}` as stored (shared by every process)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT value FROM audit_metriccounter WHERE name = %s", [f"app_webhook_deliveries:{source}:{result}"]
        )
        found = cursor.fetchone()
    return found[0] if found else 0


def rejections(source: str) -> int:
    """Every counted result of a source's deliveries but the accepted ones."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, value FROM audit_metriccounter WHERE name LIKE %s", [f"app_webhook_deliveries:{source}:%"]
        )
        rows = cursor.fetchall()
    return sum(value for name, value in rows if name.rsplit(":", 1)[1] not in ("queued", "ignored", "duplicate"))


def by_id_reads(sandbox, issue_id: str) -> int:
    """Linear GraphQL `ByIds` queries that named this issue."""
    return sum(
        1
        for entry in sandbox.requests("linear")
        if str((entry.get("body") or {}).get("query", "")).startswith(LINEAR_BY_IDS)
        and issue_id in ((entry["body"].get("variables") or {}).get("ids") or [])
    )


# ---------------------------------------------------------------- 1. applied end to end: Chatwoot


def test_chatwoot_message_created_stores_the_message_and_its_conversation_is_searchable_at_once(
    hooked, sandbox, api, apply
):
    cw = hooked("chatwoot")
    changed = sandbox.mutate(tenant=cw.tenant.name, action="new_messages", count=1)
    (message_id,), (conversation_id,) = changed["messages"], changed["conversations"]
    content = cw.tenant.dataset.conversations[conversation_id].messages[-1].content
    payload = chatwoot_event(
        "message_created",
        id=message_id,
        content=content,
        message_type="incoming",
        conversation={"id": conversation_id},
        account={"id": cw.tenant.chatwoot_account_id},
    )

    delivery = accepted(post(api, cw.path, signed_chatwoot(cw.endpoint, payload, new_id())))
    apply(cw.endpoint)

    assert status_of(delivery) == DeliveryStatus.APPLIED
    assert row(cw.project, "chatwoot", "messages", message_id).content == content
    chunk = chunk_with(cw.project, SourceType.CHATWOOT_CONVERSATION, conversation_id, f"m:{message_id}")
    assert chunk is not None, "the conversation's chunks hold the new message"
    assert " ".join(content.split()) in chunk.text
    assert searchable(chunk), "embedded at once, not at the next embedding run"


def texts_of(project, source_type: str, source_id) -> str:
    return "\n".join(chunk.text for chunk in chunks_of(project, source_type, source_id))


def deleted_message_delivery(cw, sandbox) -> tuple[Delivery, str, str, str]:
    """A message deleted at Chatwoot and its `message_updated` delivery; (delivery, message, conversation, text)."""
    changed = sandbox.mutate(tenant=cw.tenant.name, action="delete_messages", count=1)
    (message_id,), (conversation_id,) = changed["messages"], changed["conversations"]
    text = " ".join(row(cw.project, "chatwoot", "messages", message_id).content.split())  # as stored before
    payload = chatwoot_event(
        "message_updated",
        id=message_id,
        content="This message was deleted",
        content_attributes={"deleted": True},
        conversation={"id": conversation_id},
    )
    return signed_chatwoot(cw.endpoint, payload, new_id()), str(message_id), str(conversation_id), text


def test_chatwoot_message_updated_for_a_deleted_message_tombstones_it_and_its_text_leaves_the_chunks(
    hooked, sandbox, api, apply
):
    cw = hooked("chatwoot")
    signed, message_id, conversation_id, text = deleted_message_delivery(cw, sandbox)
    assert chunk_with(cw.project, SourceType.CHATWOOT_CONVERSATION, conversation_id, f"m:{message_id}")
    shown = texts_of(cw.project, SourceType.CHATWOOT_CONVERSATION, conversation_id).count(text)
    assert shown >= 1

    delivery = accepted(post(api, cw.path, signed))
    apply(cw.endpoint)

    assert status_of(delivery) == DeliveryStatus.APPLIED
    message = row(cw.project, "chatwoot", "messages", message_id)
    assert message.deleted_at is not None
    assert message.deleted_reason == "deleted"
    assert chunk_with(cw.project, SourceType.CHATWOOT_CONVERSATION, conversation_id, f"m:{message_id}") is None
    assert texts_of(cw.project, SourceType.CHATWOOT_CONVERSATION, conversation_id).count(text) < shown
    assert chunks_of(cw.project, SourceType.CHATWOOT_CONVERSATION, conversation_id), "the rest of the thread stays"


def test_after_a_deleted_message_the_rest_of_its_conversation_is_searchable_at_once(
    hooked, sandbox, api, apply, embedded
):
    cw = hooked("chatwoot")
    embedded(cw.project)
    signed, _, conversation_id, _ = deleted_message_delivery(cw, sandbox)
    assert all(searchable(c) for c in chunks_of(cw.project, SourceType.CHATWOOT_CONVERSATION, conversation_id))

    accepted(post(api, cw.path, signed))
    apply(cw.endpoint)

    statuses = [c.status for c in chunks_of(cw.project, SourceType.CHATWOOT_CONVERSATION, conversation_id)]
    assert statuses
    assert set(statuses) == {ChunkStatus.READY}, "the rebuilt conversation waits for the next embedding run"


def test_chatwoot_contact_updated_renames_the_raw_contact_and_the_crm_contact(hooked, sandbox, api, apply):
    cw = hooked("chatwoot")
    (contact_id,) = sandbox.mutate(tenant=cw.tenant.name, action="edit_contacts", count=1)["contacts"]
    name = cw.tenant.dataset.contacts[contact_id].name
    assert row(cw.project, "chatwoot", "contacts", contact_id).name != name

    payload = chatwoot_event("contact_updated", id=contact_id, name=name)
    delivery = accepted(post(api, cw.path, signed_chatwoot(cw.endpoint, payload, new_id())))
    apply(cw.endpoint)

    assert status_of(delivery) == DeliveryStatus.APPLIED
    assert row(cw.project, "chatwoot", "contacts", contact_id).name == name
    crm = CrmContact.objects.get(project=cw.project, source_system="chatwoot", external_ref=str(contact_id))
    assert crm.name == name


# ---------------------------------------------------------------- 1. applied end to end: Linear


def test_linear_issue_update_stores_the_new_title_and_a_ready_chunk_and_tells_the_dashboard(
    hooked, sandbox, api, apply, published
):
    lin = hooked("linear")
    (issue_id,) = sandbox.mutate(tenant=lin.tenant.name, action="edit_issues", count=1)["issues"]
    title = lin.tenant.dataset.linear.issues[issue_id]["title"]
    assert row(lin.project, "linear", "issues", issue_id).title != title

    payload = linear_event("Issue", "update", issue_id, title=title)
    delivery = accepted(post(api, lin.path, signed_linear(lin.endpoint, payload, new_id())))
    apply(lin.endpoint)

    assert status_of(delivery) == DeliveryStatus.APPLIED
    assert row(lin.project, "linear", "issues", issue_id).title == title
    chunks = chunks_of(lin.project, SourceType.LINEAR_ISSUE, issue_id)
    assert chunks
    assert any(title in chunk.text for chunk in chunks)
    assert all(searchable(chunk) for chunk in chunks)
    assert any(p == lin.project.pk and kind == "data_changed" for p, kind, _ in published), "no live update"


def test_linear_issue_remove_tombstones_at_once_without_a_second_strike_and_its_chunks_go(hooked, sandbox, api, apply):
    lin = hooked("linear")
    issue_id = (
        raw_rows(project=lin.project, source="linear", stream="issues").order_by("external_id").first().external_id
    )
    assert chunks_of(lin.project, SourceType.LINEAR_ISSUE, issue_id)
    gone = sandbox.mutate(tenant=lin.tenant.name, action="delete_issues", ids=[issue_id])

    payload = linear_event("Issue", "remove", issue_id)
    delivery = accepted(post(api, lin.path, signed_linear(lin.endpoint, payload, new_id())))
    apply(lin.endpoint)

    assert status_of(delivery) == DeliveryStatus.APPLIED
    issue = row(lin.project, "linear", "issues", issue_id)
    assert issue.deleted_at is not None
    assert issue.deleted_reason == "deleted"
    for comment_id in gone["comments"]:  # its comments go with it
        assert row(lin.project, "linear", "comments", comment_id).deleted_at is not None
    assert chunks_of(lin.project, SourceType.LINEAR_ISSUE, issue_id) == []


def test_linear_comment_create_stores_the_comment_in_its_issues_chunk(hooked, sandbox, api, apply):
    lin = hooked("linear")
    changed = sandbox.mutate(tenant=lin.tenant.name, action="new_comments", count=1)
    (comment_id,), (issue_id,) = changed["comments"], changed["issues"]
    body = lin.tenant.dataset.linear.comments[comment_id]["body"]

    payload = linear_event("Comment", "create", comment_id, body=body, issueId=issue_id)
    delivery = accepted(post(api, lin.path, signed_linear(lin.endpoint, payload, new_id())))
    apply(lin.endpoint)

    assert status_of(delivery) == DeliveryStatus.APPLIED
    comment = row(lin.project, "linear", "comments", comment_id)
    assert (comment.body, comment.issue_external_id, comment.deleted_at) == (body, issue_id, None)
    chunk = chunk_with(lin.project, SourceType.LINEAR_ISSUE, issue_id, f"c:{comment_id}")
    assert chunk is not None
    assert searchable(chunk)


# ---------------------------------------------------------------- 1. applied end to end: Attio


def a_deal(project) -> str:
    return raw_rows(project=project, source="attio", stream="deals").order_by("external_id").first().external_id


def test_attio_record_updated_moves_the_crm_opportunity_stage_with_a_stage_event(hooked, sandbox, api, apply):
    at = hooked("attio")
    workspace, objects = attio_ids(sandbox, at.tenant)
    deal_id = a_deal(at.project)
    before = row(at.project, "attio", "deals", deal_id).stage
    stage = next(s["title"] for s in at.tenant.dataset.attio.statuses if s["title"] != before)
    sandbox.mutate(tenant=at.tenant.name, action="move_deal_stage", ids=[deal_id], stage=stage)

    payload = attio_event("record.updated", workspace, object_id=objects["deals"], record_id=deal_id)
    delivery = accepted(post(api, at.path, signed_attio(at.endpoint, payload)))
    apply(at.endpoint)

    assert status_of(delivery) == DeliveryStatus.APPLIED
    assert row(at.project, "attio", "deals", deal_id).stage == stage
    opportunity = CrmOpportunity.objects.get(project=at.project, external_ref=deal_id)
    assert opportunity.source_stage == stage
    event = CrmOpportunityStageEvent.objects.get(opportunity=opportunity)
    assert event.to_stage == opportunity.stage
    (chunk,) = chunks_of(at.project, SourceType.ATTIO_DEAL, deal_id)
    assert f"Stage: {stage}." in chunk.text
    assert searchable(chunk)


def test_attio_record_deleted_closes_the_opportunity_at_once(hooked, sandbox, api, apply):
    at = hooked("attio")
    workspace, objects = attio_ids(sandbox, at.tenant)
    deal_id = a_deal(at.project)
    sandbox.mutate(tenant=at.tenant.name, action="delete_deal", ids=[deal_id])

    payload = attio_event("record.deleted", workspace, object_id=objects["deals"], record_id=deal_id)
    delivery = accepted(post(api, at.path, signed_attio(at.endpoint, payload)))
    apply(at.endpoint)

    assert status_of(delivery) == DeliveryStatus.APPLIED
    assert row(at.project, "attio", "deals", deal_id).deleted_reason == "deleted"
    opportunity = CrmOpportunity.objects.get(project=at.project, external_ref=deal_id)
    assert opportunity.deleted_at is not None
    assert chunks_of(at.project, SourceType.ATTIO_DEAL, deal_id) == []


def test_attio_note_created_stores_the_note_in_its_parents_chunk(hooked, sandbox, api, apply):
    at = hooked("attio")
    workspace, _ = attio_ids(sandbox, at.tenant)
    deal_id = a_deal(at.project)
    (note_id,) = sandbox.mutate(tenant=at.tenant.name, action="new_notes", count=1, ids=[deal_id])["notes"]

    payload = attio_event("note.created", workspace, note_id=note_id)
    delivery = accepted(post(api, at.path, signed_attio(at.endpoint, payload)))
    apply(at.endpoint)

    assert status_of(delivery) == DeliveryStatus.APPLIED
    note = row(at.project, "attio", "notes", note_id)
    assert (note.parent_object, note.parent_external_id, note.deleted_at) == ("deals", deal_id, None)
    chunk = chunk_with(at.project, SourceType.ATTIO_DEAL, deal_id, f"n:{note_id}")
    assert chunk is not None
    assert searchable(chunk)


def test_attio_note_deleted_tombstones_it_and_it_leaves_its_parents_chunk(hooked, sandbox, api, apply):
    at = hooked("attio")
    workspace, _ = attio_ids(sandbox, at.tenant)
    note = raw_rows(project=at.project, source="attio", stream="notes").filter(parent_object="deals").first()
    assert chunk_with(at.project, SourceType.ATTIO_DEAL, note.parent_external_id, f"n:{note.external_id}")
    sandbox.mutate(tenant=at.tenant.name, action="delete_notes", ids=[note.external_id])

    payload = attio_event("note.deleted", workspace, note_id=note.external_id)
    delivery = accepted(post(api, at.path, signed_attio(at.endpoint, payload)))
    apply(at.endpoint)

    assert status_of(delivery) == DeliveryStatus.APPLIED
    assert row(at.project, "attio", "notes", note.external_id).deleted_reason == "deleted"
    assert chunk_with(at.project, SourceType.ATTIO_DEAL, note.parent_external_id, f"n:{note.external_id}") is None
    assert chunks_of(at.project, SourceType.ATTIO_DEAL, note.parent_external_id), "the deal itself stays"


def test_after_a_deleted_note_its_deal_is_searchable_at_once(hooked, sandbox, api, apply, embedded):
    at = hooked("attio")
    embedded(at.project)
    workspace, _ = attio_ids(sandbox, at.tenant)
    note = raw_rows(project=at.project, source="attio", stream="notes").filter(parent_object="deals").first()
    sandbox.mutate(tenant=at.tenant.name, action="delete_notes", ids=[note.external_id])

    accepted(
        post(api, at.path, signed_attio(at.endpoint, attio_event("note.deleted", workspace, note_id=note.external_id)))
    )
    apply(at.endpoint)

    statuses = [c.status for c in chunks_of(at.project, SourceType.ATTIO_DEAL, note.parent_external_id)]
    assert statuses
    assert set(statuses) == {ChunkStatus.READY}, "the rebuilt deal waits for the next embedding run"


# ---------------------------------------------------------------- 2. bad input: refused, counted, never 500


def issue_of(project) -> str:
    return raw_rows(project=project, source="linear", stream="issues").order_by("external_id").first().external_id


def refused(response, status: int, code: str):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == code
    return body


def _forged(lin):
    return signed_linear(lin.endpoint, linear_event("Issue", "update", ISSUE), new_id(), secret="not-the-secret")


def _unsigned(lin):
    delivery = signed_linear(lin.endpoint, linear_event("Issue", "update", ISSUE), new_id())
    del delivery.headers["Linear-Signature"]
    return delivery


def _tampered(lin):
    delivery = signed_linear(lin.endpoint, linear_event("Issue", "update", ISSUE), new_id())
    return Delivery(delivery.body.replace(ISSUE.encode(), OTHER_ISSUE.encode()), delivery.headers)


def _stale(lin):  # Linear's SDK allows 60 s
    return signed_linear(lin.endpoint, linear_event("Issue", "update", ISSUE), new_id(), at=time.time() - 120)


@pytest.mark.parametrize(
    "make", [_forged, _unsigned, _tampered, _stale], ids=["forged", "unsigned", "tampered", "stale"]
)
def test_a_linear_delivery_with_a_bad_or_stale_signature_is_401_and_nothing_is_stored(hooked, api, make):
    lin = hooked("linear", synced=False)
    before = counted("linear", "bad_signature")

    refused(post(api, lin.path, make(lin)), 401, "bad_signature")

    assert not WebhookDelivery.objects.exists()
    assert counted("linear", "bad_signature") == before + 1


def test_a_chatwoot_delivery_signed_ten_minutes_ago_or_with_another_secret_is_401(hooked, api):
    cw = hooked("chatwoot", synced=False)
    payload = chatwoot_event("conversation_updated", id=1)
    before = counted("chatwoot", "bad_signature")

    stale = signed_chatwoot(cw.endpoint, payload, new_id(), at=time.time() - 600)
    refused(post(api, cw.path, stale), 401, "bad_signature")
    forged = signed_chatwoot(cw.endpoint, payload, new_id(), secret="not-the-secret")
    refused(post(api, cw.path, forged), 401, "bad_signature")

    assert not WebhookDelivery.objects.exists()
    assert counted("chatwoot", "bad_signature") == before + 2
    accepted(post(api, cw.path, signed_chatwoot(cw.endpoint, payload, new_id())))  # the same, signed now: taken


def test_an_attio_delivery_with_another_secret_is_401(hooked, api):
    at = hooked("attio", synced=False)
    payload = attio_event("note.created", "ws-1", note_id=new_id())
    refused(post(api, at.path, signed_attio(at.endpoint, payload, secret="not-the-secret")), 401, "bad_signature")
    assert not WebhookDelivery.objects.exists()


def test_a_replayed_delivery_is_200_duplicate_and_applied_once(hooked, sandbox, api, apply):
    lin = hooked("linear")
    (issue_id,) = sandbox.mutate(tenant=lin.tenant.name, action="edit_issues", count=1)["issues"]
    delivery = signed_linear(lin.endpoint, linear_event("Issue", "update", issue_id), new_id())
    before = counted("linear", "duplicate")

    first = accepted(post(api, lin.path, delivery))
    again = post(api, lin.path, delivery)

    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert counted("linear", "duplicate") == before + 1
    sandbox.clear_requests("linear")
    apply(lin.endpoint)
    assert list(WebhookDelivery.objects.filter(endpoint=lin.endpoint)) == [first]
    assert status_of(first) == DeliveryStatus.APPLIED
    assert by_id_reads(sandbox, issue_id) == 1

    late = post(api, lin.path, delivery)  # a replay after it was applied: still nothing new
    assert (late.status_code, late.json()["status"]) == (200, "duplicate")
    assert WebhookDelivery.objects.filter(endpoint=lin.endpoint).count() == 1


def test_the_same_attio_bytes_twice_are_two_changes_both_applied(hooked, sandbox, api, apply):
    """Attio sends no id, time or value: moving a deal twice sends identical bytes, and both moves must count."""
    at = hooked("attio")
    workspace, objects = attio_ids(sandbox, at.tenant)
    deal_id = a_deal(at.project)
    payload = attio_event("record.updated", workspace, object_id=objects["deals"], record_id=deal_id)
    delivery = signed_attio(at.endpoint, payload)
    for stage in ("Lost", "Won 🎉"):
        sandbox.mutate(tenant=at.tenant.name, action="move_deal_stage", ids=[deal_id], stage=stage)
        accepted(post(api, at.path, delivery))  # the same bytes both times
        apply(at.endpoint)
        assert row(at.project, "attio", "deals", deal_id).stage == stage
    assert WebhookDelivery.objects.filter(endpoint=at.endpoint, status=DeliveryStatus.APPLIED).count() == 2


def test_unknown_tokens_and_paths_are_404(hooked, api):
    lin = hooked("linear", synced=False)
    delivery = signed_linear(lin.endpoint, linear_event("Issue", "update", ISSUE), new_id())
    token = lin.path.rsplit("/", 1)[1]
    before = counted("linear", "unknown_token")

    refused(post(api, webhook_path(source="linear", token=secrets.token_urlsafe(32)), delivery), 404, "not_found")
    refused(post(api, webhook_path(source="attio", token=token), delivery), 404, "not_found")  # another source's
    refused(post(api, webhook_path(source="github", token=token), delivery), 404, "not_found")  # no such source

    assert not WebhookDelivery.objects.exists()
    assert counted("linear", "unknown_token") == before + 1


def test_a_rotated_token_stops_working_at_once_and_the_new_one_works(hooked, api):
    lin = hooked("linear", synced=False)
    new_token = webhook_endpoint_rotate(endpoint=lin.endpoint)
    payload = linear_event("Issue", "update", ISSUE)

    refused(post(api, lin.path, signed_linear(lin.endpoint, payload, new_id())), 404, "not_found")
    accepted(post(api, webhook_path(source="linear", token=new_token), signed_linear(lin.endpoint, payload, new_id())))
    assert WebhookDelivery.objects.filter(endpoint=lin.endpoint).count() == 1


def test_a_disabled_connector_takes_no_deliveries(hooked, api):
    lin = hooked("linear", synced=False)
    ConnectorConfig.objects.filter(project=lin.project, source="linear").update(enabled=False)
    payload = linear_event("Issue", "update", ISSUE)
    refused(post(api, lin.path, signed_linear(lin.endpoint, payload, new_id())), 404, "not_found")
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize("source", ["chatwoot", "linear", "attio"])
def test_malformed_json_signed_correctly_is_400_naming_the_body(hooked, api, source):
    hook = hooked(source, synced=False)
    body = b'{"event": "message_created", "action": "update", '
    signers = {
        "chatwoot": lambda: signed_chatwoot(hook.endpoint, {}, new_id()),
        "linear": lambda: signed_linear(hook.endpoint, {}, new_id()),
        "attio": lambda: signed_attio(hook.endpoint, {}),
    }
    headers = signers[source]().headers
    if source == "chatwoot":
        timestamp = headers["X-Chatwoot-Timestamp"]
        headers["X-Chatwoot-Signature"] = "sha256=" + _hmac_hex(hook.endpoint.secret, timestamp.encode() + b"." + body)
    else:
        headers[{"linear": "Linear-Signature", "attio": "Attio-Signature"}[source]] = _hmac_hex(
            hook.endpoint.secret, body
        )
    before = counted(source, "malformed")

    answer = refused(post(api, hook.path, Delivery(body, headers)), 400, "invalid_input")

    assert "body" in answer["detail"]
    assert not WebhookDelivery.objects.exists()
    assert counted(source, "malformed") == before + 1


def test_a_linear_delivery_without_an_action_is_400_naming_action(hooked, api):
    lin = hooked("linear", synced=False)
    payload = linear_event("Issue", "update", ISSUE)
    del payload["action"]
    answer = refused(post(api, lin.path, signed_linear(lin.endpoint, payload, new_id())), 400, "invalid_input")
    assert "action" in answer["detail"]
    assert not WebhookDelivery.objects.exists()


ODD_BODIES = {
    "chatwoot-array": ("chatwoot", []),
    "chatwoot-no-event": ("chatwoot", {"id": 1}),
    "chatwoot-conversation-a-string": ("chatwoot", {"event": "message_created", "conversation": "not-an-object"}),
    "chatwoot-id-an-object": ("chatwoot", {"event": "contact_updated", "id": {"nested": True}}),
    "linear-data-a-string": ("linear", {"action": "update", "type": "Issue", "data": "not-an-object"}),
    "linear-type-a-list": ("linear", {"action": "update", "type": ["Issue"], "data": {"id": "x"}}),
    "attio-events-a-string": ("attio", {"events": "not-a-list"}),
    "attio-id-a-string": ("attio", {"events": [{"event_type": "record.updated", "id": "not-an-object"}]}),
    "attio-no-event-type": ("attio", {"events": [{"event_type": None}]}),
}


@pytest.mark.parametrize(("source", "payload"), ODD_BODIES.values(), ids=ODD_BODIES.keys())
def test_odd_but_signed_bodies_are_answered_never_500(hooked, api, source, payload):
    hook = hooked(source, synced=False)
    if source == "chatwoot":
        delivery = Delivery(_json(payload), signed_chatwoot(hook.endpoint, {}, new_id()).headers)
        timestamp = delivery.headers["X-Chatwoot-Timestamp"]
        signature = _hmac_hex(hook.endpoint.secret, timestamp.encode() + b"." + delivery.body)
        delivery.headers["X-Chatwoot-Signature"] = f"sha256={signature}"
    elif source == "linear":
        delivery = signed_linear(hook.endpoint, payload, new_id())
    else:
        delivery = signed_attio(hook.endpoint, payload)

    response = post(api, hook.path, delivery)

    assert response.status_code in (200, 202, 400), response.content
    if response.status_code == 400:
        assert not WebhookDelivery.objects.exists()


def test_a_body_over_the_limit_is_413_and_nothing_is_stored(hooked, api, settings):
    lin = hooked("linear", synced=False)
    settings.MAX_REQUEST_BODY_BYTES = 2048
    payload = linear_event("Issue", "update", ISSUE, description="x" * 4000)
    delivery = signed_linear(lin.endpoint, payload, new_id())
    assert len(delivery.body) > settings.MAX_REQUEST_BODY_BYTES

    response = post(api, lin.path, delivery)  # the test client sends Content-Length

    refused(response, 413, "payload_too_large")
    assert "body" in response.json()["detail"]
    assert not WebhookDelivery.objects.exists()


def test_a_body_over_the_limit_is_counted_as_a_rejection(hooked, api, settings):
    lin = hooked("linear", synced=False)
    settings.MAX_REQUEST_BODY_BYTES = 2048
    delivery = signed_linear(lin.endpoint, linear_event("Issue", "update", ISSUE, pad="x" * 4000), new_id())
    before = rejections("linear")
    assert post(api, lin.path, delivery).status_code == 413
    assert rejections("linear") == before + 1, "app_webhook_deliveries_total counts no 413"


def test_an_event_naming_nothing_we_keep_is_202_ignored_and_nothing_is_read(hooked, sandbox, api, apply):
    lin = hooked("linear", synced=False)
    payload = linear_event("Reaction", "create", new_id(), emoji="tada")
    before = counted("linear", "ignored")

    response = post(api, lin.path, signed_linear(lin.endpoint, payload, new_id()))

    assert response.status_code == 202
    assert response.json()["status"] == DeliveryStatus.IGNORED
    assert WebhookDelivery.objects.get(pk=response.json()["delivery"]).status == DeliveryStatus.IGNORED
    assert counted("linear", "ignored") == before + 1
    sandbox.clear_requests("linear")
    assert apply(lin.endpoint)["deliveries"] == 0
    assert sandbox.requests("linear") == []


# ---------------------------------------------------------------- 3. bursts coalesce


def test_fifty_deliveries_naming_one_issue_are_read_once(hooked, sandbox, api, apply, settings):
    settings.WEBHOOK_MAX_DELIVERIES_PER_SECOND = 1000  # the burst is what this test is about, not the flood limit
    lin = hooked("linear")
    issue_id = issue_of(lin.project)
    deliveries = []
    for _ in range(50):
        sandbox.mutate(tenant=lin.tenant.name, action="edit_issues", ids=[issue_id])
        payload = linear_event("Issue", "update", issue_id)
        deliveries.append(accepted(post(api, lin.path, signed_linear(lin.endpoint, payload, new_id()))))

    sandbox.clear_requests("linear")
    result = apply(lin.endpoint)

    assert by_id_reads(sandbox, issue_id) == 1
    assert result["deliveries"] == 50
    statuses = WebhookDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).values_list("status", flat=True)
    assert set(statuses) == {DeliveryStatus.APPLIED}
    stored = row(lin.project, "linear", "issues", issue_id)
    assert stored.raw["updatedAt"] == lin.tenant.dataset.linear.issues[issue_id]["updatedAt"]


# ---------------------------------------------------------------- 4. out of order


def test_a_late_older_delivery_never_brings_an_older_version_back(hooked, sandbox, api, apply):
    lin = hooked("linear")
    issue_id = issue_of(lin.project)
    sandbox.mutate(tenant=lin.tenant.name, action="edit_issues", ids=[issue_id])
    first_change = time.time() - 40  # still within Linear's 60 s
    newer = signed_linear(lin.endpoint, linear_event("Issue", "update", issue_id), new_id())
    accepted(post(api, lin.path, newer))
    apply(lin.endpoint)

    sandbox.mutate(tenant=lin.tenant.name, action="edit_issues", ids=[issue_id])  # the source changes it again
    newest = dict(lin.tenant.dataset.linear.issues[issue_id])
    older = signed_linear(lin.endpoint, linear_event("Issue", "update", issue_id), new_id(), at=first_change)
    late = accepted(post(api, lin.path, older))
    apply(lin.endpoint)

    assert status_of(late) == DeliveryStatus.APPLIED
    stored = row(lin.project, "linear", "issues", issue_id)
    assert stored.raw["updatedAt"] == newest["updatedAt"]
    assert stored.description == newest["description"]
    assert stored.state_external_id == newest["stateId"]


# ---------------------------------------------------------------- 5. isolation


def test_a_delivery_to_one_projects_token_never_touches_another_bound_to_the_same_tenant(
    project, other_project, make_tenant, hooked, sandbox, api, apply
):
    tenant = make_tenant(messages=100)
    a_linear, a_attio = (hooked(source, project=project, tenant=tenant) for source in ("linear", "attio"))
    b_linear, b_attio = (hooked(source, project=other_project, tenant=tenant) for source in ("linear", "attio"))
    workspace, objects = attio_ids(sandbox, tenant)
    issue_id, deal_id = issue_of(project), a_deal(project)
    b_issue_title = row(other_project, "linear", "issues", issue_id).title
    b_chunks = {
        kind: sorted(c.text for c in chunks_of(other_project, kind, ref))
        for kind, ref in ((SourceType.LINEAR_ISSUE, issue_id), (SourceType.ATTIO_DEAL, deal_id))
    }
    assert all(b_chunks.values())

    sandbox.mutate(tenant=tenant.name, action="edit_issues", ids=[issue_id])
    sandbox.mutate(tenant=tenant.name, action="delete_deal", ids=[deal_id])
    issue_update = linear_event("Issue", "update", issue_id)
    deal_deleted = attio_event("record.deleted", workspace, object_id=objects["deals"], record_id=deal_id)
    accepted(post(api, a_linear.path, signed_linear(a_linear.endpoint, issue_update, new_id())))
    accepted(post(api, a_attio.path, signed_attio(a_attio.endpoint, deal_deleted)))
    for hook in (a_linear, a_attio, b_linear, b_attio):
        apply(hook.endpoint)

    new_title = tenant.dataset.linear.issues[issue_id]["title"]
    assert row(project, "linear", "issues", issue_id).title == new_title
    assert row(project, "attio", "deals", deal_id).deleted_reason == "deleted"
    assert CrmOpportunity.objects.get(project=project, external_ref=deal_id).deleted_at is not None

    assert row(other_project, "linear", "issues", issue_id).title == b_issue_title
    assert row(other_project, "attio", "deals", deal_id).deleted_at is None
    opportunity = CrmOpportunity.objects.get(project=other_project, external_ref=deal_id)
    assert (opportunity.deleted_at, opportunity.deleted_reason) == (None, "")
    for (kind, ref), texts in zip(
        ((SourceType.LINEAR_ISSUE, issue_id), (SourceType.ATTIO_DEAL, deal_id)), b_chunks.values(), strict=True
    ):
        assert sorted(c.text for c in chunks_of(other_project, kind, ref)) == texts
    assert not WebhookDelivery.objects.filter(project=other_project).exists()

    # B's token with A's secret: B's endpoint has its own secret.
    with_a_secret = signed_linear(b_linear.endpoint, issue_update, new_id(), secret=a_linear.endpoint.secret)
    refused(post(api, b_linear.path, with_a_secret), 401, "bad_signature")
    assert not WebhookDelivery.objects.filter(project=other_project).exists()


# ---------------------------------------------------------------- 6. during a running sync


def test_a_delivery_during_a_running_sync_is_applied_and_leaves_the_syncs_lease_and_cursors_alone(
    hooked, sandbox, api, apply
):
    lin = hooked("linear")
    holder = SyncRun.objects.create(project=lin.project, source="linear")
    owner = lease_owner_id()
    lease_claim(project=lin.project, source="linear", owner=owner, run=holder)
    held = ConnectorSyncState.objects.get(project=lin.project, source="linear")
    assert held.status == "running"
    assert held.cursors
    (issue_id,) = sandbox.mutate(tenant=lin.tenant.name, action="edit_issues", count=1)["issues"]

    delivery = accepted(
        post(api, lin.path, signed_linear(lin.endpoint, linear_event("Issue", "update", issue_id), new_id()))
    )
    apply(lin.endpoint)

    assert status_of(delivery) == DeliveryStatus.APPLIED
    assert row(lin.project, "linear", "issues", issue_id).title == lin.tenant.dataset.linear.issues[issue_id]["title"]
    after = ConnectorSyncState.objects.get(pk=held.pk)
    assert after.cursors == held.cursors
    assert (after.status, after.lease_owner, after.current_run_id) == ("running", owner, holder.pk)
    assert after.lease_heartbeat_at == held.lease_heartbeat_at
    assert after.progress == held.progress


# ---------------------------------------------------------------- 7. flood


def test_a_flood_to_one_endpoint_is_throttled_while_another_projects_endpoint_still_takes_deliveries(
    project, other_project, make_tenant, hooked, api, settings
):
    settings.WEBHOOK_MAX_DELIVERIES_PER_SECOND = 3
    tenant = make_tenant(messages=100)
    a, b = (hooked("linear", project=p, tenant=tenant, synced=False) for p in (project, other_project))
    before = counted("linear", "throttled")
    payload = linear_event("Issue", "update", ISSUE)

    answers = [post(api, a.path, signed_linear(a.endpoint, payload, new_id())) for _ in range(4)]
    other = post(api, b.path, signed_linear(b.endpoint, payload, new_id()))

    assert [r.status_code for r in answers] == [202, 202, 202, 429]
    assert answers[-1]["Retry-After"]
    assert answers[-1].json()["error"] == "throttled"
    assert other.status_code == 202
    assert WebhookDelivery.objects.filter(endpoint=a.endpoint).count() == 3
    assert counted("linear", "throttled") == before + 1


# ---------------------------------------------------------------- 8. webhooks off


def test_without_webhooks_a_project_syncs_as_before(studio, make_tenant, bind, sync, sandbox, offline):
    tenant = make_tenant(messages=100)
    bind(studio, tenant, sources=["linear"])
    sync(studio, "linear")
    issue_id = issue_of(studio)
    sandbox.mutate(tenant=tenant.name, action="edit_issues", ids=[issue_id])

    run = sync(studio, "linear")

    assert row(studio, "linear", "issues", issue_id).title == tenant.dataset.linear.issues[issue_id]["title"]
    assert run.counts["issues"]["updated"] >= 1
    assert not WebhookEndpoint.objects.filter(project=studio).exists()
    assert not WebhookDelivery.objects.exists()
