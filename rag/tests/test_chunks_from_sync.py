"""Chunks follow the sources: built after committed sync pages, re-queued when a source changes, gone with it."""

import pytest
from django.db import connection

from connectors.selectors import raw_rows
from connectors.services.sync import connector_sync
from rag.chunking.documents import Document, Unit, draft_chunks
from rag.chunking.store import chunks_write
from rag.models import Chunk, ChunkStatus, SourceType
from rag.services.chunks import chunks_rebuild
from rag.services.embeddings import embeddings_run

pytestmark = pytest.mark.django_db


def chunk_texts(project, source_type=None) -> list[str]:
    chunks = Chunk.objects.filter(project=project)
    if source_type:
        chunks = chunks.filter(source_type=source_type)
    return list(chunks.values_list("text", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_real_sync_builds_chunks_of_every_source_after_its_pages_commit(project, make_tenant, bind, sleep, offline):
    tenant = make_tenant(seed="commit", messages=150)
    bind(project, tenant)
    for source in ("attio", "linear", "chatwoot"):
        assert connector_sync(project=project, source=source, sleep=sleep).status == "ok"

    kinds = set(Chunk.objects.filter(project=project).values_list("source_type", flat=True))
    assert kinds == set(SourceType.values)
    issue = raw_rows(project=project, source="linear", stream="issues").first()
    chunk = Chunk.objects.get(project=project, source_type=SourceType.LINEAR_ISSUE, source_id=issue.external_id)
    assert issue.title in chunk.text
    assert chunk.url == issue.url
    assert chunk.status == ChunkStatus.PENDING
    assert chunk.token_count > 0
    assert len(chunk.content_hash) == 32
    conversation = Chunk.objects.filter(project=project, source_type=SourceType.CHATWOOT_CONVERSATION).first()
    assert f"/app/accounts/{tenant.chatwoot_account_id}/conversations/{conversation.source_id}" in conversation.url
    assert conversation.author
    assert conversation.occurred_at is not None


def test_private_notes_and_activity_lines_never_become_chunk_text(studio_project):
    private = raw_rows(project=studio_project, source="chatwoot", stream="messages").filter(private=True)
    activity = raw_rows(project=studio_project, source="chatwoot", stream="messages").filter(message_type=2)
    assert private.exists()
    assert activity.exists()
    texts = "\n".join(chunk_texts(studio_project))
    for note in private:
        assert note.content not in texts
    assert "INTERNAL" not in texts
    assert "внутренняя заметка" not in texts
    assert "Conversation was" not in texts


def test_deals_carry_stage_amount_company_and_their_notes(studio_project):
    deal = raw_rows(project=studio_project, source="attio", stream="deals").exclude(company_external_id="").first()
    company = raw_rows(project=studio_project, source="attio", stream="companies").get(
        external_id=deal.company_external_id
    )
    note = raw_rows(project=studio_project, source="attio", stream="notes").filter(
        parent_object="deals", parent_external_id=deal.external_id
    )
    text = "\n".join(chunk_texts(studio_project, SourceType.ATTIO_DEAL))
    assert f"Deal {deal.name}. Stage: {deal.stage}." in text
    assert f"Company: {company.name}." in text
    for row in note:
        assert row.content in text


def test_an_edited_issue_goes_back_to_pending_and_is_embedded_again(studio_project, sandbox, sync_all):
    embeddings_run(project=studio_project)
    issue = raw_rows(project=studio_project, source="linear", stream="issues").first()
    before = Chunk.objects.get(project=studio_project, source_type=SourceType.LINEAR_ISSUE, source_id=issue.external_id)
    assert before.status == ChunkStatus.READY
    untouched = Chunk.objects.filter(project=studio_project, status=ChunkStatus.READY).exclude(pk=before.pk).count()

    sandbox.mutate(tenant=studio_project.tenant.name, action="edit_issues", ids=[issue.external_id])
    sync_all(studio_project, sources=["linear"])

    after = Chunk.objects.get(pk=before.pk)
    assert after.status == ChunkStatus.PENDING
    assert after.embedding is None
    assert after.content_hash != before.content_hash
    assert "(revised)" in after.text
    assert Chunk.objects.filter(project=studio_project, status=ChunkStatus.READY).count() == untouched
    _run, result = embeddings_run(project=studio_project)
    assert result.embedded == 1
    after.refresh_from_db()
    assert after.status == ChunkStatus.READY
    assert after.embedding is not None


def test_a_deleted_conversation_loses_its_chunks(studio_project, sandbox, sync_all, confirm_at_once):
    conversation = Chunk.objects.filter(project=studio_project, source_type=SourceType.CHATWOOT_CONVERSATION).first()
    sandbox.mutate(tenant=studio_project.tenant.name, action="delete_conversation", ids=[int(conversation.source_id)])
    sync_all(studio_project, sources=["chatwoot"], full=True)
    assert Chunk.objects.filter(pk=conversation.pk).exists()  # one 404 is not yet a deletion
    sync_all(studio_project, sources=["chatwoot"], full=True)
    gone = Chunk.objects.filter(
        project=studio_project, source_type=SourceType.CHATWOOT_CONVERSATION, source_id=conversation.source_id
    )
    assert not gone.exists()
    assert Chunk.objects.filter(project=studio_project, source_type=SourceType.CHATWOOT_CONVERSATION).exists()


def test_a_deleted_issue_found_by_a_resync_loses_its_chunk(studio_project, sandbox, sync_all, confirm_at_once):
    issue = Chunk.objects.filter(project=studio_project, source_type=SourceType.LINEAR_ISSUE).first()
    sandbox.mutate(tenant=studio_project.tenant.name, action="delete_issues", ids=[issue.source_id])
    for _ in range(2):
        sync_all(studio_project, sources=["linear"], resync_ids={"issues": [issue.source_id]})
    assert not Chunk.objects.filter(pk=issue.pk).exists()


def test_new_messages_extend_their_conversation_without_touching_the_others(studio_project, sandbox, sync_all):
    embeddings_run(project=studio_project)
    target = Chunk.objects.filter(project=studio_project, source_type=SourceType.CHATWOOT_CONVERSATION).first()
    sandbox.mutate(tenant=studio_project.tenant.name, action="new_messages", count=3, ids=[int(target.source_id)])
    sync_all(studio_project, sources=["chatwoot"])
    pending = Chunk.objects.filter(project=studio_project, status=ChunkStatus.PENDING)
    assert pending.exists()
    assert set(pending.values_list("source_id", flat=True)) == {target.source_id}


def test_a_shortened_source_loses_its_surplus_chunks(project):
    units = [Unit(f"Comment number {i} on the checkout prices.", ref=f"c:{i}") for i in range(60)]
    long = Document(SourceType.LINEAR_ISSUE, "issue-1", "DEV-1 Prices", "Linear issue DEV-1", "", units)
    short = Document(SourceType.LINEAR_ISSUE, "issue-1", "DEV-1 Prices", "Linear issue DEV-1", "", units[:2])

    def write(document):
        drafts = {"issue-1": draft_chunks(document, max_tokens=60, overlap_tokens=10)}
        return chunks_write(project=project, source_type=SourceType.LINEAR_ISSUE, drafts_by_source=drafts, gone=[])

    write(long)
    assert Chunk.objects.filter(project=project).count() > 3
    result = write(short)
    assert list(Chunk.objects.filter(project=project).values_list("ordinal", flat=True)) == [0]
    assert result.deleted >= 3


def test_rechunking_unchanged_sources_writes_nothing(studio_project):
    embeddings_run(project=studio_project)
    result = chunks_rebuild(project=studio_project)
    assert result.written == 0
    assert result.deleted == 0
    assert not Chunk.objects.filter(project=studio_project).exclude(status=ChunkStatus.READY).exists()


def test_two_projects_bound_to_identical_data_each_get_their_own_chunks(
    project, other_project, make_tenant, bind, sync_all, offline
):
    bind(project, make_tenant(seed="twin", messages=150))
    bind(other_project, make_tenant(seed="twin", messages=150))
    sync_all(project)
    count = Chunk.objects.filter(project=project).count()
    assert count > 0
    assert not Chunk.objects.filter(project=other_project).exists()
    sync_all(other_project)
    assert Chunk.objects.filter(project=other_project).count() == count
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM rag_chunks c JOIN workforce_project p ON p.id = c.project_id "
            "WHERE c.account_scope_id <> p.account_scope_id"
        )
        assert cursor.fetchone()[0] == 0


def test_a_renamed_contact_rechunks_only_its_conversations_and_activity_alone_rewrites_nothing(
    studio_project, sandbox, sync_all
):
    embeddings_run(project=studio_project)
    conversation = Chunk.objects.filter(project=studio_project, source_type=SourceType.CHATWOOT_CONVERSATION).first()
    contact_id = conversation.meta["contact_id"]
    sandbox.mutate(tenant=studio_project.tenant.name, action="edit_contacts", ids=[int(contact_id)])
    sync_all(studio_project, sources=["chatwoot"], full=True)
    pending = Chunk.objects.filter(project=studio_project, status=ChunkStatus.PENDING)
    assert pending.exists()
    assert {chunk.meta["contact_id"] for chunk in pending} == {contact_id}
    assert all(" Jr." in chunk.title for chunk in pending)
    # A second full sync sees changed activity on rows but nothing a chunk shows: nothing is rewritten.
    embeddings_run(project=studio_project)
    sync_all(studio_project, sources=["chatwoot"], full=True)
    assert not Chunk.objects.filter(project=studio_project, status=ChunkStatus.PENDING).exists()
