"""Deletions at the sources leave search, answers and the mirror (and nothing else does); a restored record comes
back once. Real HTTP to the sandbox: the source changes, a sync or a check (sweep / reconciliation) finds it."""

from collections import Counter

import pytest

from connectors.models import RAW_MODELS
from connectors.selectors import raw_rows
from crm.models import CrmContact, CrmOpportunity, CrmOpportunityStageEvent
from rag.models import Chunk, SourceType
from rag.services.embeddings import embeddings_run
from sandbox.mutations import DELETED_MESSAGE

pytestmark = pytest.mark.django_db
QUERY = "/api/lightrag/query"
CONVERSATION, ISSUE, DEAL = SourceType.CHATWOOT_CONVERSATION, SourceType.LINEAR_ISSUE, SourceType.ATTIO_DEAL


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def searchable(studio_project):
    """The synced studio project with every chunk embedded: what a user searches."""
    embeddings_run(project=studio_project)
    return studio_project


@pytest.fixture
def sweep(sweep):
    """The deletion sweep, then the embedding run, as the scheduler would do."""

    def run(project) -> dict:
        summary = sweep(project)
        embeddings_run(project=project)
        return summary

    return run


@pytest.fixture
def reconcile(reconcile):
    """A reconciliation (metrics by connector), then the embedding run."""

    def run(project) -> dict:
        metrics = reconcile(project)
        embeddings_run(project=project)
        return metrics

    return run


@pytest.fixture
def resync(sync_all):
    """An incremental sync of some sources, then the embedding run, as the scheduler would do."""

    def run(project, sources) -> None:
        sync_all(project, sources=sources)
        embeddings_run(project=project)

    return run


# ---------------------------------------------------------------- helpers: what the user sees


def norm(text: str) -> str:
    """Chunk lines collapse whitespace; compare texts the same way."""
    return " ".join(str(text).split())


def search(api, query: str) -> dict:
    response = api.post(QUERY, {"query": query, "topK": 50, "sourceLimit": 25})
    assert response.status_code == 200, response.content
    return response.json()


def shows(body: dict, source_type: str, source_id: str) -> bool:
    """Whether the answer's evidence or chunks come from this record."""
    key = (source_type, str(source_id))
    return any((item["source_type"], item["source_id"]) == key for item in [*body["evidence"], *body["chunks"]])


def cited(body: dict) -> set[tuple[str, str]]:
    """The records the answer cites."""
    by_id = {item["id"]: (item["source_type"], item["source_id"]) for item in body["evidence"]}
    return {by_id[citation] for citation in body["citations"]}


def assert_not_in_answer(body: dict, text: str) -> None:
    """Neither the answer nor any evidence snippet quotes this text."""
    assert norm(text) not in norm(body["answer"])
    assert all(norm(text) not in norm(item["snippet"]) for item in body["evidence"])


def assert_left_search(body: dict, source_type: str, source_id: str) -> None:
    assert not shows(body, source_type, source_id)
    assert (source_type, str(source_id)) not in cited(body)


def first_evidence(body: dict) -> dict:
    assert body["evidence"], body
    return body["evidence"][0]


# ---------------------------------------------------------------- helpers: what is stored


def live_ids(project) -> dict[tuple[str, str], set[str]]:
    """{(source, stream): live external ids} of every raw stream."""
    return {
        key: set(model.objects.filter(project=project, deleted_at__isnull=True).values_list("external_id", flat=True))
        for key, model in RAW_MODELS.items()
    }


def without(snapshot: dict, gone: dict[tuple[str, str], list]) -> dict:
    return {key: ids - {str(i) for i in gone.get(key, ())} for key, ids in snapshot.items()}


def chunk_sources(project) -> set[tuple[str, str]]:
    return set(Chunk.objects.filter(project=project).values_list("source_type", "source_id"))


def chunks_of(project, source_type: str, source_id: str):
    return Chunk.objects.filter(project=project, source_type=source_type, source_id=str(source_id)).order_by("ordinal")


def chunk_text(project, source_type: str, source_id: str) -> str:
    return norm("\n".join(chunks_of(project, source_type, source_id).values_list("text", flat=True)))


def line_refs(project, source_type: str, source_id: str) -> set[str]:
    """The message / comment / note ids the record's chunks are made of."""
    return {
        ref for meta in chunks_of(project, source_type, source_id).values_list("meta", flat=True)
        for ref, _at in (meta or {}).get("lines", []) if ref
    }  # fmt: skip


