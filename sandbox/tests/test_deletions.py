"""Deletions as a client of the real APIs sees them: soft-deleted messages, gone contacts and notes,
archived and unarchived issues, gone comments."""

import pytest

from sandbox.mutations import DELETED_MESSAGE
from sandbox.tests.conftest import Attio, Chatwoot, Linear, walk_conversations

# ---------------------------------------------------------------- Chatwoot


def walk_contacts(client: Chatwoot) -> list[dict]:
    """Every page of `GET /contacts` (resolved contacts only)."""
    rows, page = [], 1
    while True:
        payload = client.get("/contacts", page=page).json()["payload"]
        rows.extend(payload)
        if len(payload) < 15:
            return rows
        page += 1


def test_a_deleted_message_stays_in_the_thread_emptied_and_flagged(sandbox, fresh):
    client = Chatwoot(sandbox, fresh)
    conversation = walk_conversations(client, status="all")[0]
    before = client.get(f"/conversations/{conversation['id']}/messages", after=0).json()["payload"]
    victim = next(m for m in before if m["message_type"] in (0, 1))

    result = sandbox.mutate(tenant=fresh.name, action="delete_messages", ids=[victim["id"]])

    assert result == {"messages": [victim["id"]], "conversations": [conversation["id"]]}
    after = client.get(f"/conversations/{conversation['id']}/messages", after=0).json()["payload"]
    assert [m["id"] for m in after] == [m["id"] for m in before]
    shown = next(m for m in after if m["id"] == victim["id"])
    assert shown["content"] == DELETED_MESSAGE == "This message was deleted"
    assert shown["content_attributes"] == {"deleted": True}
    assert shown["updated_at"] > victim["updated_at"]
    assert all(m["content_attributes"] == {} for m in after if m["id"] != victim["id"])
    now = client.get(f"/conversations/{conversation['id']}").json()
    assert now["updated_at"] > conversation["updated_at"]
    assert now["last_activity_at"] == conversation["last_activity_at"]  # an incremental reader misses it


def test_deletion_never_picks_activity_or_already_deleted_messages(sandbox, fresh):
    ds = fresh.dataset
    activity = {m.id: m.content for c in ds.conversations.values() for m in c.messages if m.message_type == 2}
    everything = sandbox.mutate(tenant=fresh.name, action="delete_messages", count=100_000)
    assert len(everything["messages"]) == ds.counts()["messages"] - len(activity)
    assert not set(everything["messages"]) & set(activity)
    assert sandbox.mutate(tenant=fresh.name, action="delete_messages", count=1)["messages"] == []
    with pytest.raises(KeyError):
        sandbox.mutate(tenant=fresh.name, action="delete_messages", ids=[everything["messages"][0]])
    conversation_id = next(c.id for c in ds.conversations.values() if any(m.id in activity for m in c.messages))
    payload = Chatwoot(sandbox, fresh).get(f"/conversations/{conversation_id}/messages", after=0).json()["payload"]
    kept = [m for m in payload if m["message_type"] == 2]
    assert kept
    assert all(m["content"] == activity[m["id"]] and m["content_attributes"] == {} for m in kept)


def test_a_deleted_contact_takes_its_conversations_and_messages_with_it(sandbox, fresh):
    client = Chatwoot(sandbox, fresh)
    contact = walk_contacts(client)[0]
    conversations = {c["id"] for c in client.get(f"/contacts/{contact['id']}/conversations").json()["payload"]}
    assert conversations

    result = sandbox.mutate(tenant=fresh.name, action="delete_contacts", ids=[contact["id"]])

    assert result["contacts"] == [contact["id"]]
    assert set(result["conversations"]) == conversations
    assert result["messages"]
    assert client.get(f"/contacts/{contact['id']}").status_code == 404
    assert client.get(f"/contacts/{contact['id']}/conversations").status_code == 404
    for conversation_id in conversations:
        assert client.get(f"/conversations/{conversation_id}").status_code == 404
        assert client.get(f"/conversations/{conversation_id}/messages").status_code == 404
    assert not conversations & {c["id"] for c in walk_conversations(client, status="all")}
    assert contact["id"] not in {c["id"] for c in walk_contacts(client)}
    by_contact = [{"attribute_key": "contact_id", "filter_operator": "equal_to", "values": [contact["id"]]}]
    assert client.post("/conversations/filter", {"payload": by_contact}).json()["data"]["payload"] == []
    by_email = [{"attribute_key": "email", "filter_operator": "equal_to", "values": [contact["email"]]}]
    assert client.post("/contacts/filter", {"payload": by_email}).json()["payload"] == []


def test_deleting_an_anonymous_contact_picks_one_the_contact_list_never_showed(sandbox, fresh):
    client = Chatwoot(sandbox, fresh)
    listed = {c["id"] for c in walk_contacts(client)}
    senders = {c["meta"]["sender"]["id"] for c in walk_conversations(client, status="all")}
    anonymous = senders - listed
    assert anonymous
    assert all(client.get(f"/contacts/{contact_id}").status_code == 200 for contact_id in anonymous)

    result = sandbox.mutate(tenant=fresh.name, action="delete_contacts", count=1, anonymous=True)

    (victim,) = result["contacts"]
    assert victim in anonymous
    assert client.get(f"/contacts/{victim}").status_code == 404
    assert not set(result["conversations"]) & {c["id"] for c in walk_conversations(client, status="all")}
    resolved = sandbox.mutate(tenant=fresh.name, action="delete_contacts", count=1, anonymous=False)["contacts"]
    assert set(resolved) <= listed


