"""Chunk building: after each committed sync page, the sources it touched are re-chunked.

`chunks_on_page` is registered with `connectors.hooks.on_page_committed`, `chunks_on_removed` with
`connectors.hooks.on_records_removed` (it runs inside the transaction that tombstones rows, so a deleted
record's chunks and vectors go with it); both map the stream to the
documents that read it (a message page → its conversations, a comment page → its issues, a note page → its
deal or company, a company page → the company, its deals and the conversations whose header names it, a
project, cycle, workflow state or workspace member page → the issues or deals whose header names it; a
conversation page → the conversations whose header facts — status, assignee, contact — changed) and refreshes
exactly those. `chunks_rebuild` does the same for every record of a project, sweeps orphans and rebuilds the
project's knowledge graph (`rag.graph`).
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction

from connectors.hooks import PageCommitted, RecordsRemoved
from core.events import publish_on_commit
from core.selectors import project_get
from rag.chunking import sources
from rag.chunking.documents import draft_chunks
from rag.chunking.store import StoreResult, chunks_write
from rag.graph.build import graph_rebuild
from rag.models import Chunk, ChunkStatus, SourceType
from rag.services.embeddings import chunks_embed_now

log = logging.getLogger("rag.chunks")
REFRESH_BATCH = 200  # source records per builder call


def _conversation_targets(project, stream: str, ids: set[str]) -> dict:
    if stream == "messages":  # messages (live or just removed) → their conversations
        from connectors.selectors import raw_rows

        rows = raw_rows(project=project, source="chatwoot", stream="messages", external_ids=ids, include_deleted=True)
        ids = set(rows.values_list("conversation_external_id", flat=True))
    elif stream == "contacts":
        ids = set(sources.conversations_with_new_headers(project, sources.conversations_of_contacts(project, ids)))
    else:  # conversations: their messages arrive on messages pages; here only header changes matter
        ids = set(sources.conversations_with_new_headers(project, ids))
    return {SourceType.CHATWOOT_CONVERSATION: ids}


def _issue_targets(project, stream: str, ids: set[str]) -> dict:
    if stream == "comments":
        ids = set(sources.issues_of_comments(project, ids))
    elif stream == "projects":  # the header names the project
        ids = set(sources.issues_of(project, "project_external_id", ids))
    elif stream == "cycles":  # … and the cycle
        ids = set(sources.issues_of(project, "cycle_external_id", ids))
    elif stream == "workflow_states":  # … and the state
        ids = set(sources.issues_of(project, "state_external_id", ids))
    return {SourceType.LINEAR_ISSUE: ids}


def _attio_targets(project, stream: str, ids: set[str]) -> dict:
    if stream == "deals":
        return {SourceType.ATTIO_DEAL: ids}
    if stream == "companies":
        return {
            SourceType.ATTIO_COMPANY: ids,
            SourceType.ATTIO_DEAL: set(sources.deals_of_companies(project, ids)),
            SourceType.CHATWOOT_CONVERSATION: set(
                sources.conversations_with_new_headers(
                    project, sources.conversations_at_domains(project, sources.company_domains(project, ids))
                )
            ),
        }
    if stream == "notes":
        parents = sources.note_parents(project, ids)
        return {SourceType.ATTIO_DEAL: set(parents["deals"]), SourceType.ATTIO_COMPANY: set(parents["companies"])}
    if stream == "people":
        return {SourceType.ATTIO_COMPANY: set(sources.company_of_people(project, ids))}
    if stream == "workspace_members":  # a deal's header names its owner
        return {SourceType.ATTIO_DEAL: set(sources.deals_of_owners(project, ids))}
    return {}


# (source, stream) → function(project, stream, ids) → {source type: ids of the documents those rows feed}
ROUTES = {
    ("chatwoot", "messages"): _conversation_targets,
    ("chatwoot", "conversations"): _conversation_targets,
    ("chatwoot", "contacts"): _conversation_targets,
    ("linear", "issues"): _issue_targets,
    ("linear", "comments"): _issue_targets,
    ("linear", "projects"): _issue_targets,
    ("linear", "cycles"): _issue_targets,
    ("linear", "workflow_states"): _issue_targets,
    ("attio", "deals"): _attio_targets,
    ("attio", "companies"): _attio_targets,
    ("attio", "notes"): _attio_targets,
    ("attio", "people"): _attio_targets,
    ("attio", "workspace_members"): _attio_targets,
}


def chunks_on_page(event: PageCommitted) -> StoreResult | None:
    """Hook: re-chunk the sources a committed page changed."""
    route = ROUTES.get((event.source, event.stream))
    if route is None or not event.changed_ids:
        return None
    project = project_get(event.project_id)
    if project is None:
        return None
    targets = route(project, event.stream, set(event.changed_ids))
    result = chunks_refresh_many(project=project, targets=targets)
    if event.urgent:  # a webhook's change: searchable now, not at the next embedding run
        _embed_now(project, targets)
    return result


def chunks_on_removed(event: RecordsRemoved) -> StoreResult | None:
    """Removal hook, inside the tombstoning transaction: the documents these rows fed are rebuilt without them
    (or, when the whole record went, their chunks and vectors are deleted)."""
    project = project_get(event.project_id)
    if project is None:
        return None
    targets: dict[str, set[str]] = defaultdict(set)
    for stream, ids in event.removed.items():
        route = ROUTES.get((event.source, stream))
        for source_type, source_ids in (route(project, stream, set(ids)) if route and ids else {}).items():
            targets[source_type] |= source_ids
    result = chunks_refresh_many(project=project, targets=targets)
    if event.urgent:  # what is left of a parent (a thread without its deleted message) is searchable now
        _embed_now(project, targets)
    return result


def _embed_now(project, targets: dict) -> None:
    chunks_embed_now(project=project, sources=[(kind, i) for kind, ids in targets.items() for i in ids])


def chunks_refresh_many(*, project, targets: dict) -> StoreResult:
    """Refresh several source types in one transaction; announce a change after commit."""
    result = StoreResult()
    with transaction.atomic():
        for source_type, ids in targets.items():
            if ids:
                result.add(chunks_refresh(project=project, source_type=source_type, source_ids=ids))
        if result.changed:
            data = {"what": "rag_chunks", "written": result.written, "deleted": result.deleted}
            publish_on_commit(project_id=project.pk, event_type="data_changed", data=data)
    return result


def chunks_refresh(*, project, source_type: str, source_ids) -> StoreResult:
    """Rebuild the chunks of these records of one source type (records that are gone lose their chunks)."""
    ids = sorted({str(i) for i in source_ids if i not in (None, "")})
    result = StoreResult()
    for start in range(0, len(ids), REFRESH_BATCH):
        documents, gone = sources.BUILDERS[source_type](project, ids[start : start + REFRESH_BATCH])
        drafts = defaultdict(list)
        for document in documents:
            drafts[document.source_id] = draft_chunks(
                document, max_tokens=chunk_tokens(source_type), overlap_tokens=settings.RAG_CHUNK_OVERLAP_TOKENS
            )
        result.add(chunks_write(project=project, source_type=source_type, drafts_by_source=drafts, gone=gone))
    return result


def chunk_tokens(source_type: str) -> int:
    """Chunk size for a source type: conversation windows are shorter than issue or deal chunks."""
    if source_type == SourceType.CHATWOOT_CONVERSATION:
        return settings.RAG_MESSAGE_WINDOW_TOKENS
    return settings.RAG_CHUNK_TOKENS


def chunks_rebuild(*, project) -> StoreResult:
    """Re-chunk every record of the project and delete chunks whose record no longer exists."""
    live = sources.all_source_ids(project)
    result = chunks_refresh_many(project=project, targets=live)
    with transaction.atomic():
        for source_type, ids in live.items():
            orphans = Chunk.objects.filter(project=project, source_type=source_type).exclude(source_id__in=ids)
            result.deleted += orphans.delete()[0]
    graph_rebuild(project=project)  # the same records as nodes (it reads the chunks' invoice numbers)
    return result


def chunks_requeue_failed(*, project) -> int:
    """Give failed chunks a fresh set of attempts; return how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE rag_chunks SET status = %s, attempts = 0, claimed_at = NULL, updated_at = now() "
            "WHERE project_id = %s AND status = %s",
            [ChunkStatus.PENDING, project.pk, ChunkStatus.FAILED],
        )
        return cursor.rowcount