def stored(project, source: str, stream: str, external_id):
    """The raw row, tombstone or not."""
    return raw_rows(project=project, source=source, stream=stream, include_deleted=True).get(
        external_id=str(external_id)
    )


def assert_tombstone(project, source: str, stream: str, ids, reason: str) -> None:
    for external_id in ids:
        row = stored(project, source, stream, external_id)
        assert (row.deleted_reason, row.deleted_at is not None) == (reason, True), (stream, external_id)


def is_live(project, source: str, stream: str, external_id) -> bool:
    return raw_rows(project=project, source=source, stream=stream, external_ids=[external_id]).exists()


def unique(values) -> set[str]:
    counts = Counter(norm(v) for v in values)
    return {value for value, n in counts.items() if n == 1}


# ---------------------------------------------------------------- picking records


def public_messages(project, **filters):
    return (
        raw_rows(project=project, source="chatwoot", stream="messages")
        .filter(private=False, **filters)
        .exclude(message_type=2)
        .exclude(content="")
    )


def a_message_to_delete(project):
    """(conversation id, a public message with text found nowhere else, the conversation's other public messages)."""
    all_texts = unique(
        raw_rows(project=project, source="chatwoot", stream="messages").values_list("content", flat=True)
    )
    chunked = set(Chunk.objects.filter(project=project, source_type=CONVERSATION).values_list("source_id", flat=True))
    by_size = Counter(public_messages(project).values_list("conversation_external_id", flat=True))
    for conversation, _ in by_size.most_common():
        if conversation not in chunked:
            continue
        messages = list(public_messages(project, conversation_external_id=conversation).order_by("source_created_at"))
        candidates = [m for m in messages[1:-1] if norm(m.content) in all_texts and len(m.content) > 40]
        if candidates:
            victim = max(candidates, key=lambda m: len(m.content))
            return conversation, victim, [m for m in messages if m.pk != victim.pk]
    pytest.fail("no conversation with a message found nowhere else")


def an_issue_with_comments(project):
    """A chunked, unarchived issue with a unique title and comments."""
    titles = unique(raw_rows(project=project, source="linear", stream="issues").values_list("title", flat=True))
    commented = raw_rows(project=project, source="linear", stream="comments").exclude(body="")
    with_comments = set(commented.values_list("issue_external_id", flat=True))
    for issue in raw_rows(project=project, source="linear", stream="issues").filter(archived_at=None).order_by("id"):
        chunked = chunks_of(project, ISSUE, issue.external_id).exists()
        if chunked and issue.external_id in with_comments and norm(issue.title) in titles:
            return issue
    pytest.fail("no chunked issue with comments and a unique title")


def comments_of(project, issue_id: str) -> list[str]:
    rows = raw_rows(project=project, source="linear", stream="comments", include_deleted=True)
    return sorted(rows.filter(issue_external_id=issue_id).values_list("external_id", flat=True))


def ask_about_issue(api, issue) -> dict:
    return search(api, f"What is {issue.identifier} about?")


# ---------------------------------------------------------------- Chatwoot


def test_a_deleted_chatwoot_message_leaves_its_conversation_and_search_found_by_a_sweep(
    searchable, owner_api, sandbox, sweep, confirm_at_once
):
    project = searchable
    conversation, message, others = a_message_to_delete(project)
    text = message.content
    assert any(item["ref"] == f"m:{message.external_id}" for item in search(owner_api, text)["evidence"])
    assert norm(text) in chunk_text(project, CONVERSATION, conversation)
    live, sources = live_ids(project), chunk_sources(project)

    sandbox.mutate(tenant=project.tenant.name, action="delete_messages", ids=[int(message.external_id)])
    sweep(project)  # the conversation's `updated_at` moved: the sweep re-reads it with its messages

    assert_tombstone(project, "chatwoot", "messages", [message.external_id], "deleted")
    kept = chunk_text(project, CONVERSATION, conversation)
    assert norm(text) not in kept
    assert DELETED_MESSAGE not in kept
    assert f"m:{message.external_id}" not in line_refs(project, CONVERSATION, conversation)
    assert all(norm(other.content) in kept for other in others)
    body = search(owner_api, text)
    assert not any(item["ref"] == f"m:{message.external_id}" for item in body["evidence"])
    assert not any(f"messageId={message.external_id}" in (item["url"] or "") for item in body["evidence"])
    assert_not_in_answer(body, text)
    # Nothing else left: the conversation and every other record are still there.
    assert live_ids(project) == without(live, {("chatwoot", "messages"): [message.external_id]})
    assert chunk_sources(project) == sources


