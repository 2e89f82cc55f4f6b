"""Query modes over chunks and the knowledge graph (HKUDS LightRAG's names, this product's graph):

- `naive`: today's hybrid retrieval over every chunk of the project (vector + keyword, RRF).
- `local`: the entities the question names (`rag.graph.linking`) and their neighbours — a client's
  conversations, issues, deals and company record; a contact's conversations; a Linear project's issues;
  a record itself — and only their chunks: the naive keyword ranking (kept deeper) filtered to them, fused with
  an exact vector search over up to LOCAL_EXACT_SOURCES of them.
- `global`: relation-level evidence across the project: the naive top GLOBAL_DEPTH regrouped by the client each
  record belongs to, best client first, one record per client in turn, so a question about "every client with
  an overdue invoice" sees each such client instead of ten records of one.
- `hybrid`: local and global fused by RRF; `mix` (the default): naive, local and global fused by RRF.

A question that names no entity (or names one with no records) runs local as naive (said in
`stats.graph.local_fallback`). Each fused chunk remembers which linked entity (local) or client (global)
brought it, for the evidence's `entity`.
"""

import logging
import time
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction

from rag.constants import SourceType
from rag.graph import linking
from rag.graph.intent import KIND_STEMS, LEADING_WORDS, asked_kinds, which_kinds
from rag.graph.selectors import clients_of_sources, entity_sources, sources_in_states, state_values
from rag.models import EntityKind
from rag.providers import ProviderError
from rag.providers.offline import words
from rag.services import retrieval
from rag.services.answers import FACT_WORDS
from rag.services.evidence import answer_types, dated_lines, question_days, question_keys, value_named, values_named
from rag.services.retrieval import Fused

log = logging.getLogger("rag.modes")
# RRF weights of the fused lists: local results are about what the question names, so they lead.
WEIGHTS = {"naive": 1.0, "local": 1.5, "global": 0.5, "state": 1.0}
KIND_BOOST = 1.3  # × the fused score of a record of the kind the question names
LATER_KIND_BOOST = 1.15  # … when it names the kind only after its leading words
TYPE_BOOST = 1.15  # × the score of a chunk holding the kind of answer the question wants (reason, date, amount)
DAY_BOOST = 1.5  # × the score of a chunk with a line written on a day the question names: a narrow, strong hint
LOCAL_KEYWORD_DEPTH = 400  # how deep the naive keyword ranking is kept for a local query to filter
STATE_DEPTH = 40  # records of a named state a studio-wide "which … are in <state>?" question brings
GLOBAL_DEPTH = 60  # naive candidates a global query regroups by client (deeper ones changed nothing measured)
LOCAL_EXACT_SOURCES = 60  # records whose chunks a local query's vector search scores exactly
PARTS = {"naive": ("naive",), "local": ("local",), "global": ("global",), "hybrid": ("local", "global"),
         "mix": ("naive", "local", "global")}  # fmt: skip


@dataclass
class ModeResult:
    fused: list[Fused]
    linked: list = field(default_factory=list)  # rag.graph.linking.Linked
    via: dict = field(default_factory=dict)  # (source type, source id) → {"kind", "name", "key", "via"}
    vector_hits: int = 0
    keyword_hits: int = 0
    degraded: bool = False
    error: str = ""
    graph_error: str = ""
    owners: dict = field(default_factory=dict)  # (source type, source id) → its clients, as global read them
    pinned: set = field(default_factory=set)  # records the question names by a number of their own
    timings: dict = field(default_factory=dict)
    graph: dict = field(default_factory=dict)