def test_deleted_ids_are_never_handed_out_again(sandbox, fresh):
    ds = fresh.dataset
    newest = max(ds.conversations)
    gone = sandbox.mutate(tenant=fresh.name, action="delete_conversation", ids=[newest])
    created = sandbox.mutate(tenant=fresh.name, action="new_conversations", count=1, messages=1)
    assert created["conversations"][0] > newest
    assert created["messages"][0] > max(gone["messages"])


# ---------------------------------------------------------------- Attio


def walk_notes(client: Attio) -> list[str]:
    ids, offset = [], 0
    while True:
        page = client.get("/v2/notes", limit=50, offset=offset).json()["data"]
        ids += [n["id"]["note_id"] for n in page]
        if len(page) < 50:
            return ids
        offset += 50


def test_a_deleted_note_answers_404_and_leaves_the_list(sandbox, fresh):
    client = Attio(sandbox, fresh)
    before = walk_notes(client)

    (note_id,) = sandbox.mutate(tenant=fresh.name, action="delete_notes", count=1)["notes"]

    assert note_id in before
    response = client.get(f"/v2/notes/{note_id}")
    assert response.status_code == 404
    assert response.json() == {
        "status_code": 404,
        "type": "invalid_request_error",
        "code": "not_found",
        "message": f'Note with ID "{note_id}" was not found.',
    }
    assert walk_notes(client) == [n for n in before if n != note_id]


# ---------------------------------------------------------------- Linear

BY_IDS = (
    "query($ids: [ID!], $a: Boolean) { issues(includeArchived: $a, filter: {id: {in: $ids}}) "
    "{ nodes { id archivedAt trashed updatedAt } } }"
)


def test_an_archived_issue_shows_only_with_include_archived(sandbox, fresh):
    client = Linear(sandbox, fresh)
    newest_before = max(i["updatedAt"] for i in fresh.dataset.linear.issues.values())

    (issue_id,) = sandbox.mutate(tenant=fresh.name, action="archive_issues", count=1)["issues"]

    assert client.data(BY_IDS, ids=[issue_id], a=False)["issues"]["nodes"] == []
    (node,) = client.data(BY_IDS, ids=[issue_id], a=True)["issues"]["nodes"]
    assert node["archivedAt"] == node["updatedAt"] > newest_before
    assert node["trashed"] is False
    query = "query { issues(first: 250) { nodes { id } } }"
    assert issue_id not in {n["id"] for n in client.data(query)["issues"]["nodes"]}


def test_unarchive_restores_a_trashed_issue(sandbox, fresh):
    client = Linear(sandbox, fresh)
    (issue_id,) = sandbox.mutate(tenant=fresh.name, action="trash_issues", count=1)["issues"]
    trashed = client.data(BY_IDS, ids=[issue_id], a=True)["issues"]["nodes"][0]

    result = sandbox.mutate(tenant=fresh.name, action="unarchive_issues", ids=[issue_id])

    assert result == {"issues": [issue_id]}
    (node,) = client.data(BY_IDS, ids=[issue_id], a=False)["issues"]["nodes"]
    assert node["trashed"] is False
    assert node["archivedAt"] is None
    assert node["updatedAt"] > trashed["updatedAt"]


def test_unarchive_picks_among_archived_issues(sandbox, fresh):
    client = Linear(sandbox, fresh)
    query = "query { issues(first: 250, includeArchived: true, filter: {archivedAt: {null: false}}) { nodes { id } } }"
    archived = {n["id"] for n in client.data(query)["issues"]["nodes"]}
    assert archived

    (issue_id,) = sandbox.mutate(tenant=fresh.name, action="unarchive_issues", count=1)["issues"]

    assert issue_id in archived
    assert client.data(BY_IDS, ids=[issue_id], a=False)["issues"]["nodes"][0]["archivedAt"] is None


def test_a_deleted_comment_is_gone_from_every_query_and_its_issue_is_unchanged(sandbox, fresh):
    client = Linear(sandbox, fresh)
    first = "query { comments(first: 1) { nodes { id issue { id updatedAt } } } }"
    (comment,) = client.data(first)["comments"]["nodes"]
    issue = comment["issue"]

    result = sandbox.mutate(tenant=fresh.name, action="delete_comments", ids=[comment["id"]])

    assert result == {"comments": [comment["id"]], "issues": [issue["id"]]}
    by_ids = "query($ids: [ID!]) { comments(includeArchived: true, filter: {id: {in: $ids}}) { nodes { id } } }"
    assert client.data(by_ids, ids=[comment["id"]])["comments"]["nodes"] == []
    one = client.query("query($id: String!) { comment(id: $id) { id } }", id=comment["id"]).json()
    assert one["errors"][0]["message"] == "Entity not found"
    thread = "query($id: String!) { issue(id: $id) { updatedAt comments(first: 250) { nodes { id } } } }"
    shown = client.data(thread, id=issue["id"])["issue"]
    assert comment["id"] not in {n["id"] for n in shown["comments"]["nodes"]}
    assert shown["updatedAt"] == issue["updatedAt"]
