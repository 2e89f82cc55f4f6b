"""One client (a CRM account) and everything the project holds about it, on one timeline (the client page,
`GET /api/clients/<id>`), always for one project.

A client's records: the conversations of the Chatwoot contacts linked to its account, its live deals with their
notes and stage moves, its company notes, and the Linear issues (with their comments) that the knowledge graph
links to it — the issues it names and those of the Linear projects it names. Raw rows are read through
`connectors.selectors.raw_rows` only. Private Chatwoot notes and activity lines are never read, so they are in
neither the timeline nor the counts.

The graph lives in `rag.graph`, a floor above crm (which never imports it); rag registers its selectors here
(`client_graph_register`, from `rag.contributions`). Without them a client has no Linear records and an empty
neighbourhood.
"""

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from connectors.selectors import chatwoot_app_link, raw_rows
from crm.models import CrmAccount, CrmContact, CrmOpportunityStageEvent

KINDS = ("conversation", "message", "issue", "comment", "deal", "note", "stage_move")
# The counts' keys, one per kind (the API's `counts` and `latest`).
COUNT_KEYS = {
    "conversation": "conversations",
    "message": "messages",
    "issue": "issues",
    "comment": "comments",
    "deal": "deals",
    "note": "notes",
    "stage_move": "stage_moves",
}
ACTIVITY_MESSAGE = 2  # Chatwoot message_type of "assigned to …" / "resolved by …" lines
SUMMARY_CHARS = 280
NEIGHBOURHOOD_LIMIT = 40


# ---------------------------------------------------------------- the knowledge graph's selectors


@dataclass(frozen=True)
class ClientGraph:
    """`rag.graph.selectors.client_records` and `client_neighbourhood` (see their docstrings)."""

    records: Callable[..., dict]
    neighbourhood: Callable[..., dict]


_graph: list[ClientGraph] = []


def client_graph_register(*, records: Callable[..., dict], neighbourhood: Callable[..., dict]) -> None:
    _graph[:] = [ClientGraph(records=records, neighbourhood=neighbourhood)]


def _graph_records(project, account: CrmAccount) -> dict[str, list[str]]:
    if not _graph:
        return {}
    return _graph[0].records(project=project, account_ref=account.external_ref)


def client_neighbourhood(*, project, account: CrmAccount, limit: int = NEIGHBOURHOOD_LIMIT) -> dict:
    """`{nodes: [{id, kind, name}], edges: [{source, target, type}]}` around the client (the graph's)."""
    if not _graph:
        return {"nodes": [], "edges": []}
    return _graph[0].neighbourhood(project=project, account_ref=account.external_ref, limit=limit)


# ---------------------------------------------------------------- the client and its timeline


def client_account(*, project, account_id) -> CrmAccount | None:
    """The project's account with this id; None for an unknown id, another project's, or one that is no UUID."""
    try:
        pk = uuid.UUID(str(account_id))
    except ValueError:
        return None
    return CrmAccount.objects.filter(project=project, pk=pk).first()


@dataclass(frozen=True)
class TimelineItem:
    kind: str
    at: object  # an aware datetime, or None when the source gave none
    title: str
    summary: str
    url: str
    source_id: str


def client_activity(*, project, account: CrmAccount) -> dict:
    """`{counts: {conversations, …}, latest: {conversations: item|None, …}, timeline: [items, newest first]}`."""
    link = chatwoot_app_link(project=project)
    items = [
        *_chatwoot_items(project, account, link),
        *_deal_items(project, account),
        *_linear_items(project, _graph_records(project, account)),
    ]
    items.sort(key=lambda item: (item.at is not None, item.at.timestamp() if item.at else 0, item.kind,
                                 item.source_id), reverse=True)  # fmt: skip
    counts = dict.fromkeys(COUNT_KEYS.values(), 0)
    latest = dict.fromkeys(COUNT_KEYS.values())
    for item in items:
        key = COUNT_KEYS[item.kind]
        counts[key] += 1
        latest[key] = latest[key] or item
    return {"counts": counts, "latest": latest, "timeline": items}


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"


def _chatwoot_items(project, account: CrmAccount, link: str) -> list[TimelineItem]:
    """The conversations of the account's Chatwoot contacts and their public messages."""
    contacts = dict(
        CrmContact.objects.filter(project=project, account=account, source_system="chatwoot")
        .values_list("external_ref", "name")
    )  # fmt: skip
    conversations = list(
        raw_rows(project=project, source="chatwoot", stream="conversations")
        .filter(contact_external_id__in=list(contacts))
        .only("external_id", "contact_external_id", "status", "source_created_at")
    )  # fmt: skip
    urls = {c.external_id: f"{link}/conversations/{c.external_id}" if link else "" for c in conversations}
    who = {c.external_id: contacts.get(c.contact_external_id) or "unknown contact" for c in conversations}
    messages = list(
        raw_rows(project=project, source="chatwoot", stream="messages")
        .filter(conversation_external_id__in=list(urls), private=False)
        .exclude(message_type=ACTIVITY_MESSAGE)
        .exclude(content="")
        .only("external_id", "conversation_external_id", "content", "sender_type", "raw", "source_created_at")
    )  # fmt: skip
    per_conversation = Counter(message.conversation_external_id for message in messages)
    items = []
    for conversation in conversations:
        ref, count = conversation.external_id, per_conversation[conversation.external_id]
        summary = f"{conversation.status or 'unknown'} · {count} message{'' if count == 1 else 's'}"
        title = f"Conversation #{ref} · {who[ref]}"
        items.append(TimelineItem("conversation", conversation.source_created_at, title, summary, urls[ref], ref))
    for message in messages:
        author = _author(message, who[message.conversation_external_id])
        title = f"{author} in conversation #{message.conversation_external_id}"
        items.append(TimelineItem("message", message.source_created_at, title, _short(message.content),
                                  urls[message.conversation_external_id], message.external_id))  # fmt: skip
    return items