def test_a_deleted_chatwoot_contact_leaves_with_its_conversations_after_two_checks(
    searchable, owner_api, sandbox, sweep, confirm_at_once
):
    project = searchable
    contacts = raw_rows(project=project, source="chatwoot", stream="contacts").exclude(email="")
    listed = set(contacts.values_list("external_id", flat=True))
    chunked = Chunk.objects.filter(project=project, source_type=CONVERSATION, meta__contact_id__in=listed)
    contact = chunked.values_list("meta__contact_id", flat=True).order_by("source_id").first()
    assert contact, "a contact GET /contacts lists, with a conversation in search"
    conversations = sorted(
        raw_rows(project=project, source="chatwoot", stream="conversations")
        .filter(contact_external_id=contact)
        .values_list("external_id", flat=True)
    )
    messages = sorted(
        raw_rows(project=project, source="chatwoot", stream="messages")
        .filter(conversation_external_id__in=conversations)
        .values_list("external_id", flat=True)
    )
    texts = unique(raw_rows(project=project, source="chatwoot", stream="messages").values_list("content", flat=True))
    quoted = next(m.content for m in public_messages(project, conversation_external_id__in=conversations)
                  if norm(m.content) in texts and len(m.content) > 40)  # fmt: skip
    assert any(shows(search(owner_api, quoted), CONVERSATION, c) for c in conversations)
    assert CrmContact.objects.filter(project=project, source_system="chatwoot", external_ref=contact).exists()
    live, sources = live_ids(project), chunk_sources(project)
    mirrored = CrmContact.objects.filter(project=project).count()

    gone = sandbox.mutate(tenant=project.tenant.name, action="delete_contacts", ids=[int(contact)], anonymous=False)
    assert sorted(str(i) for i in gone["conversations"]) == conversations

    sweep(project)
    assert is_live(project, "chatwoot", "contacts", contact), "one 404 is not yet a deletion"
    assert chunk_sources(project) == sources
    sweep(project)

    assert_tombstone(project, "chatwoot", "contacts", [contact], "deleted")
    assert_tombstone(project, "chatwoot", "conversations", conversations, "deleted")
    assert_tombstone(project, "chatwoot", "messages", messages, "deleted")
    assert not Chunk.objects.filter(project=project, source_type=CONVERSATION, source_id__in=conversations).exists()
    assert not CrmContact.objects.filter(project=project, source_system="chatwoot", external_ref=contact).exists()
    body = search(owner_api, quoted)
    for conversation in conversations:
        assert_left_search(body, CONVERSATION, conversation)
    assert_not_in_answer(body, quoted)
    gone_rows = {
        ("chatwoot", "contacts"): [contact],
        ("chatwoot", "conversations"): conversations,
        ("chatwoot", "messages"): messages,
    }
    assert live_ids(project) == without(live, gone_rows)
    assert chunk_sources(project) == sources - {(CONVERSATION, c) for c in conversations}
    assert CrmContact.objects.filter(project=project).count() == mirrored - 1


# ---------------------------------------------------------------- Linear


def test_a_trashed_linear_issue_leaves_search_after_a_sync(searchable, owner_api, sandbox, resync):
    project = searchable
    issue = an_issue_with_comments(project)
    comments = comments_of(project, issue.external_id)
    assert first_evidence(ask_about_issue(owner_api, issue))["source_id"] == issue.external_id
    live, sources = live_ids(project), chunk_sources(project)

    sandbox.mutate(tenant=project.tenant.name, action="trash_issues", ids=[issue.external_id])
    resync(project, ["linear"])

    assert_tombstone(project, "linear", "issues", [issue.external_id], "trashed")
    assert_tombstone(project, "linear", "comments", comments, "trashed")
    assert not chunks_of(project, ISSUE, issue.external_id).exists()
    body = ask_about_issue(owner_api, issue)
    assert_left_search(body, ISSUE, issue.external_id)
    assert_not_in_answer(body, issue.title)
    gone = {("linear", "issues"): [issue.external_id], ("linear", "comments"): comments}
    assert live_ids(project) == without(live, gone)
    assert chunk_sources(project) == sources - {(ISSUE, issue.external_id)}