def retrieve_by_mode(*, project, params, provider, retrieve) -> ModeResult:
    """Run `params.mode`; `retrieve(project=, params=, provider=, …)` is the two-retriever chunk search
    (`rag.services.query.retrieve`). Every mode starts from the naive search: global regroups its pool, local
    filters its (deeper) keyword ranking to the linked records and adds an exact vector search over them, and a
    local query that names nothing is naive."""
    parts = PARTS[params.mode]
    result = ModeResult(fused=[])
    depth = LOCAL_KEYWORD_DEPTH if "local" in parts else 0
    found = retrieve(project=project, params=params, provider=provider, keyword_depth=depth)
    _take(result, found)
    lists: dict[str, list[Fused]] = {"naive": found.fused}
    if parts != ("naive",):
        try:
            with transaction.atomic():  # a savepoint: a failed graph read leaves the connection usable
                _graph_parts(project, params, provider, retrieve, parts, found, lists, result)
        except DatabaseError as exc:  # the graph side must never fail the query: naive evidence still answers
            log.warning("graph retrieval failed for project %s: %s", project.pk, exc)
            result.graph_error = str(exc)[:500]
            result.error = "; ".join(e for e in (result.error, f"graph: {exc}") if e)
            result.degraded = True
    chosen = {name: lists.get(name) or (lists["naive"] if name == "local" else []) for name in parts}
    chosen = {name: ranked for name, ranked in chosen.items() if ranked} or {"naive": lists["naive"]}
    if lists.get("state"):
        chosen["state"] = lists["state"]
    result.fused = next(iter(chosen.values())) if len(chosen) == 1 else _fuse(chosen, lists["naive"])
    if parts != ("naive",):
        result.fused = _kind_boosted(params.query, result.fused, result)
    return result


def type_boosted(query: str, fused: list[Fused], chunks: dict) -> list[Fused]:
    """A question wanting a kind of answer (a reason, a date, an amount: `evidence.answer_types`) or naming a day
    ("on 2 October") sees the chunks whose content lines hold one (× TYPE_BOOST), or were written that day
    (× DAY_BOOST), higher among the fetched top: `chunks` maps a chunk id to its chunk."""
    wanted, days = answer_types(query), question_days(query)
    if not (wanted or days):
        return fused

    def factor(entry: Fused, chunk) -> float:
        body = chunk.text.partition("\n")[2]  # the header repeats the record's facts: not an answer
        typed = TYPE_BOOST if any(give.search(body) for give in wanted) else 1.0
        return typed * (DAY_BOOST if dated_lines(chunk, days) else 1.0)

    return _rescored(fused, chunks, factor)


def value_boosted(query: str, fused: list[Fused], chunks: dict) -> list[Fused]:
    """A question picking records of a kind by their state ("which deal is in negotiation?") sees the records in
    that state higher (× KIND_BOOST) among the fetched top: `chunks` maps a chunk id to its chunk."""
    kinds = which_kinds(query) or asked_kinds(query)
    if not kinds:
        return fused
    keys = question_keys(query)

    def factor(entry: Fused, chunk) -> float:
        if not (entry.source and entry.source[0] in kinds):
            return 1.0
        # "the open thread with Olga", "the urgent task in progress" (state and priority: twice)
        return KIND_BOOST ** values_named((chunk.meta or {}).get("facts") or {}, keys)

    return _rescored(fused, chunks, factor)


def pinned_first(fused: list[Fused], pinned: set) -> list[Fused]:
    """The records the question names by a number of their own ("invoice 9254", "DES-34") first, whatever the
    boosts did ("… is that conversation closed?" must not lift every resolved conversation over it)."""
    if not pinned:
        return fused
    return sorted(fused, key=lambda f: f.source not in pinned)  # stable: the rest keep their order


def _rescored(fused: list[Fused], chunks: dict, factor) -> list[Fused]:
    """The fetched top with each fetched chunk's score times `factor(entry, chunk)`, re-sorted when one moved."""
    moved = False
    for entry in fused:
        chunk = chunks.get(entry.id)
        change = factor(entry, chunk) if chunk is not None else 1.0
        if change != 1.0:
            entry.score *= change
            moved = True
    return _by_score(fused) if moved else fused


def _by_score(fused: list[Fused]) -> list[Fused]:
    return sorted(fused, key=lambda f: (-f.score, f.id))


