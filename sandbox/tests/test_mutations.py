"""Each mutation changes the data coherently, is visible over HTTP, and sorts after everything before it."""

import time

import pytest

from sandbox.dataset import BASE_EPOCH
from sandbox.tests.conftest import Attio, Chatwoot, Linear, walk_conversations


def test_new_messages_append_to_existing_threads_and_bump_activity(sandbox, fresh):
    client = Chatwoot(sandbox, fresh)
    before = time.time()
    result = sandbox.mutate(tenant=fresh.name, action="new_messages", count=5)
    assert len(result["messages"]) == 5
    assert result["conversations"]
    conversation_id = result["conversations"][0]
    conversation = client.get(f"/conversations/{conversation_id}").json()
    assert conversation["last_activity_at"] >= int(before) > BASE_EPOCH
    messages = client.get(f"/conversations/{conversation_id}/messages").json()["payload"]
    new_ids = set(result["messages"])
    assert messages[-1]["id"] in new_ids
    assert max(m["id"] for m in messages if m["id"] not in new_ids) < min(new_ids)


def test_stamps_strictly_increase_even_within_one_second(sandbox, fresh):
    first = sandbox.mutate(tenant=fresh.name, action="new_messages", count=1)
    second = sandbox.mutate(tenant=fresh.name, action="new_messages", count=1)
    times = {}
    for result in (first, second):
        conversation = fresh.dataset.conversations[result["conversations"][0]]
        times[result["messages"][0]] = next(
            m.created_at for m in conversation.messages if m.id == result["messages"][0]
        )
    assert times[second["messages"][0]] > times[first["messages"][0]]


def test_new_conversations_belong_to_existing_contacts(sandbox, fresh):
    result = sandbox.mutate(tenant=fresh.name, action="new_conversations", count=2)
    client = Chatwoot(sandbox, fresh)
    for conversation_id in result["conversations"]:
        conversation = client.get(f"/conversations/{conversation_id}").json()
        assert conversation["meta"]["sender"]["id"] in fresh.dataset.contacts
        assert conversation["status"] == "open"
    assert set(result["conversations"]) <= {c["id"] for c in walk_conversations(client)}


def test_edit_messages_changes_content_and_updated_at(sandbox, fresh):
    result = sandbox.mutate(tenant=fresh.name, action="edit_messages", count=3)
    conversation_id = result["conversations"][0]
    payload = Chatwoot(sandbox, fresh).get(f"/conversations/{conversation_id}/messages", after=0).json()["payload"]
    edited = [m for m in payload if m["id"] in result["messages"]]
    assert edited
    assert all(m["content"].endswith("(edited)") and m["updated_at"] > m["created_at"] for m in edited)


def test_delete_conversation_404s_and_leaves_the_lists(sandbox, fresh):
    victim = sandbox.mutate(tenant=fresh.name, action="delete_conversation", count=1)["conversations"][0]
    client = Chatwoot(sandbox, fresh)
    assert client.get(f"/conversations/{victim}").status_code == 404
    assert client.get(f"/conversations/{victim}/messages").status_code == 404
    assert victim not in {c["id"] for c in walk_conversations(client, status="all")}
    again = sandbox.mutate(tenant=fresh.name, action="delete_conversation", ids=[victim - 1 or 2])
    assert again["conversations"] == [victim - 1 or 2]


def test_edit_contacts(sandbox, fresh):
    contact_id = sandbox.mutate(tenant=fresh.name, action="edit_contacts", count=1)["contacts"][0]
    shown = Chatwoot(sandbox, fresh).get(f"/contacts/{contact_id}").json()["payload"]
    assert shown["name"].endswith(" Jr.")
    assert shown["phone_number"].startswith("+1 555")


