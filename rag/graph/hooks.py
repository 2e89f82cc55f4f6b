"""The graph follows the data: after each committed page (sync or webhook) and inside each removal, the
entities the changed rows feed are refreshed. Registered after the CRM mirror's and the chunk builder's
hooks, so the mirror rows and chunk texts it reads are already up to date."""

from collections import defaultdict

from connectors.hooks import PageCommitted, RecordsRemoved
from connectors.selectors import raw_rows
from core.selectors import project_get
from rag.chunking import sources
from rag.constants import SourceType
from rag.graph import build


def _chatwoot(project, stream: str, ids: list[str]) -> None:
    if stream == "contacts":
        build.contacts_refresh(project, build.CHATWOOT, ids)  # and their conversations
    elif stream == "conversations":
        build.conversations_refresh(project, ids)
    elif stream == "messages":  # new text: invoice numbers of their conversations
        rows = raw_rows(project=project, source="chatwoot", stream="messages", external_ids=ids, include_deleted=True)
        conversations = set(rows.values_list("conversation_external_id", flat=True))
        build.invoices_refresh(project, SourceType.CHATWOOT_CONVERSATION, conversations)


def _linear(project, stream: str, ids: list[str]) -> None:
    if stream == "projects":
        build.linear_projects_refresh(project, ids)  # and their issues
    elif stream == "issues":
        build.issues_refresh(project, ids)
    elif stream == "comments":
        build.invoices_refresh(project, SourceType.LINEAR_ISSUE, sources.issues_of_comments(project, ids))


def _attio(project, stream: str, ids: list[str]) -> None:
    if stream == "companies":
        build.clients_refresh(project, ids)  # and whatever links to clients
    elif stream == "people":
        build.contacts_refresh(project, build.ATTIO, ids)
    elif stream == "deals":
        build.deals_refresh(project, ids)
        build.invoices_refresh(project, SourceType.ATTIO_DEAL, ids)
    elif stream == "notes":
        build.attio_invoices_refresh(project, sources.note_parents(project, ids))


ROUTES = {"chatwoot": _chatwoot, "linear": _linear, "attio": _attio}


def graph_on_page(event: PageCommitted) -> None:
    """Page hook: refresh the entities of the changed rows."""
    route = ROUTES.get(event.source)
    project = project_get(event.project_id) if route and event.changed_ids else None
    if project is not None:
        route(project, event.stream, list(event.changed_ids))


def graph_on_removed(event: RecordsRemoved) -> None:
    """Removal hook (inside the tombstoning transaction): removed records lose their entities."""
    route = ROUTES.get(event.source)
    project = project_get(event.project_id) if route else None
    if project is None:
        return
    by_stream: dict[str, list[str]] = defaultdict(list)
    for stream, ids in event.removed.items():
        by_stream[stream] += list(ids)
    for stream, ids in by_stream.items():
        if ids:
            route(project, stream, ids)
