"""Reads over the knowledge graph, always for one project (other apps use these, never the tables)."""

import time

from django.db import connection

from rag.models import EntityKind, GraphEntity, GraphRelation

# Edges drawn in a client's picture (the `of_client` shortcuts are implied by them).
STRUCTURAL = ("works_at", "with_contact", "deal_of", "project_of", "in_project")
# Incoming edges whose source records belong to the linked entity ("members"): a client's records, a
# contact's conversations, a Linear project's issues, and deals named after a client that nobody attached to one.
MEMBER_EDGES = ("of_client", "with_contact", "in_project", "named_for")

SOURCES_SQL = """
WITH linked AS (SELECT unnest(%(ids)s::bigint[]) AS id)
SELECT l.id, e.source_type, e.source_id, 0 AS hops
FROM linked l JOIN rag_graph_entities e ON e.id = l.id
WHERE e.project_id = %(project)s AND e.source_type <> ''
UNION ALL
SELECT l.id, r.src_source_type, r.src_source_id, 1
FROM (SELECT e.id FROM linked l JOIN rag_graph_entities e ON e.id = l.id WHERE e.project_id = %(project)s) l
JOIN rag_graph_relations r ON r.dst_id = l.id AND r.type = ANY(%(member_edges)s)
WHERE r.src_source_type <> ''  -- an edge is in its entities' project (composite keys): an index-only scan
UNION ALL
SELECT l.id, e.source_type, e.source_id, 1
FROM linked l JOIN rag_graph_relations r ON r.src_id = l.id
JOIN rag_graph_entities e ON e.id = r.dst_id
WHERE r.project_id = %(project)s AND e.source_type <> ''
UNION ALL
SELECT l.id, m.src_source_type, m.src_source_id, 2
FROM linked l JOIN rag_graph_entities e ON e.id = l.id AND e.project_id = %(project)s AND e.kind = 'contact'
JOIN rag_graph_relations c ON c.src_id = l.id AND c.type = 'of_client'
JOIN rag_graph_relations m ON m.dst_id = c.dst_id AND m.type = 'of_client'
WHERE m.src_source_type = ANY(%(client_types)s)
"""

CLIENTS_OF_SQL = """
WITH s AS (SELECT * FROM unnest(%(types)s::text[], %(ids)s::text[]) AS s(source_type, source_id))
SELECT s.source_type, s.source_id, k.facts ->> 'account_id', k.name, k.key
FROM s
JOIN rag_graph_relations r
  ON r.project_id = %(project)s AND r.type = 'of_client' AND r.src_source_type = s.source_type
 AND r.src_source_id = s.source_id
JOIN rag_graph_entities k ON k.id = r.dst_id
UNION ALL
SELECT s.source_type, s.source_id, k.facts ->> 'account_id', k.name, k.key
FROM s JOIN rag_graph_entities k ON k.project_id = %(project)s AND k.kind = 'client' AND k.key = s.source_id
WHERE s.source_type = 'attio_company'
"""


# A record's state as people name it: a deal's stage as the source names it (older graphs: the pipeline's).
STATE_OF = (
    "COALESCE(NULLIF(facts ->> 'source_stage', ''), facts ->> 'stage', facts ->> 'state', facts ->> 'status', '')"
)


# A project's state values, read again after STATE_VALUES_SECONDS (another process may have written the graph)
# or after this process wrote its graph: reading them scans every record entity of the kinds asked (20 ms at
# 100 000 issues), and they rarely change.
STATE_VALUES_SECONDS = 60.0
_state_values: dict[tuple, tuple[float, list]] = {}


def state_values(*, project, source_types: list[str]) -> list[tuple[str, str]]:
    """(source type, value) of every state, stage or status the project's records of these types are in now."""
    key, now = (str(project.pk), tuple(sorted(source_types))), time.monotonic()
    read_at, values = _state_values.get(key, (0.0, []))
    if read_at and now - read_at < STATE_VALUES_SECONDS:
        return values
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT source_type, {STATE_OF} FROM rag_graph_entities "
            "WHERE project_id = %s AND source_type = ANY(%s)",
            [project.pk, list(key[1])],
        )
        values = cursor.fetchall()
    _state_values[key] = (now, values)
    return values


def state_values_forget(*, project) -> None:
    """Read the project's state values afresh next time (its graph changed)."""
    for key in [key for key in _state_values if key[0] == str(project.pk)]:
        _state_values.pop(key, None)


