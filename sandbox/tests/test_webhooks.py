"""Webhook subscription APIs and signed deliveries of the three fake services, over real HTTP.

A stdlib HTTP receiver in the test records every POST (path, headers, raw body) and answers with
scripted statuses. The servers here have their own hub with short retry delays.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from sandbox import SandboxServers
from sandbox.events import SERVICE
from sandbox.mutations import ACTIONS
from sandbox.tests.conftest import Attio, Chatwoot, Linear

_names = itertools.count(1)
CHATWOOT_EVENTS = ["conversation_created", "conversation_updated", "contact_updated", "message_created"]
CREATE_LINEAR = """mutation($input: WebhookCreateInput!) {
  webhookCreate(input: $input) { success webhook { id url enabled label resourceTypes secret allPublicTeams
    team { id key } creator { id } } } }"""


class Receiver:
    """Records POSTs; answers the queued statuses in order, then 200."""

    def __init__(self) -> None:
        self.hits: list[dict] = []
        self.statuses: deque = deque()
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.changed:
                    status = receiver.statuses.popleft() if receiver.statuses else 200
                    receiver.hits.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    receiver.changed.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def at(self, path: str) -> list[dict]:
        with self.changed:
            return [h for h in self.hits if h["path"] == path]

    def wait(self, path: str, count: int, timeout: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        with self.changed:
            while len([h for h in self.hits if h["path"] == path]) < count and time.monotonic() < deadline:
                self.changed.wait(0.05)
        return self.at(path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def hub():
    servers = SandboxServers(webhook_delays=(0.05, 0.1, 0.2), webhook_attempts=4).start()
    yield servers
    servers.stop()


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


@pytest.fixture
def tenant(hub):
    return hub.add_tenant(name=f"w{next(_names)}", seed="hooks", messages=300)


def hmac_hex(secret: str, data: bytes) -> str:
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def chatwoot_subscribe(hub, tenant, url: str, events: list[str]) -> dict:
    response = Chatwoot(hub, tenant).post("/webhooks", {"url": url, "name": "product", "subscriptions": events})
    assert response.status_code == 200, response.text
    return response.json()["payload"]["webhook"]


def linear_subscribe(hub, tenant, url: str, types: list[str], **extra) -> dict:
    extra = extra or {"allPublicTeams": True}
    data = Linear(hub, tenant).data(CREATE_LINEAR, input={"url": url, "resourceTypes": types, **extra})
    assert data["webhookCreate"]["success"] is True
    return data["webhookCreate"]["webhook"]


def attio_subscribe(hub, tenant, url: str, types: list[str], rule=None):
    body = {"data": {"target_url": url, "subscriptions": [{"event_type": t, "filter": rule} for t in types]}}
    response = Attio(hub, tenant).session.post(f"{hub.attio_url}/v2/webhooks", json=body, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["data"]


# ---------------------------------------------------------------- subscription APIs


def test_chatwoot_webhooks_api(hub, tenant, receiver):
    client = Chatwoot(hub, tenant)
    made = chatwoot_subscribe(hub, tenant, receiver.url("/cw"), ["message_created"])
    assert set(made) == {"id", "name", "url", "account_id", "subscriptions", "secret"}
    assert made["account_id"] == tenant.chatwoot_account_id
    assert made["secret"]
    listed = client.get("/webhooks").json()["payload"]["webhooks"]
    assert [w["id"] for w in listed] == [made["id"]]
    events = ["message_created", "contact_updated"]
    changed = client.session.patch(f"{client.base}/webhooks/{made['id']}", json={"subscriptions": events}, timeout=10)
    assert changed.json()["payload"]["webhook"]["subscriptions"] == ["message_created", "contact_updated"]
    bad = client.post("/webhooks", {"url": "not a url", "subscriptions": ["message_created", "nope"]})
    assert bad.status_code == 422
    assert bad.json()["attributes"] == ["url", "subscriptions"]
    assert "Url is invalid" in bad.json()["message"]
    assert client.session.delete(f"{client.base}/webhooks/{made['id']}", timeout=10).status_code == 200
    assert client.session.delete(f"{client.base}/webhooks/{made['id']}", timeout=10).status_code == 404
    assert client.get("/webhooks").json() == {"payload": {"webhooks": []}}


def test_linear_webhooks_api(hub, tenant, receiver):
    client = Linear(hub, tenant)
    team = tenant.dataset.linear.teams[0]
    made = linear_subscribe(hub, tenant, receiver.url("/lin"), ["Issue"], teamId=team["key"], label="product")
    assert made["team"] == {"id": team["id"], "key": team["key"]}
    assert made["secret"].startswith("lin_wh_")
    assert made["enabled"] is True
    assert made["label"] == "product"
    listed = client.data("{ webhooks { nodes { id url resourceTypes } } }")["webhooks"]["nodes"]
    assert listed == [{"id": made["id"], "url": made["url"], "resourceTypes": ["Issue"]}]
    update = 'mutation($id: String!) { webhookUpdate(id: $id, input: {resourceTypes: ["Issue", "Comment"]}) '
    updated = client.data(update + "{ success webhook { resourceTypes } } }", id=made["id"])["webhookUpdate"]
    assert updated["webhook"]["resourceTypes"] == ["Issue", "Comment"]
    one = client.data("query($id: String!) { webhook(id: $id) { id label } }", id=made["id"])
    assert one["webhook"] == {"id": made["id"], "label": "product"}
    deleted = client.data("mutation($id: String!) { webhookDelete(id: $id) { success entityId } }", id=made["id"])
    assert deleted["webhookDelete"] == {"success": True, "entityId": made["id"]}
    assert client.data("{ webhooks { nodes { id } } }")["webhooks"]["nodes"] == []
    no_team = client.query(CREATE_LINEAR, input={"url": receiver.url("/x"), "resourceTypes": ["Issue"]})
    assert no_team.status_code == 400
    assert no_team.json()["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    bad_type = client.query(CREATE_LINEAR, input={"url": "x", "resourceTypes": ["Nope"], "allPublicTeams": True})
    assert bad_type.status_code == 400


def test_attio_webhooks_api(hub, tenant, receiver):
    client = Attio(hub, tenant)
    rule = {"$and": [{"field": "parent_object_id", "operator": "equals", "value": "x"}]}
    made = attio_subscribe(hub, tenant, receiver.url("/attio"), ["note.created"], rule)
    webhook_id = made["id"]["webhook_id"]
    assert made["id"]["workspace_id"] == tenant.dataset.attio.workspace["id"]
    assert made["status"] == "active"
    assert len(made["secret"]) == 64
    assert made["subscriptions"] == [{"event_type": "note.created", "filter": rule}]
    listed = client.get("/v2/webhooks").json()["data"]
    assert [w["id"]["webhook_id"] for w in listed] == [webhook_id]
    assert "secret" not in listed[0]
    assert "secret" not in client.get(f"/v2/webhooks/{webhook_id}").json()["data"]
    change = {"data": {"subscriptions": [{"event_type": "note.deleted", "filter": None}]}}
    patched = client.session.patch(f"{hub.attio_url}/v2/webhooks/{webhook_id}", json=change, timeout=10)
    assert patched.json()["data"]["subscriptions"] == [{"event_type": "note.deleted", "filter": None}]
    wrong = {"data": {"target_url": "ftp://x", "subscriptions": []}}
    bad = client.session.post(f"{hub.attio_url}/v2/webhooks", json=wrong, timeout=10)
    assert bad.status_code == 400
    assert bad.json()["code"] == "validation_type"
    unknown = {"data": {"target_url": receiver.url("/a"), "subscriptions": [{"event_type": "nope", "filter": None}]}}
    assert client.session.post(f"{hub.attio_url}/v2/webhooks", json=unknown, timeout=10).status_code == 400
    assert client.session.delete(f"{hub.attio_url}/v2/webhooks/{webhook_id}", timeout=10).json() == {}
    missing = client.get(f"/v2/webhooks/{webhook_id}")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


# ---------------------------------------------------------------- signed deliveries


def test_chatwoot_delivery_is_signed_and_only_for_subscribed_events(hub, tenant, receiver):
    hook = chatwoot_subscribe(hub, tenant, receiver.url("/cw"), ["message_created", "message_updated"])
    result = hub.mutate(tenant=tenant.name, action="new_messages", count=1)
    hub.mutate(tenant=tenant.name, action="edit_contacts", count=1)  # contact_updated: not subscribed
    (hit,) = receiver.wait("/cw", 1)
    headers, raw = hit["headers"], hit["body"]
    stamp = headers["X-Chatwoot-Timestamp"]
    assert headers["X-Chatwoot-Signature"] == "sha256=" + hmac_hex(hook["secret"], f"{stamp}.".encode() + raw)
    assert headers["Content-Type"] == "application/json"
    uuid.UUID(headers["X-Chatwoot-Delivery"])
    body = json.loads(raw)
    assert body["event"] == "message_created"
    assert body["id"] == result["messages"][0]
    assert body["conversation"]["id"] == result["conversations"][0]
    assert body["account"]["id"] == tenant.chatwoot_account_id
    assert body["message_type"] in ("incoming", "outgoing")
    deleted = hub.mutate(tenant=tenant.name, action="delete_messages", count=1)
    assert hub.wait_deliveries_idle(5)
    update = json.loads(receiver.at("/cw")[-1]["body"])
    assert (update["event"], update["id"]) == ("message_updated", deleted["messages"][0])
    assert update["content_attributes"] == {"deleted": True}
    assert [d["event"] for d in hub.deliveries("chatwoot", tenant.name)] == ["message_created", "message_updated"]


def test_chatwoot_reopen_and_contact_updates(hub, tenant, receiver):
    wanted = ["conversation_status_changed", "message_created", "contact_updated"]
    chatwoot_subscribe(hub, tenant, receiver.url("/cw"), wanted)
    resolved = next(c for c in tenant.dataset.conversations.values() if c.status == "resolved")
    hub.mutate(tenant=tenant.name, action="new_messages", ids=[resolved.id], incoming=True)
    edited = hub.mutate(tenant=tenant.name, action="edit_contacts", count=1)["contacts"][0]
    assert hub.wait_deliveries_idle(5)
    bodies = [json.loads(h["body"]) for h in receiver.at("/cw")]
    assert [b["event"] for b in bodies] == ["conversation_status_changed", "message_created", *["contact_updated"] * 2]
    status = {"status": {"previous_value": "resolved", "current_value": "open"}}
    assert (bodies[0]["id"], bodies[0]["status"], bodies[0]["changed_attributes"]) == (resolved.id, "open", [status])
    assert bodies[1]["message_type"] == "incoming"
    assert bodies[2]["id"] == resolved.contact_id
    assert [next(iter(c)) for c in bodies[2]["changed_attributes"]] == ["last_activity_at"]
    assert bodies[3]["id"] == edited
    assert [next(iter(c)) for c in bodies[3]["changed_attributes"]] == ["name", "phone_number"]
    assert bodies[3]["changed_attributes"][0]["name"]["current_value"] == bodies[3]["name"]


def test_chatwoot_deletions_send_nothing(hub, tenant, receiver):
    chatwoot_subscribe(hub, tenant, receiver.url("/cw"), CHATWOOT_EVENTS)
    hub.mutate(tenant=tenant.name, action="delete_conversation", count=1)
    hub.mutate(tenant=tenant.name, action="delete_contacts", count=1)
    assert hub.wait_deliveries_idle(5)
    assert receiver.at("/cw") == []


def test_linear_delivery_is_signed(hub, tenant, receiver):
    issue = next(iter(tenant.dataset.linear.issues.values()))
    hook = linear_subscribe(hub, tenant, receiver.url("/lin"), ["Issue"], teamId=issue["teamId"])
    old_title = issue["title"]
    hub.mutate(tenant=tenant.name, action="edit_issues", ids=[issue["id"]])
    hub.mutate(tenant=tenant.name, action="new_comments", ids=[issue["id"]])  # Comment: not subscribed
    (hit,) = receiver.wait("/lin", 1)
    headers, raw = hit["headers"], hit["body"]
    assert headers["Linear-Signature"] == hmac_hex(hook["secret"], raw)
    assert headers["Linear-Event"] == "Issue"
    uuid.UUID(headers["Linear-Delivery"])
    body = json.loads(raw)
    assert (body["action"], body["type"], body["webhookId"]) == ("update", "Issue", hook["id"])
    assert body["data"]["id"] == issue["id"]
    assert body["data"]["title"] == issue["title"] != old_title
    assert body["updatedFrom"]["title"] == old_title
    assert body["organizationId"] == tenant.dataset.linear.org["id"]
    assert abs(body["webhookTimestamp"] - time.time() * 1000) < 60_000
    assert hub.wait_deliveries_idle(5)
    assert len(receiver.at("/lin")) == 1


def test_linear_hard_delete_removes_issue_and_comments(hub, tenant, receiver):
    hook = linear_subscribe(hub, tenant, receiver.url("/lin"), ["Issue", "Comment"])
    data = tenant.dataset.linear
    issue_id = next(c["issueId"] for c in data.comments.values())
    comments = {c["id"] for c in data.comments.values() if c["issueId"] == issue_id}
    hub.mutate(tenant=tenant.name, action="delete_issues", ids=[issue_id])
    hub.mutate(tenant=tenant.name, action="trash_issues", count=1)
    assert hub.wait_deliveries_idle(5)
    bodies = [json.loads(h["body"]) for h in receiver.at("/lin")]
    assert all(b["webhookId"] == hook["id"] for b in bodies)
    removed = {(b["type"], b["data"]["id"]) for b in bodies if b["action"] == "remove"}
    assert removed == {("Issue", issue_id)} | {("Comment", c) for c in comments}
    trashed = [b for b in bodies if b["action"] == "update" and b["data"]["trashed"]]
    assert len(trashed) == 1
    assert trashed[0]["updatedFrom"]["trashed"] is False


def test_attio_delivery_is_signed(hub, tenant, receiver):
    made = attio_subscribe(hub, tenant, receiver.url("/attio"), ["record.updated"])
    result = hub.mutate(tenant=tenant.name, action="move_deal_stage", count=1)
    hub.mutate(tenant=tenant.name, action="new_notes", count=1)  # note.created: not subscribed
    (hit,) = receiver.wait("/attio", 1)
    headers, raw = hit["headers"], hit["body"]
    assert headers["Attio-Signature"] == hmac_hex(made["secret"], raw)
    assert headers["X-Attio-Signature"] == headers["Attio-Signature"]
    body = json.loads(raw)
    assert body["webhook_id"] == made["id"]["webhook_id"]
    (event,) = body["events"]
    objects = Attio(hub, tenant).get("/v2/objects").json()["data"]
    deals_id = next(o["id"]["object_id"] for o in objects if o["api_slug"] == "deals")
    assert event["event_type"] == "record.updated"
    assert event["id"]["object_id"] == deals_id
    assert event["id"]["record_id"] == result["deals"][0]
    assert event["actor"]["type"] == "workspace-member"
    assert hub.wait_deliveries_idle(5)
    assert len(receiver.at("/attio")) == 1


def test_attio_filter_selects_note_parents(hub, tenant, receiver):
    data = tenant.dataset.attio
    deals_id = data.objects["deals"]["id"]["object_id"]
    rule = {"$and": [{"field": "parent_object_id", "operator": "equals", "value": deals_id}]}
    attio_subscribe(hub, tenant, receiver.url("/attio"), ["note.created"], rule)
    deal = next(iter(data.records["deals"].values()))["id"]["record_id"]
    company = next(iter(data.records["companies"].values()))["id"]["record_id"]
    hub.mutate(tenant=tenant.name, action="new_notes", ids=[company])
    hub.mutate(tenant=tenant.name, action="new_notes", ids=[deal])
    assert hub.wait_deliveries_idle(5)
    events = [json.loads(h["body"])["events"][0] for h in receiver.at("/attio")]
    assert [(e["parent_object_id"], e["parent_record_id"]) for e in events] == [(deals_id, deal)]


# ---------------------------------------------------------------- retries, deletion, isolation


def test_a_failed_delivery_is_retried_with_the_same_id(hub, tenant, receiver):
    chatwoot_subscribe(hub, tenant, receiver.url("/cw"), ["message_created"])
    receiver.statuses.extend([500])
    hub.mutate(tenant=tenant.name, action="new_messages", count=1)
    first, second = receiver.wait("/cw", 2)
    assert first["headers"]["X-Chatwoot-Delivery"] == second["headers"]["X-Chatwoot-Delivery"]
    assert first["body"] == second["body"]
    assert hub.wait_deliveries_idle(5)
    (delivery,) = hub.deliveries("chatwoot", tenant.name)
    assert (delivery["attempts"], delivery["status"], delivery["last_status"]) == (2, "delivered", 200)
    assert delivery["id"] == first["headers"]["X-Chatwoot-Delivery"]


def test_delivery_gives_up_after_the_last_attempt(hub, tenant, receiver):
    hook = linear_subscribe(hub, tenant, receiver.url("/lin"), ["Issue"])
    receiver.statuses.extend([503] * 10)
    hub.mutate(tenant=tenant.name, action="new_issues", count=1)
    assert hub.wait_deliveries_idle(5)
    hits = receiver.at("/lin")
    assert len(hits) == 4
    assert len({h["headers"]["Linear-Delivery"] for h in hits}) == 1
    assert all(h["headers"]["Linear-Signature"] == hmac_hex(hook["secret"], h["body"]) for h in hits)
    (delivery,) = hub.deliveries("linear", tenant.name)
    assert (delivery["attempts"], delivery["status"], delivery["last_status"]) == (4, "failed", 503)


def test_connection_errors_are_retried(hub, tenant):
    closed = Receiver()
    url = closed.url("/gone")
    closed.close()
    chatwoot_subscribe(hub, tenant, url, ["message_created"])
    hub.mutate(tenant=tenant.name, action="new_messages", count=1)
    assert hub.wait_deliveries_idle(5)
    (delivery,) = hub.deliveries("chatwoot", tenant.name)
    assert (delivery["attempts"], delivery["status"], delivery["last_status"]) == (4, "failed", None)
    assert delivery["last_error"]


def test_deleting_the_subscription_stops_deliveries(hub, tenant, receiver):
    hook = chatwoot_subscribe(hub, tenant, receiver.url("/cw"), ["message_created"])
    hub.mutate(tenant=tenant.name, action="new_messages", count=1)
    assert len(receiver.wait("/cw", 1)) == 1
    client = Chatwoot(hub, tenant)
    assert client.session.delete(f"{client.base}/webhooks/{hook['id']}", timeout=10).status_code == 200
    hub.mutate(tenant=tenant.name, action="new_messages", count=2)
    assert hub.wait_deliveries_idle(5)
    assert len(receiver.at("/cw")) == 1


def test_tenants_are_isolated(hub, receiver):
    first = hub.add_tenant(name=f"w{next(_names)}", seed="hooks", messages=300)
    second = hub.add_tenant(name=f"w{next(_names)}", seed="hooks", messages=300)
    for tenant in (first, second):
        chatwoot_subscribe(hub, tenant, receiver.url(f"/cw/{tenant.name}"), ["message_created"])
        linear_subscribe(hub, tenant, receiver.url(f"/lin/{tenant.name}"), ["Issue"])
        attio_subscribe(hub, tenant, receiver.url(f"/attio/{tenant.name}"), ["record.created"])
    for action in ("new_messages", "new_issues", "new_companies"):
        hub.mutate(tenant=first.name, action=action, count=1)
    assert hub.wait_deliveries_idle(5)
    paths = sorted(h["path"] for h in receiver.hits)
    assert paths == sorted(f"/{s}/{first.name}" for s in ("cw", "lin", "attio"))
    assert Chatwoot(hub, second).get("/webhooks").json()["payload"]["webhooks"][0]["url"].endswith(second.name)
    other = Chatwoot(hub, second, account=first.chatwoot_account_id).get("/webhooks")
    assert other.status_code == 401


# ---------------------------------------------------------------- control endpoints and coverage


def test_pause_resume_and_the_delivery_log_over_http(hub, tenant, receiver):
    chatwoot_subscribe(hub, tenant, receiver.url("/cw"), ["message_created"])
    base = f"{hub.chatwoot_url}/_sandbox"
    assert requests.post(f"{base}/webhooks/pause", timeout=5).json() == {"paused": True}
    try:
        hub.mutate(tenant=tenant.name, action="new_messages", count=2)
        time.sleep(0.2)
        assert receiver.at("/cw") == []
        pending = requests.get(f"{base}/deliveries", params={"tenant": tenant.name}, timeout=5).json()
        assert [d["status"] for d in pending] == ["pending", "pending"]
    finally:
        assert requests.post(f"{base}/webhooks/resume", timeout=5).json() == {"paused": False}
    assert requests.get(f"{base}/deliveries/idle", params={"timeout": 5}, timeout=10).json() == {"idle": True}
    sent = requests.get(f"{base}/deliveries", params={"tenant": tenant.name}, timeout=5).json()
    assert [(d["event"], d["status"], d["attempts"]) for d in sent] == [("message_created", "delivered", 1)] * 2
    assert [h["headers"]["X-Chatwoot-Delivery"] for h in receiver.at("/cw")] == [d["id"] for d in sent]
    subs = requests.get(f"{base}/webhooks", params={"tenant": tenant.name}, timeout=5).json()
    assert [s["url"] for s in subs] == [receiver.url("/cw")]


def test_every_mutation_action_belongs_to_a_product():
    assert set(SERVICE) == set(ACTIONS)