def test_set_conversation_status_changes_only_the_status(sandbox, fresh):
    client = Chatwoot(sandbox, fresh)
    conversation_id = next(c.id for c in fresh.dataset.conversations.values() if c.status == "open")
    before = client.get(f"/conversations/{conversation_id}").json()
    sandbox.mutate(tenant=fresh.name, action="set_conversation_status", ids=[conversation_id], status="resolved")
    after = client.get(f"/conversations/{conversation_id}").json()
    assert after["status"] == "resolved"
    assert after["last_activity_at"] == before["last_activity_at"]
    assert after["meta"].get("assignee") == before["meta"].get("assignee")
    with pytest.raises(ValueError, match="unknown status"):
        sandbox.mutate(tenant=fresh.name, action="set_conversation_status", ids=[conversation_id], status="closed")


def test_move_issue_state_changes_only_the_state(sandbox, fresh):
    client = Linear(sandbox, fresh)
    query = "query($id: String!) { issue(id: $id) { title description updatedAt state { name } assignee { name } } }"
    done = {s["id"] for s in fresh.dataset.linear.states if s["name"] == "Done"}
    issue_id = next(i["id"] for i in fresh.dataset.linear.issues.values() if i["stateId"] not in done)
    before = client.data(query, id=issue_id)["issue"]
    sandbox.mutate(tenant=fresh.name, action="move_issue_state", ids=[issue_id], state="Done")
    after = client.data(query, id=issue_id)["issue"]
    assert after["state"]["name"] == "Done"
    assert after["updatedAt"] > before["updatedAt"]
    assert (after["title"], after["description"], after["assignee"]) == (
        before["title"], before["description"], before["assignee"]
    )  # fmt: skip


ISSUE_QUERY = "query($id: String!) { issue(id: $id) { id title updatedAt state { type } startedAt completedAt } }"


def test_edit_issues_bumps_updated_at_past_every_other_issue(sandbox, fresh):
    client = Linear(sandbox, fresh)
    newest_before = max(i["updatedAt"] for i in fresh.dataset.linear.issues.values())
    edited = sandbox.mutate(tenant=fresh.name, action="edit_issues", count=3)["issues"]
    for issue_id in edited:
        issue = client.data(ISSUE_QUERY, id=issue_id)["issue"]
        assert issue["updatedAt"] > newest_before
        assert issue["title"].endswith("(revised)")
        if issue["state"]["type"] == "completed":
            assert issue["completedAt"] == issue["updatedAt"]
    query = "query($s: DateTimeOrDuration) { issues(filter: {updatedAt: {gt: $s}}) { nodes { id } } }"
    assert sorted(n["id"] for n in client.data(query, s=newest_before)["issues"]["nodes"]) == sorted(edited)


def test_new_issues_are_numbered_after_their_team(sandbox, fresh):
    issue_id = sandbox.mutate(tenant=fresh.name, action="new_issues", count=1)["issues"][0]
    issue = fresh.dataset.linear.issues[issue_id]
    same_team = [i["number"] for i in fresh.dataset.linear.issues.values() if i["teamId"] == issue["teamId"]]
    assert issue["number"] == max(same_team)
    assert Linear(sandbox, fresh).data(ISSUE_QUERY, id=issue_id)["issue"]["state"]["type"] == "unstarted"


def test_delete_issues_is_a_hard_delete(sandbox, fresh):
    result = sandbox.mutate(tenant=fresh.name, action="delete_issues", count=2)
    client = Linear(sandbox, fresh)
    query = "query($ids: [ID!]) { issues(includeArchived: true, filter: {id: {in: $ids}}) { nodes { id } } }"
    assert client.data(query, ids=result["issues"])["issues"]["nodes"] == []
    assert not set(result["comments"]) & set(fresh.dataset.linear.comments)


def test_trash_issues_marks_them_trashed_and_archived(sandbox, fresh):
    issue_id = sandbox.mutate(tenant=fresh.name, action="trash_issues", count=1)["issues"][0]
    client = Linear(sandbox, fresh)
    query = (
        "query($ids: [ID!], $a: Boolean) { issues(includeArchived: $a, filter: {id: {in: $ids}}) "
        "{ nodes { trashed archivedAt } } }"
    )
    assert client.data(query, ids=[issue_id], a=False)["issues"]["nodes"] == []
    node = client.data(query, ids=[issue_id], a=True)["issues"]["nodes"][0]
    assert node["trashed"] is True
    assert node["archivedAt"]