def sources_in_states(*, project, states: list[tuple[str, str]], limit: int) -> list[tuple[str, str]]:
    """(source type, source id) of up to `limit` records in these (source type, value) states, most recently
    changed first: "which deals are in Proposal?" asks for all of them, not only those a text search finds."""
    if not states:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT source_type, source_id FROM rag_graph_entities "
            f"WHERE project_id = %s AND (source_type, {STATE_OF}) IN "
            "(SELECT * FROM unnest(%s::text[], %s::text[])) ORDER BY updated_at DESC, id LIMIT %s",
            [project.pk, [t for t, _ in states], [v for _, v in states], limit],
        )
        return cursor.fetchall()


def entity_sources(*, project, entity_ids: list[int], client_types=()) -> list[tuple[int, str, str, int]]:
    """(linked entity id, source type, source id, hops) of the records of these entities and their neighbours:
    the entity's own record (hops 0), its members and the records it points at (hops 1), and, for a contact,
    their client's records of `client_types` (hops 2: "Kate says the colours are off — is there a ticket?")."""
    if not entity_ids:
        return []
    params = {"ids": list(entity_ids), "project": project.pk, "member_edges": list(MEMBER_EDGES),
              "client_types": list(client_types)}  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(SOURCES_SQL, params)
        return cursor.fetchall()


def clients_of_sources(*, project, sources: list[tuple[str, str]]) -> dict[tuple[str, str], list[dict]]:
    """{(source type, source id): [{"id": CRM account id, "name", "key"}]}: the clients each record belongs to."""
    if not sources:
        return {}
    found: dict[tuple[str, str], list[dict]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            CLIENTS_OF_SQL,
            {"project": project.pk, "types": [s[0] for s in sources], "ids": [str(s[1]) for s in sources]},
        )
        for source_type, source_id, account_id, name, key in cursor.fetchall():
            found.setdefault((source_type, source_id), []).append({"id": account_id, "name": name, "key": key})
    return found


def _client(project, account_ref: str) -> GraphEntity | None:
    return GraphEntity.objects.filter(project=project, kind=EntityKind.CLIENT, key=str(account_ref)).first()


def client_records(*, project, account_ref: str) -> dict[str, list[str]]:
    """Source-native ids of the records linked to one client (by its CRM account's external ref)."""
    records = {"conversations": [], "issues": [], "deals": [], "linear_projects": [], "contacts": []}
    client = _client(project, account_ref)
    if client is None:
        return records
    plural = {
        EntityKind.CONVERSATION: "conversations",
        EntityKind.ISSUE: "issues",
        EntityKind.DEAL: "deals",
        EntityKind.LINEAR_PROJECT: "linear_projects",
        EntityKind.CONTACT: "contacts",
    }
    rows = GraphRelation.objects.filter(project=project, dst=client, type="of_client").values_list(
        "src__kind", "src__key"
    )
    for kind, key in rows.order_by("src__kind", "src__key"):
        if kind == EntityKind.CONTACT:
            system, _, ref = key.partition(":")
            if system == "chatwoot":
                records["contacts"].append(ref)
        elif kind in plural:
            records[plural[kind]].append(key)
    return records


def client_neighbourhood(*, project, account_ref: str, limit: int = 40) -> dict:
    """The client, its contacts, deals, Linear projects, then issues and conversations (at most `limit` nodes),
    and the structural edges between them: `{"nodes": [{id, kind, name}], "edges": [{source, target, type}]}`."""
    client = _client(project, account_ref)
    if client is None:
        return {"nodes": [], "edges": []}
    order = [EntityKind.CONTACT, EntityKind.DEAL, EntityKind.LINEAR_PROJECT, EntityKind.ISSUE, EntityKind.CONVERSATION]
    members = list(
        GraphEntity.objects.filter(project=project, relations_out__dst=client, relations_out__type="of_client")
        .only("id", "kind", "name")
        .order_by("-id")
    )
    members.sort(key=lambda e: order.index(e.kind) if e.kind in order else len(order))
    nodes = [client, *members[: max(0, limit - 1)]]
    ids = [n.id for n in nodes]
    edges = GraphRelation.objects.filter(project=project, src_id__in=ids, dst_id__in=ids, type__in=STRUCTURAL)
    return {
        "nodes": [{"id": str(n.id), "kind": n.kind, "name": n.name} for n in nodes],
        "edges": [
            {"source": str(s), "target": str(d), "type": t} for s, d, t in edges.values_list("src_id", "dst_id", "type")
        ],
    }


def graph_counts(*, project) -> dict[str, int]:
    """Entities per kind and relations, for status pages and tests."""
    counts = dict.fromkeys(EntityKind.values, 0)
    for kind, count in _count_by_kind(project):
        counts[kind] = count
    counts["relations"] = GraphRelation.objects.filter(project=project).count()
    return counts


def _count_by_kind(project):
    from django.db.models import Count

    return GraphEntity.objects.filter(project=project).values_list("kind").annotate(n=Count("id")).order_by()
