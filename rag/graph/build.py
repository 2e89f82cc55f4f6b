"""Building the knowledge graph: entities, aliases and relations from the raw rows and the CRM mirror.

Deterministic: clients are CRM accounts (Attio companies), contacts are CRM contacts (Chatwoot contacts and
Attio people), deals are CRM opportunities, Linear projects are linked to the client whose domain their
description names (or whose name their name starts with), issues to their Linear project, conversations to
their contact. Every record entity also gets an `of_client` edge to its client, so a client's records are one
hop away.

Refreshes are per kind and per id, and cascade to the entities whose edges depend on the refreshed ones (a
client → its contacts, deals and Linear projects; a contact → its conversations; a Linear project → its
issues), so the order in which pages arrive never leaves an edge missing. A record that is gone (deleted at the
source, or no longer in the mirror) loses its entity, and with it its aliases and edges.
"""

import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from connectors.selectors import raw_rows
from crm import selectors as crm
from rag.constants import SourceType
from rag.graph.names import name_key
from rag.graph.selectors import state_values_forget
from rag.models import EntityKind, GraphAlias, GraphEntity, GraphRelation

CHATWOOT, ATTIO = "chatwoot", "attio"
SHORT_NAME_WEIGHT = 0.8  # "Northwind" for "Northwind Labs": usual, but shared by other names more often
DOMAIN_LABEL_WEIGHT = 0.9
INVOICE = re.compile(r"(?:invoice|inv\.?|сч[её]т[а-я]*)\s*(?:#|№|no\.?|n)\s*([0-9][0-9-]{2,})", re.IGNORECASE)


@dataclass
class Spec:
    """An entity as it should be: its aliases ((norm, kind, weight)) and outgoing edges ((type, kind, key))."""

    kind: str
    key: str
    name: str
    source_type: str = ""
    source_id: str = ""
    facts: dict = field(default_factory=dict)
    aliases: list = field(default_factory=list)
    edges: list = field(default_factory=list)


def _ids(values) -> list[str]:
    return sorted({str(v) for v in values if v not in (None, "")})


def _name_aliases(name: str, *, weight: float = 1.0, short: bool = True) -> list[tuple]:
    key = name_key(name)
    if not key:
        return []
    aliases = [(key, "name", weight)]
    words = key.split()
    if short and len(words) > 1 and len(words[0]) >= 4 and not words[0].isdigit():
        aliases.append((words[0], "short_name", SHORT_NAME_WEIGHT * weight))
    return aliases


def _domain_aliases(domain: str) -> list[tuple]:
    domain = (domain or "").lower().strip()
    if not domain:
        return []
    label = domain.split(".")[0]
    return [(name_key(domain), "domain", 1.0), (name_key(label), "domain", DOMAIN_LABEL_WEIGHT)]


# ---------------------------------------------------------------- writing