def test_an_archived_linear_issue_stays_searchable_and_is_marked_archived(searchable, owner_api, sandbox, resync):
    project = searchable
    issue = an_issue_with_comments(project)
    assert first_evidence(ask_about_issue(owner_api, issue))["archived"] is False
    live, sources = live_ids(project), chunk_sources(project)

    sandbox.mutate(tenant=project.tenant.name, action="archive_issues", ids=[issue.external_id])
    resync(project, ["linear"])

    row = stored(project, "linear", "issues", issue.external_id)
    assert (row.deleted_at, row.deleted_reason) == (None, "")
    assert row.archived_at is not None
    evidence = first_evidence(ask_about_issue(owner_api, issue))
    assert (evidence["source_type"], evidence["source_id"]) == (ISSUE, issue.external_id)
    assert evidence["archived"] is True
    assert live_ids(project) == live
    assert chunk_sources(project) == sources


def test_a_deleted_linear_comment_leaves_its_issue_chunk_after_two_checks(
    searchable, owner_api, sandbox, sweep, confirm_at_once
):
    project = searchable
    bodies = unique(raw_rows(project=project, source="linear", stream="comments").values_list("body", flat=True))
    chunked = set(Chunk.objects.filter(project=project, source_type=ISSUE).values_list("source_id", flat=True))
    comment = next(
        c
        for c in raw_rows(project=project, source="linear", stream="comments").order_by("external_id")
        if c.issue_external_id in chunked and norm(c.body) in bodies and len(c.body) > 30
    )
    issue = stored(project, "linear", "issues", comment.issue_external_id)
    assert norm(comment.body) in chunk_text(project, ISSUE, issue.external_id)
    live, sources = live_ids(project), chunk_sources(project)

    gone = sandbox.mutate(tenant=project.tenant.name, action="delete_comments", ids=[comment.external_id])["comments"]
    sweep(project)
    assert is_live(project, "linear", "comments", comment.external_id), "one miss is not yet a deletion"
    sweep(project)

    assert_tombstone(project, "linear", "comments", gone, "deleted")
    assert is_live(project, "linear", "issues", issue.external_id)
    text = chunk_text(project, ISSUE, issue.external_id)
    assert norm(issue.title) in text
    assert norm(comment.body) not in text
    assert f"c:{comment.external_id}" not in line_refs(project, ISSUE, issue.external_id)
    body = ask_about_issue(owner_api, issue)
    assert first_evidence(body)["source_id"] == issue.external_id
    assert_not_in_answer(body, comment.body)
    assert_not_in_answer(search(owner_api, comment.body), comment.body)
    assert live_ids(project) == without(live, {("linear", "comments"): gone})
    assert chunk_sources(project) == sources


def test_a_restored_issue_comes_back_once_with_its_comments_and_one_set_of_chunks(
    searchable, owner_api, sandbox, resync
):
    project = searchable
    issue = an_issue_with_comments(project)
    comments = comments_of(project, issue.external_id)
    texts = list(chunks_of(project, ISSUE, issue.external_id).values_list("text", flat=True))
    live, sources = live_ids(project), chunk_sources(project)

    sandbox.mutate(tenant=project.tenant.name, action="trash_issues", ids=[issue.external_id])
    resync(project, ["linear"])
    assert_tombstone(project, "linear", "issues", [issue.external_id], "trashed")
    assert not chunks_of(project, ISSUE, issue.external_id).exists()

    sandbox.mutate(tenant=project.tenant.name, action="unarchive_issues", ids=[issue.external_id])
    resync(project, ["linear"])

    rows = raw_rows(project=project, source="linear", stream="issues", include_deleted=True)
    assert rows.filter(external_id=issue.external_id).count() == 1
    assert is_live(project, "linear", "issues", issue.external_id)
    assert all(is_live(project, "linear", "comments", c) for c in comments)
    assert list(chunks_of(project, ISSUE, issue.external_id).values_list("text", flat=True)) == texts
    assert live_ids(project) == live
    assert chunk_sources(project) == sources
    body = ask_about_issue(owner_api, issue)
    assert first_evidence(body)["source_id"] == issue.external_id
    assert sum(1 for item in body["evidence"] if item["source_id"] == issue.external_id) == 1


# ---------------------------------------------------------------- Attio


