"""Chatwoot over real HTTP: shapes per CONTRACTS.md, paging, defaults, filters, auth and isolation."""

import datetime as dt

import pytest

from sandbox.tests.conftest import Chatwoot, walk_conversations

CONVERSATION_FIELDS = {
    "id", "uuid", "account_id", "inbox_id", "status", "priority", "labels", "muted", "can_reply", "snoozed_until",
    "unread_count", "created_at", "updated_at", "timestamp", "last_activity_at", "first_reply_created_at",
    "waiting_since", "agent_last_seen_at", "assignee_last_seen_at", "contact_last_seen_at", "additional_attributes",
    "custom_attributes", "sla_policy_id", "applied_sla", "sla_events", "messages", "last_non_activity_message", "meta",
}  # fmt: skip
MESSAGE_FIELDS = {
    "id", "content", "account_id", "inbox_id", "conversation_id", "message_type", "content_type",
    "content_attributes", "created_at", "updated_at", "private", "status", "source_id", "sender_type", "sender_id",
    "sender", "external_source_ids", "additional_attributes", "processed_message_content", "sentiment",
}  # fmt: skip
CONTACT_FIELDS = {
    "id", "name", "email", "phone_number", "identifier", "thumbnail", "blocked", "availability_status",
    "additional_attributes", "custom_attributes", "last_activity_at", "created_at", "contact_inboxes",
}  # fmt: skip
SENDER_FIELDS = CONTACT_FIELDS - {"contact_inboxes"}


def test_account_inboxes_and_agents(chatwoot, acme):
    account = chatwoot.get().json()
    assert {"id", "name", "locale", "domain", "support_email", "status", "created_at", "features"} <= set(account)
    assert account["id"] == acme.chatwoot_account_id
    inboxes = chatwoot.get("/inboxes").json()["payload"]
    assert [i["channel_type"] for i in inboxes] == ["Channel::WebWidget", "Channel::Email", "Channel::Telegram"]
    assert {"id", "name", "channel_type", "channel_id", "website_url", "enable_auto_assignment"} <= set(inboxes[0])
    agents = chatwoot.get("/agents").json()
    assert isinstance(agents, list)
    assert len(agents) == len(acme.dataset.staff)
    assert {"id", "account_id", "name", "email", "role", "availability_status", "confirmed"} <= set(agents[0])


def test_conversation_list_defaults_to_open_and_pages_by_25(chatwoot, acme):
    conversations = acme.dataset.conversations.values()
    default = walk_conversations(chatwoot)
    assert {c["status"] for c in default} == {"open"}
    assert len(default) == sum(1 for c in conversations if c.status == "open")
    everything = walk_conversations(chatwoot, status="all", assignee_type="all")
    assert sorted(c["id"] for c in everything) == sorted(c.id for c in conversations)
    first = chatwoot.get("/conversations", status="all", page=1).json()["data"]
    assert len(first["payload"]) == 25
    assert first["meta"]["all_count"] == len(conversations)
    assert set(first["meta"]) == {"mine_count", "unassigned_count", "assigned_count", "all_count"}
    activity = [c["last_activity_at"] for c in everything]
    assert activity == sorted(activity, reverse=True)  # last_activity_at desc by default


def test_conversation_shape_and_sort_by(chatwoot):
    item = chatwoot.get("/conversations", status="all").json()["data"]["payload"][0]
    assert set(item) >= CONVERSATION_FIELDS
    assert set(item["meta"]["sender"]) >= SENDER_FIELDS
    assert item["meta"]["channel"].startswith("Channel::")
    assert isinstance(item["created_at"], int)
    assert isinstance(item["last_activity_at"], int)
    oldest = chatwoot.get("/conversations", status="all", sort_by="created_at_asc").json()["data"]["payload"]
    created = [c["created_at"] for c in oldest]
    assert created == sorted(created)
    assert oldest[0]["id"] == 1
    one = chatwoot.get(f"/conversations/{item['id']}").json()
    assert one["id"] == item["id"]
    assert one["meta"]["sender"]["id"] == item["meta"]["sender"]["id"]


def test_assignee_type_filters_and_counts(chatwoot, acme):
    meta = chatwoot.get("/conversations", status="all").json()["data"]["meta"]
    unassigned = walk_conversations(chatwoot, status="all", assignee_type="unassigned")
    assert len(unassigned) == meta["unassigned_count"]
    assert all("assignee" not in c["meta"] for c in unassigned)
    mine = walk_conversations(chatwoot, status="all", assignee_type="me")
    assert len(mine) == meta["mine_count"]
    assert all(c["meta"]["assignee"]["id"] == 1 for c in mine)


def test_messages_after_walks_a_long_thread_completely_in_order(chatwoot, acme):
    conversation_id, length = acme.dataset.longest_conversation()
    assert length > 250
    seen, after, pages = [], 0, 0
    while True:
        body = chatwoot.get(f"/conversations/{conversation_id}/messages", after=after).json()
        ids = [m["id"] for m in body["payload"]]
        assert ids == sorted(ids)
        assert len(ids) <= 100
        pages += 1
        seen += ids
        if len(ids) < 100:
            break
        after = ids[-1]
    assert pages >= 3
    assert seen == acme.dataset.message_ids(conversation_id)
    assert len(set(seen)) == length