def _write(project, kind: str, specs: list[Spec], gone_keys) -> None:
    """Upsert these entities of one kind with their aliases (invoice aliases aside) and outgoing edges; delete
    the entities of `gone_keys`."""
    now = timezone.now()
    # States may change: read them afresh now and, in case a query read them meanwhile, once this commits.
    state_values_forget(project=project)
    transaction.on_commit(lambda: state_values_forget(project=project))
    if gone_keys:
        GraphEntity.objects.filter(project=project, kind=kind, key__in=list(gone_keys)).delete()
    if not specs:
        return
    GraphEntity.objects.bulk_create(
        [
            GraphEntity(
                project=project,
                account_scope_id=project.account_scope_id,
                kind=kind,
                key=s.key,
                name=s.name[:300],
                source_type=s.source_type,
                source_id=s.source_id,
                facts=s.facts,
                updated_at=now,
            )
            for s in specs
        ],
        update_conflicts=True,
        unique_fields=["project", "kind", "key"],
        update_fields=["name", "source_type", "source_id", "facts", "updated_at"],
    )
    ids = dict(
        GraphEntity.objects.filter(project=project, kind=kind, key__in=[s.key for s in specs]).values_list("key", "id")
    )
    GraphAlias.objects.filter(project=project, entity_id__in=ids.values()).exclude(kind="invoice").delete()
    GraphAlias.objects.bulk_create(
        [
            GraphAlias(
                project=project,
                account_scope_id=project.account_scope_id,
                entity_id=ids[s.key],
                norm=norm[:300],
                kind=alias_kind,
                weight=weight,
            )
            for s in specs
            for norm, alias_kind, weight in dict.fromkeys(s.aliases)
        ],
        ignore_conflicts=True,
    )
    GraphRelation.objects.filter(project=project, src_id__in=ids.values()).delete()
    targets = _entity_ids(project, {(k, key) for s in specs for _, k, key in s.edges})
    GraphRelation.objects.bulk_create(
        [
            GraphRelation(
                project=project,
                account_scope_id=project.account_scope_id,
                src_id=ids[s.key],
                dst_id=targets[(k, key)],
                type=edge_type,
                src_source_type=s.source_type,
                src_source_id=s.source_id,
            )
            for s in specs
            for edge_type, k, key in dict.fromkeys(s.edges)
            if (k, key) in targets
        ],
        ignore_conflicts=True,
    )