def _kind_boosted(query: str, fused: list[Fused], result) -> list[Fused]:
    """A question that names a kind of record ("which deals …", «какие задачи …») sees records of that kind
    higher: their fused scores (of the named entity's records, when it names one) are raised by KIND_BOOST,
    which moves a record up a bounded number of places (from 30th to about 10th), never over everything."""
    kinds = asked_kinds(query, leading=LEADING_WORDS)
    later = asked_kinds(query) - kinds  # "… Is that ticketed?": named, but not what the question is about
    if not (kinds or later) or not fused:
        return fused
    named = {source for source, via in result.via.items() if via["via"] == "local"}
    result.graph["kinds"] = sorted(kinds | later)
    for entry in fused:
        if entry.source and (not named or entry.source in named):
            kind = entry.source[0]
            entry.score *= KIND_BOOST if kind in kinds else LATER_KIND_BOOST if kind in later else 1.0
    return _by_score(fused)


def _take(result: ModeResult, found) -> None:
    result.vector_hits += found.vector_hits
    result.keyword_hits += found.keyword_hits
    result.degraded = result.degraded or found.degraded
    if found.degraded and not result.error:
        result.error = found.error  # "embedding provider: …" (rag.outcomes reads the run's error by it)
    for name, ms in found.timings.items():
        result.timings[name] = result.timings.get(name, 0) + ms


def _graph_parts(project, params, provider, retrieve, parts, found, lists, result) -> None:
    result.timings["graph_ms"] = 0
    if "local" in parts:
        started = time.perf_counter()
        result.linked = linking.entities_link(project=project, question=params.query)
        result.timings["link_ms"] = _ms(started)
        result.graph["linked"] = len(result.linked)
        local = _local(project, params, provider, retrieve, found, result)
        if local:
            lists["local"] = local
        result.graph["local_fallback"] = not local
    if "global" in parts:
        started = time.perf_counter()
        sources = list(dict.fromkeys(f.source for f in found.fused[:GLOBAL_DEPTH] if f.source))
        owners = clients_of_sources(project=project, sources=sources)
        result.owners = {source: owners.get(source, []) for source in sources}  # [] = known to have no client
        lists["global"] = _global(found.fused[:GLOBAL_DEPTH], owners, result)
        if not result.linked:  # a question about the whole studio ("which deals are in Proposal?")
            lists["state"] = _in_named_states(project, params.query)
        result.timings["graph_ms"] += _ms(started)


# The fact a record's state is written in, by kind (what `value_named` reads).
FACT_STEMS = tuple(stem for stems in FACT_WORDS for stem in stems)  # "stage", «сумм»: facts asked, not topics
CLIENT_KINDS = (SourceType.LINEAR_ISSUE, SourceType.ATTIO_DEAL)  # a client's records a person has none of
STATE_FIELD = {SourceType.ATTIO_DEAL: "stage", SourceType.LINEAR_ISSUE: "state",
               SourceType.CHATWOOT_CONVERSATION: "status"}  # fmt: skip


def _in_named_states(project, query: str) -> list[Fused]:
    """For a question picking records of a kind by the state it names ("which deals are in Proposal?", "which
    tickets are still open?"): every such record of the project, up to STATE_DEPTH, by its first chunk."""
    kinds = which_kinds(query) & set(STATE_FIELD)
    if not kinds:
        return []
    keys = question_keys(query)
    values = state_values(project=project, source_types=sorted(kinds))
    states = [(kind, value) for kind, value in values if value and value_named({STATE_FIELD[kind]: value}, keys)]
    if not states or not _only_picks_by_state(query, kinds, states):
        return []
    sources = sources_in_states(project=project, states=states, limit=STATE_DEPTH)
    return retrieval.first_chunks(project=project, sources=sources)


# Words that ask nothing of a record beyond its state: "now", "so far", «сейчас», «пока».
_LISTING_WORDS = frozenset((
    "now", "currently", "far", "yet", "still", "right", "today", "moment", "all", "list", "show",
    "сейчас", "еще", "пока", "уже", "сегодня", "данный", "момент", "все", "список", "покажи", "какие", "какая", "какой",
    "каких",
))  # fmt: skip