def test_new_comments_are_on_existing_issues(sandbox, fresh):
    result = sandbox.mutate(tenant=fresh.name, action="new_comments", count=3)
    query = "query($id: String!) { comment(id: $id) { id issue { id } createdAt } }"
    for comment_id, issue_id in zip(result["comments"], result["issues"], strict=True):
        assert Linear(sandbox, fresh).data(query, id=comment_id)["comment"]["issue"]["id"] == issue_id


def test_move_deal_stage_keeps_history_and_the_query_shows_the_new_stage(sandbox, fresh):
    deal_id = sorted(fresh.dataset.attio.records["deals"])[0]
    client = Attio(sandbox, fresh)
    history_before = client.get(f"/v2/objects/deals/records/{deal_id}/attributes/stage/values",
                                show_historic="true").json()["data"]  # fmt: skip
    old = next(v for v in history_before if v["active_until"] is None)["status"]["title"]
    target = "Negotiation" if old != "Negotiation" else "Lost"
    sandbox.mutate(tenant=fresh.name, action="move_deal_stage", ids=[deal_id], stage=target)
    record = client.query("deals", filter={"record_id": deal_id}).json()["data"][0]
    assert [v["status"]["title"] for v in record["values"]["stage"]] == [target]
    history = client.get(f"/v2/objects/deals/records/{deal_id}/attributes/stage/values",
                         show_historic="true").json()["data"]  # fmt: skip
    assert len(history) == len(history_before) + 1
    closed = [v for v in history if v["active_until"] is not None]
    assert closed[-1]["status"]["title"] == old
    assert closed[-1]["active_until"] == history[-1]["active_from"]
    active = client.get(f"/v2/objects/deals/records/{deal_id}/attributes/stage/values").json()["data"]
    assert [v["status"]["title"] for v in active] == [target]


def test_delete_deal(sandbox, fresh):
    result = sandbox.mutate(tenant=fresh.name, action="delete_deal", count=1)
    deal_id = result["deals"][0]
    client = Attio(sandbox, fresh)
    assert client.get(f"/v2/objects/deals/records/{deal_id}").status_code == 404
    assert not client.get("/v2/notes", parent_object="deals", parent_record_id=deal_id).json()["data"]


def test_new_companies_include_a_duplicate_name(sandbox, fresh):
    created = sandbox.mutate(tenant=fresh.name, action="new_companies", count=2)["companies"]
    client = Attio(sandbox, fresh)
    rows = client.query("companies", filter={"record_id": {"$in": created}}).json()["data"]
    names = [r["values"]["name"][0]["value"] for r in rows]
    existing = [r["values"]["name"][0]["value"] for r in fresh.dataset.attio.records["companies"].values()]
    assert any(existing.count(name) >= 2 for name in names)
    newest = client.query("companies", sorts=[{"attribute": "created_at", "direction": "desc"}], limit=2).json()
    assert {r["id"]["record_id"] for r in newest["data"]} == set(created)


def test_new_notes(sandbox, fresh):
    note_id = sandbox.mutate(tenant=fresh.name, action="new_notes", count=1)["notes"][0]
    assert Attio(sandbox, fresh).get(f"/v2/notes/{note_id}").json()["data"]["id"]["note_id"] == note_id


def test_bad_mutations_are_refused(sandbox, fresh):
    with pytest.raises(ValueError, match="unknown action"):
        sandbox.mutate(tenant=fresh.name, action="explode")
    with pytest.raises(KeyError):
        sandbox.mutate(tenant=fresh.name, action="delete_conversation", ids=[987654])
    with pytest.raises(KeyError):
        sandbox.mutate(tenant="nobody", action="new_messages")