def _entity_ids(project, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    by_kind: dict[str, list[str]] = {}
    for kind, key in pairs:
        by_kind.setdefault(kind, []).append(key)
    for kind, keys in by_kind.items():
        rows = GraphEntity.objects.filter(project=project, kind=kind, key__in=keys).values_list("key", "id")
        found.update({(kind, key): entity_id for key, entity_id in rows})
    return found


def _existing_keys(project, kind: str, prefix: str = "") -> set[str]:
    keys = GraphEntity.objects.filter(project=project, kind=kind, key__startswith=prefix)
    return set(keys.values_list("key", flat=True))


def _gone(project, kind: str, refs, specs: list[Spec], prefix: str = "") -> set[str]:
    """The keys a refresh asked for (`refs`, or every stored one of the kind when None) that the source no
    longer has: their entities go."""
    asked = _existing_keys(project, kind, prefix) if refs is None else {f"{prefix}{ref}" for ref in refs}
    return asked - {spec.key for spec in specs}


# ---------------------------------------------------------------- per kind


def clients_refresh(project, refs=None) -> None:
    """Client entities of these account refs (None: all), then everything whose edges point at clients."""
    accounts = crm.graph_accounts(project=project, refs=refs)
    specs = [
        Spec(
            EntityKind.CLIENT,
            a["external_ref"],
            a["name"] or a["domain"] or a["external_ref"],
            SourceType.ATTIO_COMPANY,
            a["external_ref"],
            {"account_id": str(a["id"]), "domain": a["domain"]},
            aliases=_name_aliases(a["name"]) + _domain_aliases(a["domain"]),
        )
        for a in accounts
    ]
    _write(project, EntityKind.CLIENT, specs, _gone(project, EntityKind.CLIENT, refs, specs))
    # Contacts and Linear projects are linked by domain and name: any client change may relink them. Their
    # conversations and issues are refreshed only where the client changed (a full rebuild: all of them).
    only_changed = refs is not None
    contacts_refresh(project, CHATWOOT, only_changed=only_changed)
    contacts_refresh(project, ATTIO, only_changed=only_changed)
    # A client's name may now name a deal nobody attached to a company: those deals are refreshed too.
    deals_refresh(
        project,
        None if refs is None else crm.graph_deal_refs_of_accounts(project=project, account_refs=refs, unlinked=True),
    )
    linear_projects_refresh(project, only_changed=only_changed)


def contacts_refresh(project, source_system: str, refs=None, *, only_changed: bool = False) -> None:
    """Contacts of one system (these refs, or all); then the conversations of those contacts, or with
    `only_changed` of the contacts whose client changed."""
    before = _clients_of(project, EntityKind.CONTACT) if only_changed else {}
    rows = crm.graph_contacts(project=project, source_system=source_system, refs=refs)
    specs = []
    for row in rows:
        edges = (
            [("works_at", EntityKind.CLIENT, row["account_ref"]), ("of_client", EntityKind.CLIENT, row["account_ref"])]
            if row["account_ref"]
            else []
        )
        words = name_key(row["name"]).split()
        aliases = _name_aliases(row["name"], weight=0.8, short=False) if len(words) > 1 else []
        aliases += [(name_key(row["email"]), "email", 1.0)] if row["email"] else []
        specs.append(
            Spec(
                EntityKind.CONTACT,
                f"{source_system}:{row['external_ref']}",
                row["name"] or row["email"] or row["external_ref"],
                aliases=aliases,
                edges=edges,
            )
        )
    gone = _gone(project, EntityKind.CONTACT, refs, specs, prefix=f"{source_system}:")
    _write(project, EntityKind.CONTACT, specs, gone)
    if only_changed:
        moved = _moved(before, _clients_of(project, EntityKind.CONTACT))
        refs = [key.partition(":")[2] for key in moved if key.startswith(f"{source_system}:")]
    if source_system == CHATWOOT:
        conversation_refs = None
        if refs is not None:
            rows = raw_rows(project=project, source="chatwoot", stream="conversations")
            conversation_refs = list(
                rows.filter(contact_external_id__in=_ids(refs)).values_list("external_id", flat=True)
            )
        conversations_refresh(project, conversation_refs)


def deals_refresh(project, refs=None) -> None:
    rows = crm.graph_opportunities(project=project, refs=refs)
    named = _clients_named(project)
    specs = []
    for row in rows:
        edges = (
            [("deal_of", EntityKind.CLIENT, row["account_ref"]), ("of_client", EntityKind.CLIENT, row["account_ref"])]
            if row["account_ref"]
            # A deal nobody attached to a company ("Northwind Labs: marketing site") is found from the clients its
            # name names, all of them when two share the name; it is not theirs (no `of_client`: the client page
            # and the evidence's client show only links someone made).
            else [("named_for", EntityKind.CLIENT, ref) for ref in named(row["name"] or "")]
        )
        facts = {
            "stage": row["stage"],
            "source_stage": row["source_stage"],  # as the source names it ("In Progress"): what people ask by
            "amount": str(row["amount"]) if row["amount"] is not None else None,
            "currency": row["currency"],
        }
        specs.append(
            Spec(
                EntityKind.DEAL,
                row["external_ref"],
                row["name"] or row["external_ref"],
                SourceType.ATTIO_DEAL,
                row["external_ref"],
                facts,
                aliases=_name_aliases(row["name"], weight=0.9, short=False),
                edges=edges,
            )
        )
    _write(project, EntityKind.DEAL, specs, _gone(project, EntityKind.DEAL, refs, specs))


def _clients_named(project):
    """function(deal name) → the account refs of the clients whose name the deal's name starts with (the longest
    such name; every client of that name)."""
    by_name: dict[str, list[str]] = {}
    for account in crm.graph_accounts(project=project):
        if account["name"]:
            by_name.setdefault(name_key(account["name"]), []).append(account["external_ref"])
    names = sorted(by_name, key=len, reverse=True)

    def named(deal_name: str) -> list[str]:
        key = name_key(deal_name)
        return next((by_name[norm] for norm in names if key == norm or key.startswith(norm + " ")), [])

    return named


def _client_matcher(project):
    """function(name, description) → the account ref of the client a Linear project is for, or None."""
    accounts = crm.graph_accounts(project=project)
    by_domain = {a["domain"].lower(): a["external_ref"] for a in accounts if a["domain"]}
    by_name = sorted(
        ((name_key(a["name"]), a["external_ref"]) for a in accounts if a["name"]), key=lambda pair: -len(pair[0])
    )
    domain_pattern = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")

    def match(name: str, description: str) -> str | None:
        for domain in domain_pattern.findall(f"{name} {description}".lower()):
            if domain in by_domain:
                return by_domain[domain]
        key = name_key(name)
        return next((ref for norm, ref in by_name if key == norm or key.startswith(norm + " ")), None)

    return match


def linear_projects_refresh(project, refs=None, *, only_changed: bool = False) -> None:
    """Linear projects (these refs, or all); then their issues, or with `only_changed` the issues of the
    projects whose client changed."""
    before = _clients_of(project, EntityKind.LINEAR_PROJECT) if only_changed else {}
    rows = raw_rows(project=project, source="linear", stream="projects", external_ids=refs)
    match = _client_matcher(project)
    specs = []
    for row in rows.only("external_id", "name", "raw"):
        client = match(row.name, str((row.raw or {}).get("description") or ""))
        edges = [("project_of", EntityKind.CLIENT, client), ("of_client", EntityKind.CLIENT, client)] if client else []
        specs.append(
            Spec(
                EntityKind.LINEAR_PROJECT,
                row.external_id,
                row.name or row.external_id,
                aliases=_name_aliases(row.name, weight=0.9, short=False),
                edges=edges,
            )
        )
    _write(project, EntityKind.LINEAR_PROJECT, specs, _gone(project, EntityKind.LINEAR_PROJECT, refs, specs))
    if only_changed:
        refs = _moved(before, _clients_of(project, EntityKind.LINEAR_PROJECT))
    issue_rows = raw_rows(project=project, source="linear", stream="issues")
    if refs is not None:
        issue_rows = issue_rows.filter(project_external_id__in=_ids(refs))
    issues_refresh(project, None if refs is None else list(issue_rows.values_list("external_id", flat=True)))


def issues_refresh(project, refs=None) -> None:
    rows = raw_rows(project=project, source="linear", stream="issues", external_ids=refs)
    projects = dict(
        GraphEntity.objects.filter(project=project, kind=EntityKind.LINEAR_PROJECT).values_list("key", "id")
    )
    clients = _clients_of(project, EntityKind.LINEAR_PROJECT, list(projects))
    specs = []
    for row in rows.only("external_id", "identifier", "title", "project_external_id", "state_type", "raw"):
        edges = []
        if row.project_external_id in projects:
            edges.append(("in_project", EntityKind.LINEAR_PROJECT, row.project_external_id))
        if clients.get(row.project_external_id):
            edges.append(("of_client", EntityKind.CLIENT, clients[row.project_external_id]))
        state = ((row.raw or {}).get("state") or {}).get("name") or row.state_type
        aliases = [(name_key(row.identifier), "key", 1.0)] if row.identifier else []
        specs.append(
            Spec(
                EntityKind.ISSUE,
                row.external_id,
                f"{row.identifier} {row.title}".strip()[:300],
                SourceType.LINEAR_ISSUE,
                row.external_id,
                {"state": state},
                aliases,
                edges,
            )
        )
    _write(project, EntityKind.ISSUE, specs, _gone(project, EntityKind.ISSUE, refs, specs))
    invoices_refresh(project, SourceType.LINEAR_ISSUE, [s.key for s in specs])


def conversations_refresh(project, refs=None) -> None:
    rows = raw_rows(project=project, source="chatwoot", stream="conversations", external_ids=refs)
    rows = list(rows.only("external_id", "contact_external_id", "status"))
    contact_keys = [f"{CHATWOOT}:{r.contact_external_id}" for r in rows if r.contact_external_id]
    clients = _clients_of(project, EntityKind.CONTACT, contact_keys)
    specs = []
    for row in rows:
        contact = f"{CHATWOOT}:{row.contact_external_id}" if row.contact_external_id else ""
        edges = [("with_contact", EntityKind.CONTACT, contact)] if contact else []
        edges += [("of_client", EntityKind.CLIENT, clients[contact])] if clients.get(contact) else []
        specs.append(
            Spec(
                EntityKind.CONVERSATION,
                row.external_id,
                f"Conversation #{row.external_id}",
                SourceType.CHATWOOT_CONVERSATION,
                row.external_id,
                {"status": row.status},
                edges=edges,
            )
        )
    _write(project, EntityKind.CONVERSATION, specs, _gone(project, EntityKind.CONVERSATION, refs, specs))
    invoices_refresh(project, SourceType.CHATWOOT_CONVERSATION, [s.key for s in specs])


def _clients_of(project, kind: str, keys: list[str] | None = None) -> dict[str, str]:
    """{entity key: its client's key} for entities of one kind (these keys, or all) through their `of_client`
    edge; an entity without a client is left out."""
    rows = GraphRelation.objects.filter(project=project, type="of_client", src__kind=kind)
    if keys is not None:
        rows = rows.filter(src__key__in=keys)
    return dict(rows.values_list("src__key", "dst__key"))


def _moved(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The keys whose client is not what it was (gained, lost or changed)."""
    return [key for key in set(before) | set(after) if before.get(key) != after.get(key)]


def invoices_refresh(project, source_type: str, source_ids) -> None:
    """Invoice numbers that the records' public text mentions become aliases of their entities (read from the
    records' chunks, which never hold private notes)."""
    ids = _ids(source_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT source_id, string_agg(text, ' ') FROM rag_chunks WHERE project_id = %s AND source_type = %s "
            "AND source_id = ANY(%s) GROUP BY source_id",
            [project.pk, source_type, ids],
        )
        texts = dict(cursor.fetchall())
    entities = dict(
        GraphEntity.objects.filter(project=project, source_type=source_type, source_id__in=ids).values_list(
            "source_id", "id"
        )
    )
    GraphAlias.objects.filter(project=project, entity_id__in=entities.values(), kind="invoice").delete()
    GraphAlias.objects.bulk_create(
        [
            GraphAlias(
                project=project,
                account_scope_id=project.account_scope_id,
                entity_id=entities[source_id],
                norm=name_key(number),
                kind="invoice",
                weight=1.0,
            )
            for source_id, text in texts.items()
            if source_id in entities
            for number in dict.fromkeys(INVOICE.findall(text))
        ],
        ignore_conflicts=True,
    )


def attio_invoices_refresh(project, parents: dict) -> None:
    invoices_refresh(project, SourceType.ATTIO_DEAL, parents.get("deals", []))
    invoices_refresh(project, SourceType.ATTIO_COMPANY, parents.get("companies", []))


def graph_rebuild(*, project) -> None:
    """Every entity of the project from scratch (gone ones deleted), in one transaction."""
    with transaction.atomic():
        clients_refresh(project)  # cascades to contacts, conversations, deals, Linear projects and issues
        invoices_refresh(project, SourceType.ATTIO_DEAL, _existing_keys(project, EntityKind.DEAL))
        invoices_refresh(project, SourceType.ATTIO_COMPANY, _existing_keys(project, EntityKind.CLIENT))


def graphs_backfill() -> int:
    """Build the graph of every project that has chunks but no graph yet (a project synced before the graph
    existed; the hooks keep it up to date from then on). Returns how many were built."""
    from core.selectors import projects_with_ids
    from rag.models import Chunk

    with_chunks = set(Chunk.objects.values_list("project_id", flat=True).distinct())
    with_graph = set(GraphEntity.objects.values_list("project_id", flat=True).distinct())
    built = 0
    for project in projects_with_ids(sorted(with_chunks - with_graph)):
        graph_rebuild(project=project)
        built += 1
    return built