def test_messages_latest_before_and_shape(chatwoot, acme):
    conversation_id, _ = acme.dataset.longest_conversation()
    ids = acme.dataset.message_ids(conversation_id)
    body = chatwoot.get(f"/conversations/{conversation_id}/messages").json()
    assert [m["id"] for m in body["payload"]] == ids[-20:]
    assert {"labels", "additional_attributes", "contact", "agent_last_seen_at"} <= set(body["meta"])
    assert set(body["payload"][0]) >= MESSAGE_FIELDS
    older = chatwoot.get(f"/conversations/{conversation_id}/messages", before=ids[100]).json()["payload"]
    assert [m["id"] for m in older] == ids[80:100]


def test_private_notes_come_through_flagged(chatwoot, acme):
    conversation_id, _ = acme.dataset.longest_conversation()
    notes = [
        m for m in chatwoot.get(f"/conversations/{conversation_id}/messages", after=0).json()["payload"] if m["private"]
    ]
    assert notes
    assert all(m["message_type"] == 1 and m["sender_type"] == "User" for m in notes)


def test_contacts_list_pages_by_15_and_hides_anonymous_contacts(chatwoot, acme):
    rows, page = [], 1
    while True:
        body = chatwoot.get("/contacts", page=page, sort="-last_activity_at").json()
        rows += body["payload"]
        assert body["meta"]["current_page"] == str(page)
        if len(body["payload"]) < 15:
            break
        page += 1
    resolved = acme.dataset.resolved_contacts()
    assert body["meta"]["count"] == len(resolved)
    assert sorted(r["id"] for r in rows) == sorted(c.id for c in resolved)
    assert set(rows[0]) >= CONTACT_FIELDS
    anonymous = next(c for c in acme.dataset.contacts.values() if not c.resolved)
    assert anonymous.id not in {r["id"] for r in rows}
    shown = chatwoot.get(f"/contacts/{anonymous.id}").json()["payload"]
    assert shown["id"] == anonymous.id
    assert shown["email"] is None
    assert chatwoot.get("/contacts").json()["meta"]["current_page"] == 1


def test_filter_compares_last_activity_by_day(chatwoot, acme):
    conversations = list(acme.dataset.conversations.values())
    pivot = sorted(conversations, key=lambda c: c.last_activity_at)[len(conversations) // 2]
    day = dt.datetime.fromtimestamp(pivot.last_activity_at, tz=dt.UTC).date()

    def by_day(operator, value):
        condition = {"attribute_key": "last_activity_at", "filter_operator": operator, "values": [value]}
        rows, page = [], 1
        while True:
            body = chatwoot.post(
                "/conversations/filter", {"payload": [{**condition, "query_operator": None}]}, page=page
            )
            payload = body.json()["data"]["payload"]
            rows += payload
            if len(payload) < 25:
                return {r["id"] for r in rows}
            page += 1

    def day_of(c):
        return dt.datetime.fromtimestamp(c.last_activity_at, tz=dt.UTC).date()

    assert by_day("is_greater_than", day.isoformat()) == {c.id for c in conversations if day_of(c) > day}
    # A time part is ignored: same answer as the bare date.
    assert by_day("is_greater_than", f"{day.isoformat()}T23:59:59Z") == by_day("is_greater_than", day.isoformat())
    assert by_day("is_less_than", day.isoformat()) == {c.id for c in conversations if day_of(c) < day}
    assert by_day("equal_to", day.isoformat()) == {c.id for c in conversations if day_of(c) == day}


def test_filter_combines_conditions_and_rejects_unknown_attributes(chatwoot, acme):
    payload = [
        {"attribute_key": "status", "filter_operator": "equal_to", "values": ["resolved"], "query_operator": "AND"},
        {"attribute_key": "inbox_id", "filter_operator": "equal_to", "values": [2], "query_operator": None},
    ]
    rows = chatwoot.post("/conversations/filter", {"payload": payload}).json()["data"]["payload"]
    expected = [c for c in acme.dataset.conversations.values() if c.status == "resolved" and c.inbox_id == 2]
    assert len(rows) == min(25, len(expected))
    assert all(r["status"] == "resolved" for r in rows)
    bad = [{"attribute_key": "colour", "filter_operator": "equal_to", "values": ["red"]}]
    response = chatwoot.post("/conversations/filter", {"payload": bad})
    assert response.status_code == 422
    assert "error" in response.json()


def test_unknown_token_and_missing_token_are_401(sandbox, acme):
    wrong = Chatwoot(sandbox, acme, token="cw-nobody-00000000").get("/inboxes")
    assert wrong.status_code == 401
    assert "error" in wrong.json()
    client = Chatwoot(sandbox, acme)
    del client.session.headers["api_access_token"]
    assert client.get("/inboxes").status_code == 401


def test_tenants_are_isolated(sandbox, acme, make_tenant):
    other = make_tenant(seed="other")
    assert other.chatwoot_account_id != acme.chatwoot_account_id
    cross = Chatwoot(sandbox, acme, account=other.chatwoot_account_id).get("/conversations", status="all")
    assert cross.status_code == 401
    assert cross.json() == {"error": "You are not authorized to access this account"}
    missing = Chatwoot(sandbox, acme, account=9999).get("/inboxes")
    assert missing.status_code == 404
    own = Chatwoot(sandbox, other).get("/conversations", status="all").json()["data"]["meta"]["all_count"]
    assert own == len(other.dataset.conversations)


@pytest.mark.parametrize("path", ["/conversations/999999", "/conversations/999999/messages", "/contacts/999999"])
def test_missing_resources_are_404_with_the_server_body(chatwoot, path):
    response = chatwoot.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": "Resource could not be found"}