def _only_picks_by_state(query: str, kinds: set[str], states: list[tuple[str, str]]) -> bool:
    """Whether the question picks records by their state alone ("which deals are in Proposal, for how much?"):
    a topic besides ("which tickets about the Safari form are open?") is left to the text search, which the
    state would only dilute."""
    kind_stems = tuple(stem for kind in kinds for stem in KIND_STEMS[kind])
    for word in words(query):
        keys = question_keys(word)
        if not keys or word in _LISTING_WORDS or word.startswith(kind_stems):
            continue
        if word.startswith(FACT_STEMS) or any(value_named({STATE_FIELD[k]: v}, keys) for k, v in states):
            continue
        return False
    return True


def _local(project, params, provider, retrieve, found, result) -> list[Fused] | None:
    """The chunks of the linked entities' records and their neighbours, ranked by an exact vector search over
    them and by the naive keyword ranking kept to them; None when the question names nothing."""
    if not result.linked:
        return None
    started = time.perf_counter()
    rank = {item.entity_id: position for position, item in enumerate(result.linked)}  # best linked first
    labels = {item.entity_id: {"kind": item.kind, "name": item.name, "key": item.key, "via": "local"}
              for item in result.linked}  # fmt: skip
    people = {item.entity_id for item in result.linked if item.kind == EntityKind.CONTACT}
    other_kinds = asked_kinds(params.query) - {SourceType.CHATWOOT_CONVERSATION}
    # A person's own records are their conversations; a question about them asking for another kind ("Kate says
    # the colours are off — did that become a task?") asks for their client's records of that kind.
    client_types = sorted(other_kinds & set(CLIENT_KINDS)) if people else []
    rows = entity_sources(project=project, entity_ids=list(rank), client_types=client_types)
    if len(rank) > 1:  # a record goes to its nearest entity: a person named before their client, else the best
        rows.sort(key=lambda row: (row[3], row[0] not in people, rank[row[0]]))
    sources: dict[tuple[str, str], int] = {}  # source → hops
    for entity_id, source_type, source_id, hops in rows:
        key = (source_type, source_id)
        if key not in sources:
            sources[key] = hops
            result.via.setdefault(key, labels[entity_id])
    result.timings["graph_ms"] += _ms(started)
    result.graph["local_sources"] = len(sources)
    if not sources:
        return []
    started = time.perf_counter()
    vector = retrieve(project=project, params=params, provider=provider, modes=("vector",),
                      sources=_exact_scan_sources(sources, found))  # fmt: skip
    _take(result, vector)
    result.timings["local_vector_ms"] = _ms(started)
    keyword = [hit for hit in found.keyword_pool if hit.source in sources]
    local = retrieval.rrf_fuse({"vector": vector.fused, "keyword": keyword})
    pinned = {(item.source_type, item.source_id) for item in result.linked if _by_key(item) and item.source_type}
    result.pinned = pinned & set(sources)
    # "Pavel Popov from Severny Veter — which of his threads …": a person named narrows the question to their
    # conversations, unless it asks for records of another kind ("… which ticket is being worked on?").
    narrowed = people and len(people) < len(rank) and not other_kinds
    theirs = {(row[1], row[2]) for row in rows if row[0] in people} if narrowed else set()
    if pinned or theirs:  # "invoice #9160", "DES-34": the record the question names by its number comes first
        local.sort(key=lambda f: (f.source not in pinned, f.source not in theirs))  # stable: the rest keep order
    return local


def _by_key(item) -> bool:
    """Whether an entity was linked by a number of its own (an issue key, an invoice number), exactly."""
    return item.how == "exact" and any(ch.isdigit() for ch in item.matched)