def test_a_deleted_attio_deal_is_closed_keeps_its_stage_history_and_leaves_search(
    searchable, owner_api, sandbox, sync_all, reconcile, confirm_at_once, published
):
    project = searchable
    names = unique(raw_rows(project=project, source="attio", stream="deals").values_list("name", flat=True))
    noted = set(
        raw_rows(project=project, source="attio", stream="notes")
        .filter(parent_object="deals")
        .values_list("parent_external_id", flat=True)
    )
    deal = next(
        d for d in raw_rows(project=project, source="attio", stream="deals").order_by("external_id")
        if d.external_id in noted and norm(d.name) in names
    )  # fmt: skip
    sandbox.mutate(tenant=project.tenant.name, action="move_deal_stage", ids=[deal.external_id])
    sync_all(project, sources=["attio"])
    embeddings_run(project=project)
    opportunity = CrmOpportunity.objects.get(project=project, source_system="attio", external_ref=deal.external_id)
    history = sorted(opportunity.stage_events.values_list("id", flat=True))
    assert history, "the stage move was mirrored as a stage event"
    notes = sorted(
        raw_rows(project=project, source="attio", stream="notes")
        .filter(parent_object="deals", parent_external_id=deal.external_id)
        .values_list("external_id", flat=True)
    )
    assert shows(search(owner_api, f"Deal {deal.name}"), DEAL, deal.external_id)
    live, sources = live_ids(project), chunk_sources(project)
    open_deals = CrmOpportunity.objects.filter(project=project, deleted_at__isnull=True).count()

    sandbox.mutate(tenant=project.tenant.name, action="delete_deal", ids=[deal.external_id])
    reconcile(project)
    assert is_live(project, "attio", "deals", deal.external_id), "one 404 is not yet a deletion"
    published.clear()
    attio = reconcile(project)["attio"]

    assert_tombstone(project, "attio", "deals", [deal.external_id], "deleted")
    assert_tombstone(project, "attio", "notes", notes, "deleted")
    opportunity.refresh_from_db()
    assert (opportunity.deleted_at is not None, opportunity.deleted_reason) == (True, "deleted")
    assert sorted(CrmOpportunityStageEvent.objects.filter(opportunity=opportunity).values_list("id", flat=True)) == (
        history
    )
    listed = owner_api.get("/api/crm/opportunities?page_size=500").json()["results"]
    assert deal.external_id not in {item["external_ref"] for item in listed}
    assert not chunks_of(project, DEAL, deal.external_id).exists()
    body = search(owner_api, f"Deal {deal.name}")
    assert_left_search(body, DEAL, deal.external_id)
    assert f"deals:{deal.external_id}" in attio.deleted_ids
    assert (attio.missing, attio.completeness_pct) == (0, 100.0)
    deletions = [data for _, kind, data in published if kind == "data_changed" and data.get("what") == "deletions"]
    assert deletions
    assert {"connector": "attio", "removed": {"deals": 1, "notes": len(notes)}}.items() <= deletions[0].items()
    # Nothing else: the other deals stay open, every other record and chunk stays.
    assert CrmOpportunity.objects.filter(project=project, deleted_at__isnull=True).count() == open_deals - 1
    assert live_ids(project) == without(live, {("attio", "deals"): [deal.external_id], ("attio", "notes"): notes})
    assert chunk_sources(project) == sources - {(DEAL, deal.external_id)}


def test_a_deleted_attio_note_leaves_its_deal_chunk_after_two_checks(
    searchable, owner_api, sandbox, reconcile, confirm_at_once
):
    project = searchable
    contents = unique(raw_rows(project=project, source="attio", stream="notes").values_list("content", flat=True))
    note = next(
        n for n in raw_rows(project=project, source="attio", stream="notes").filter(parent_object="deals")
        .order_by("external_id")
        if norm(n.content) in contents and len(n.content) > 30
        and norm(n.content) in chunk_text(project, DEAL, n.parent_external_id)
    )  # fmt: skip
    deal = note.parent_external_id
    live, sources = live_ids(project), chunk_sources(project)

    sandbox.mutate(tenant=project.tenant.name, action="delete_notes", ids=[note.external_id])
    reconcile(project)
    assert is_live(project, "attio", "notes", note.external_id), "one 404 is not yet a deletion"
    reconcile(project)

    assert_tombstone(project, "attio", "notes", [note.external_id], "deleted")
    assert is_live(project, "attio", "deals", deal)
    text = chunk_text(project, DEAL, deal)
    assert text
    assert norm(note.content) not in text
    assert f"n:{note.external_id}" not in line_refs(project, DEAL, deal)
    assert CrmOpportunity.objects.get(project=project, external_ref=deal).deleted_at is None
    assert_not_in_answer(search(owner_api, note.content), note.content)
    assert live_ids(project) == without(live, {("attio", "notes"): [note.external_id]})
    assert chunk_sources(project) == sources
