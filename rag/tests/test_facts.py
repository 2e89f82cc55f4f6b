"""Records carry their current facts: an issue's state, assignee, priority, project, cycle and due date, a deal's stage,
amount and owner, a conversation's status and assignee — in every chunk's header, in `meta["facts"]` and in
evidence; a change of only those at the source re-chunks the record (and sends it back to embedding)."""

import pytest

from connectors.selectors import raw_rows
from rag.models import Chunk, ChunkStatus, SourceType
from rag.services.embeddings import embeddings_run

pytestmark = pytest.mark.django_db
QUERY = "/api/lightrag/query"


def chunks_of(project, source_type, source_id):
    return list(Chunk.objects.filter(project=project, source_type=source_type, source_id=source_id))


def evidence_for(api, query, source_id):
    response = api.post(QUERY, {"query": query})
    assert response.status_code == 200, response.content
    body = response.json()
    return next(item for item in body["evidence"] if item["source_id"] == source_id), body


def assigned_issue_in_a_cycle(project, *, due: bool = False):
    issues = raw_rows(project=project, source="linear", stream="issues").exclude(assignee_external_id="")
    issues = issues.exclude(raw__dueDate=None) if due else issues.filter(raw__dueDate=None)
    return issues.exclude(cycle_external_id="").exclude(project_external_id="").exclude(priority=0).first()


def test_an_issues_chunks_and_evidence_say_its_state_assignee_priority_project_and_cycle(studio_project, owner_api):
    issue = assigned_issue_in_a_cycle(studio_project)
    cycle = raw_rows(project=studio_project, source="linear", stream="cycles").get(external_id=issue.cycle_external_id)
    linear_project = raw_rows(project=studio_project, source="linear", stream="projects").get(
        external_id=issue.project_external_id
    )
    expected = {
        "state": issue.raw["state"]["name"],
        "assignee": issue.raw["assignee"]["name"],
        "priority": issue.raw["priorityLabel"],
        "project": linear_project.name,
        "cycle": f"Cycle {int(cycle.number)}",
    }
    chunks = chunks_of(studio_project, SourceType.LINEAR_ISSUE, issue.external_id)
    assert chunks
    for chunk in chunks:  # every chunk repeats the header, so any chunk can answer "who is on it now"
        assert chunk.text.split("\n")[0] == (
            f"Linear issue {issue.identifier} ({expected['state']}, priority {expected['priority']}, "
            f"{expected['cycle']}) in {expected['project']}, assigned to {expected['assignee']}"
        )
        assert chunk.meta["facts"] == expected

    item, _ = evidence_for(owner_api, f"{issue.identifier} {issue.title}", issue.external_id)
    assert item["facts"] == expected


def test_an_issues_due_date_is_in_its_evidence_and_answers_a_deadline_question(studio_project, owner_api):
    issue = assigned_issue_in_a_cycle(studio_project, due=True)
    due = issue.raw["dueDate"][:10]
    for chunk in chunks_of(studio_project, SourceType.LINEAR_ISSUE, issue.external_id):
        assert chunk.meta["facts"]["due"] == due
    item, body = evidence_for(owner_api, f"What's the deadline on {issue.identifier}?", issue.external_id)
    assert item["facts"]["due"] == due
    assert body["answer"].splitlines()[0].startswith(f"{issue.identifier} is ")
    assert f"due {due} [" in body["answer"].splitlines()[0]


def test_only_a_new_state_at_linear_rechunks_the_issue_and_the_status_question_gets_it(
    studio_project, sandbox, sync_all, owner_api
):
    embeddings_run(project=studio_project)
    issue = assigned_issue_in_a_cycle(studio_project)
    before = chunks_of(studio_project, SourceType.LINEAR_ISSUE, issue.external_id)[0]
    ready_elsewhere = Chunk.objects.filter(project=studio_project, status=ChunkStatus.READY).count() - 1
    old_state = issue.raw["state"]["name"]
    new_state = next(
        s.name
        for s in raw_rows(project=studio_project, source="linear", stream="workflow_states")
        if s.team_external_id == issue.team_external_id and s.name != old_state
    )

    sandbox.mutate(tenant=studio_project.tenant.name, action="move_issue_state", ids=[issue.external_id],
                   state=new_state)  # fmt: skip
    sync_all(studio_project, sources=["linear"])

    after = Chunk.objects.get(pk=before.pk)
    assert after.status == ChunkStatus.PENDING
    assert after.content_hash != before.content_hash
    assert f"({new_state}, priority" in after.text
    assert f"({old_state}, priority" not in after.text
    assert after.meta["facts"]["state"] == new_state
    assert after.text.split("\n")[1:] == before.text.split("\n")[1:]  # the content itself did not change
    assert Chunk.objects.filter(project=studio_project, status=ChunkStatus.READY).count() == ready_elsewhere

    embeddings_run(project=studio_project)
    body = owner_api.post(QUERY, {"query": f"What status is {issue.identifier} in now?"}).json()
    first = body["evidence"][0]
    assert first["source_id"] == issue.external_id
    assert f"{issue.identifier} is {new_state}" in body["answer"]
    assert f"[{first['id']}]" in body["answer"]
    who = owner_api.post(QUERY, {"query": f"Who is assigned to {issue.identifier}?"}).json()
    assert issue.raw["assignee"]["name"] in who["answer"]