def _author(message, contact_name: str) -> str:
    sender = (message.raw or {}).get("sender")
    if isinstance(sender, dict) and sender.get("name"):
        return str(sender["name"])[:100]
    return contact_name if message.sender_type == "Contact" else "Studio"


def _money(amount, currency: str) -> str:
    if amount is None:
        return "no amount"
    return f"{currency} {amount:,.2f}".replace(".00", "").strip()


def _deal_items(project, account: CrmAccount) -> list[TimelineItem]:
    """The account's live deals (at their creation in Attio), their notes, its company notes and stage moves."""
    deals = list(account.opportunities.filter(project=project, deleted_at__isnull=True).order_by("id"))
    refs = {deal.external_ref: deal for deal in deals}
    created = dict(raw_rows(project=project, source="attio", stream="deals", external_ids=list(refs))
                   .values_list("external_id", "source_created_at"))  # fmt: skip
    items = [
        TimelineItem("deal", created.get(deal.external_ref) or deal.created_at, f"Deal {deal.name}",
                     f"{deal.stage} · {_money(deal.amount, deal.currency)}", deal.web_url, deal.external_ref)
        for deal in deals
    ]  # fmt: skip
    notes = raw_rows(project=project, source="attio", stream="notes").only(
        "external_id", "parent_object", "parent_external_id", "title", "content", "source_created_at"
    )
    for note in notes.filter(parent_object="deals", parent_external_id__in=list(refs)):
        deal = refs[note.parent_external_id]
        items.append(TimelineItem("note", note.source_created_at, f"Note «{note.title}» on deal {deal.name}",
                                  _short(note.content), deal.web_url, note.external_id))  # fmt: skip
    for note in notes.filter(parent_object="companies", parent_external_id=account.external_ref):
        items.append(TimelineItem("note", note.source_created_at, f"Note «{note.title}»", _short(note.content),
                                  account.web_url, note.external_id))  # fmt: skip
    events = CrmOpportunityStageEvent.objects.filter(project=project, opportunity__in=deals)
    for event in events.select_related("opportunity"):
        deal = event.opportunity
        who = f" by {event.actor}" if event.actor else ""
        summary = f"{event.source}{who}" + (f": {_short(event.reason)}" if event.reason else "")
        items.append(TimelineItem("stage_move", event.occurred_at,
                                  f"{deal.name}: {event.from_stage or '∅'} → {event.to_stage}", summary,
                                  deal.web_url, deal.external_ref))  # fmt: skip
    return items


def _linear_items(project, records: dict) -> list[TimelineItem]:
    """The issues the graph links to the client, directly or through its Linear projects, and their comments."""
    issue_rows = raw_rows(project=project, source="linear", stream="issues")
    linked = issue_rows.filter(external_id__in=[str(i) for i in records.get("issues", [])])
    of_projects = issue_rows.filter(project_external_id__in=[str(i) for i in records.get("linear_projects", [])])
    fields = ("external_id", "identifier", "title", "state_type", "raw", "project_external_id", "url",
              "archived_at", "source_created_at")  # fmt: skip
    issues = {issue.external_id: issue for issue in (linked | of_projects).only(*fields)}
    projects = dict(
        raw_rows(project=project, source="linear", stream="projects",
                 external_ids={i.project_external_id for i in issues.values() if i.project_external_id})
        .values_list("external_id", "name")
    )  # fmt: skip
    items = []
    for issue in issues.values():
        state = ((issue.raw or {}).get("state") or {}).get("name") or issue.state_type or "unknown state"
        context = [state, projects.get(issue.project_external_id, ""), "archived" if issue.archived_at else ""]
        summary = " · ".join(part for part in context if part)
        title = f"{issue.identifier} {issue.title}".strip()
        items.append(TimelineItem("issue", issue.source_created_at, title, summary, issue.url, issue.external_id))
    comments = raw_rows(project=project, source="linear", stream="comments").filter(issue_external_id__in=list(issues))
    for comment in comments.only("external_id", "issue_external_id", "body", "url", "source_created_at"):
        issue = issues[comment.issue_external_id]
        items.append(TimelineItem("comment", comment.source_created_at, f"Comment on {issue.identifier}",
                                  _short(comment.body), comment.url or issue.url, comment.external_id))  # fmt: skip
    return items