def _exact_scan_sources(sources: dict, found) -> tuple:
    """The records whose chunks the local vector search scores exactly: all of them up to LOCAL_EXACT_SOURCES;
    past that (a client with a thousand records), the linked records themselves, then those the naive search
    already found, then the rest, up to the cap (the keyword side still sees every record)."""
    if len(sources) <= LOCAL_EXACT_SOURCES:
        return tuple(sources)
    own = [key for key, hops in sources.items() if hops == 0]
    pooled = [hit.source for hit in [*found.fused, *found.keyword_pool] if hit.source in sources]
    chosen = dict.fromkeys([*own, *pooled, *sources])
    return tuple(list(chosen)[:LOCAL_EXACT_SOURCES])


def _global(pool: list[Fused], owners: dict, result) -> list[Fused]:
    """The naive pool, one record per client in turn: a client's next record waits until every other client
    in the pool has had its best one (records of no client are never held back). `owners`: the clients of
    each record (`clients_of_sources`)."""
    rounds: list[list[Fused]] = []  # rounds[n] = each client's (n+1)-th record, in pool order
    taken: dict[str, int] = {}
    seen_sources: set = set()
    for entry in pool:
        source = entry.source
        if source is None or source in seen_sources:
            continue  # one chunk per record: the record is the unit of relation-level evidence
        seen_sources.add(source)
        client = (owners.get(source) or [None])[0]
        if client:
            result.via.setdefault(source, {"kind": "client", "name": client["name"], "key": client["key"],
                                           "via": "global"})  # fmt: skip
        group = f"client:{client['key']}" if client else f"record:{source[0]}:{source[1]}"
        round_index = taken.get(group, 0)
        taken[group] = round_index + 1
        while len(rounds) <= round_index:
            rounds.append([])
        rounds[round_index].append(entry)
    result.graph["global_clients"] = sum(1 for group in taken if group.startswith("client:"))
    return [Fused(f.id, f.score, dict(f.ranks), f.source) for one_round in rounds for f in one_round]


def _fuse(lists: dict[str, list[Fused]], naive: list[Fused]) -> list[Fused]:
    fused = retrieval.rrf_fuse(lists, weights=WEIGHTS)
    inner = {f.id: f.ranks for f in naive}  # keep the vector/keyword ranks the response reports
    for entry in fused:
        entry.ranks = {**inner.get(entry.id, {}), **entry.ranks}
    return fused


class EmbedOnce:
    """The query's embedding provider, asked at most once per text: naive and local search share the
    question's vector (and a failing provider is not asked twice)."""

    def __init__(self, provider) -> None:
        self._provider = provider
        self._done: dict[tuple, object] = {}

    def __getattr__(self, name):
        return getattr(self._provider, name)

    def embed(self, texts: list[str]):
        key = tuple(texts)
        if key not in self._done:
            try:
                self._done[key] = self._provider.embed(list(texts))
            except ProviderError as exc:
                self._done[key] = exc
        outcome = self._done[key]
        if isinstance(outcome, ProviderError):
            raise outcome
        return outcome


def linked_payload(item) -> dict:
    """A linked entity as the response shows it."""
    return {"kind": item.kind, "name": item.name, "key": item.key, "score": item.score, "match": item.how}


def evidence_annotate(*, project, evidence: list[dict], via: dict, known: dict | None = None) -> None:
    """Each evidence item says which entity brought it (`entity`, or null for plain chunk search) and which
    client it belongs to (`client`: the CRM account id and name, for the client page), in place. `known`: the
    clients already read for some records (a global query's)."""
    known = known or {}
    sources = [(item["source_type"], item["source_id"]) for item in evidence]
    missing = [source for source in sources if source not in known]
    try:
        with transaction.atomic():
            clients = {**known, **(clients_of_sources(project=project, sources=missing) if missing else {})}
    except DatabaseError as exc:  # without the graph the evidence stands, only unlabelled
        log.warning("evidence clients unavailable for project %s: %s", project.pk, exc)
        clients = dict(known)
    for item, source in zip(evidence, sources, strict=True):
        item["entity"] = via.get(source)
        owners = [c for c in clients.get(source, []) if c["id"]]
        item["client"] = {"id": owners[0]["id"], "name": owners[0]["name"]} if owners else None


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