def test_only_a_new_deal_stage_at_attio_rechunks_the_deal_and_its_owner_is_named(studio_project, sandbox, sync_all):
    embeddings_run(project=studio_project)
    deal = raw_rows(project=studio_project, source="attio", stream="deals").exclude(owner_external_id="").first()
    owner = raw_rows(project=studio_project, source="attio", stream="workspace_members").get(
        external_id=deal.owner_external_id
    )
    assert owner.name
    assert " " in owner.name
    before = chunks_of(studio_project, SourceType.ATTIO_DEAL, deal.external_id)[0]
    assert before.meta["facts"]["owner"] == owner.name
    assert f"owned by {owner.name}" in before.text.split("\n")[0]
    assert before.meta["facts"]["stage"] == deal.stage
    assert before.meta["facts"]["amount"].split()[0] in before.text.split("\n")[0]
    ready_elsewhere = Chunk.objects.filter(project=studio_project, status=ChunkStatus.READY).count() - 1
    new_stage = "Negotiation" if deal.stage != "Negotiation" else "Lost"

    sandbox.mutate(tenant=studio_project.tenant.name, action="move_deal_stage", ids=[deal.external_id],
                   stage=new_stage)  # fmt: skip
    sync_all(studio_project, sources=["attio"])

    after = Chunk.objects.get(pk=before.pk)
    assert after.status == ChunkStatus.PENDING
    assert f": {new_stage}, " in after.text.split("\n")[0]
    assert after.meta["facts"]["stage"] == new_stage
    assert Chunk.objects.filter(project=studio_project, status=ChunkStatus.READY).count() == ready_elsewhere


def test_only_a_new_conversation_status_at_chatwoot_rechunks_the_conversation(studio_project, sandbox, sync_all):
    embeddings_run(project=studio_project)
    conversation = raw_rows(project=studio_project, source="chatwoot", stream="conversations").filter(
        external_id__in=Chunk.objects.filter(
            project=studio_project, source_type=SourceType.CHATWOOT_CONVERSATION
        ).values("source_id"),
        status="open",
    ).exclude(assignee_external_id="").first()  # fmt: skip
    before = chunks_of(studio_project, SourceType.CHATWOOT_CONVERSATION, conversation.external_id)
    assignee = conversation.raw["meta"]["assignee"]
    name = assignee["name"]  # the full name in the facts, as Linear and Attio write it
    shown = assignee["available_name"]  # the name Chatwoot shows, in the header
    assert name != shown
    for chunk in before:
        assert chunk.meta["facts"] == {"status": "open", "assignee": name}
        assert chunk.text.split("\n")[0].endswith(f", open, assigned to {shown}")
    ready_elsewhere = Chunk.objects.filter(project=studio_project, status=ChunkStatus.READY).count() - len(before)

    sandbox.mutate(tenant=studio_project.tenant.name, action="set_conversation_status",
                   ids=[int(conversation.external_id)], status="resolved")  # fmt: skip
    # A status change moves no activity time: Chatwoot's webhook (or the reconciliation walk) has it re-read.
    sync_all(studio_project, sources=["chatwoot"], resync_ids={"conversations": [conversation.external_id]})

    after = chunks_of(studio_project, SourceType.CHATWOOT_CONVERSATION, conversation.external_id)
    assert {chunk.status for chunk in after} == {ChunkStatus.PENDING}
    assert all(", resolved, assigned to" in chunk.text.split("\n")[0] for chunk in after)
    assert all(chunk.meta["facts"]["status"] == "resolved" for chunk in after)
    assert Chunk.objects.filter(project=studio_project, status=ChunkStatus.READY).count() == ready_elsewhere

    # Nothing changed since: a second sync rewrites nothing.
    embeddings_run(project=studio_project)
    sync_all(studio_project, sources=["chatwoot"], full=True)
    assert not Chunk.objects.filter(project=studio_project, status=ChunkStatus.PENDING).exists()


def test_an_issue_stored_before_names_were_asked_for_is_not_called_unassigned(studio_project):
    from rag.chunking.sources import issue_documents

    issue = assigned_issue_in_a_cycle(studio_project)
    rows = raw_rows(project=studio_project, source="linear", stream="issues").filter(pk=issue.pk)
    rows.update(raw={**issue.raw, "assignee": {"id": issue.assignee_external_id}})  # the old selection
    (document,), _gone = issue_documents(studio_project, [issue.external_id])
    assert "assignee" not in document.meta["facts"]
    assert "unassigned" not in document.header
    assert document.meta["facts"]["state"] == issue.raw["state"]["name"]


def test_an_issues_comment_lines_say_who_wrote_them(studio_project):
    comments = raw_rows(project=studio_project, source="linear", stream="comments").exclude(body="")
    comment = comments.exclude(user_external_id="").first()
    author = next(u["name"] for u in studio_project.tenant.dataset.linear.users if u["id"] == comment.user_external_id)
    issue = raw_rows(project=studio_project, source="linear", stream="issues").get(
        external_id=comment.issue_external_id
    )
    text = "\n".join(c.text for c in chunks_of(studio_project, SourceType.LINEAR_ISSUE, issue.external_id))
    assert f"Comment by {author}: {comment.body}" in text
    # A comment stored before the connector asked for its author's name is just a comment.
    from rag.chunking.sources import issue_documents

    comments.filter(pk=comment.pk).update(raw={**comment.raw, "user": {"id": comment.user_external_id}})
    (document,), _gone = issue_documents(studio_project, [issue.external_id])
    assert f"Comment: {comment.body}" in [unit.text for unit in document.units]
