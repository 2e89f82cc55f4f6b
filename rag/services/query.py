"""A LightRAG query: retrieve (vector + keyword, fused), build evidence, answer, record the run.

Everything reads the given project only. If the embedding provider fails, the query goes on keyword-only
and says so (`degraded: true`); if the chat model fails, the answer is extractive (also `degraded`). A
provider problem never turns into an error response.
"""

import datetime as dt
import logging
import re
import time
from dataclasses import dataclass, field

from rag.constants import DEFAULT_MODE
from rag.metrics import query_failures_counted, query_outcome_record
from rag.models import SOURCE_GROUPS, Chunk, QueryRun
from rag.outcomes import query_run_reasons
from rag.providers import ProviderError, chat_provider, embedding_provider
from rag.services import answers, modes, retrieval
from rag.services.evidence import Ranked, evidence_build, quality_score, source_diversity

log = logging.getLogger("rag.query")
MIN_CANDIDATES = 100  # per retriever: a deeper pool lets RRF find chunks both retrievers rank
MAX_CANDIDATES = 250
CHUNK_FIELDS = ("id", "source_type", "source_id", "ordinal", "title", "text", "url", "author", "occurred_at", "meta")
DEFAULT = object()
EVIDENCE_KEPT = ("id", "source_type", "source_id", "score", "chunk_ids")  # what a query run row keeps


# "66 500", "4,000", "108.000", "1 250 000": one number written in groups of three (records write "66500").
_GROUPED_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f,.]\d{3})+(?![\d]|[.,]\d)")


# "24k", "2.5k", "83 тысячи", «83 тыс.», "1,5 млн": an amount written with its thousands or millions in words.
_SCALED_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[.,]\d{1,3})?)(?:(k)\b|\s?(thousand|тыс(?:\.|яч\w*|\b))|\s?(million|mln|млн)\b\.?)", re.I
)


def _scaled(match: re.Match) -> str:
    value = float(match[1].replace(",", "."))
    return str(round(value * (1_000_000 if match[4] else 1000)))


def numbers_joined(text: str) -> str:
    """The question with its amounts written as the records write them: groups of three joined up ("66 500" →
    "66500"), thousands and millions in words multiplied out ("24k", «83 тысячи» → "24000", "83000")."""
    return _SCALED_NUMBER.sub(_scaled, _GROUPED_NUMBER.sub(lambda m: re.sub(r"\D", "", m[0]), text))


@dataclass(frozen=True)
class QueryParams:
    """A validated query (see `rag.api.validation`)."""

    query: str
    top_k: int = 10
    source_limit: int = 8
    source_filter: tuple[str, ...] = ()
    date_from: dt.datetime | None = None
    date_to: dt.datetime | None = None
    mode: str = DEFAULT_MODE

    def filters(self, sources=None) -> retrieval.Filters:
        groups = set(self.source_filter)
        types = None
        if groups and "chunks" not in groups:  # `chunks` = any kind of chunk
            types = tuple(sorted(t for g in groups for t in SOURCE_GROUPS[g]))
        return retrieval.Filters(source_types=types, date_from=self.date_from, date_to=self.date_to, sources=sources)

    def as_json(self) -> dict:
        return {
            "mode": self.mode,
            "topK": self.top_k,
            "sourceLimit": self.source_limit,
            "sourceFilter": list(self.source_filter),
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }


@dataclass
class Retrieved:
    fused: list
    vector_hits: int
    keyword_hits: int
    degraded: bool
    error: str
    timings: dict
    keyword_pool: list = field(default_factory=list)  # the keyword ranking, `keyword_depth` deep


def retrieve(
    *, project, params: QueryParams, provider, modes=("vector", "keyword"), sources=None, keyword_depth: int = 0
) -> Retrieved:
    """Run the retrievers named in `modes` and fuse them; a failing embedding provider drops the vector side.
    `sources` ((source type, source id) pairs) limits the search to those records' chunks; `keyword_depth` keeps
    a deeper keyword ranking in `keyword_pool` (a local query filters it instead of searching again)."""
    limit = min(MAX_CANDIDATES, max(MIN_CANDIDATES, params.top_k * 5))
    filters, ranked, timings, degraded, error = params.filters(sources), {}, {}, False, ""
    query = numbers_joined(params.query)
    if "vector" in modes:
        started = time.perf_counter()
        try:
            vector = provider.embed([query])[0]
            ranked["vector"] = retrieval.vector_search(project=project, vector=vector, limit=limit, filters=filters)
        except ProviderError as exc:
            degraded, error = True, f"embedding provider: {exc}"
            log.warning("query degraded to keyword-only for project %s: %s", project.pk, exc)
        timings["vector_ms"] = _ms(started)
    pool = []
    if "keyword" in modes:
        started = time.perf_counter()
        depth = max(limit, keyword_depth)
        pool = retrieval.keyword_search(project=project, query=query, limit=depth, filters=filters)
        ranked["keyword"] = pool[:limit]
        timings["keyword_ms"] = _ms(started)
    fused = retrieval.rrf_fuse(ranked)
    sizes = {name: len(hits) for name, hits in ranked.items()}
    return Retrieved(fused, sizes.get("vector", 0), sizes.get("keyword", 0), degraded, error, timings, pool)


@query_failures_counted
def lightrag_query(
    *, project, params: QueryParams, user=None, actor_label: str = "", provider=None, chat=DEFAULT
) -> dict:
    """Answer a question over the project's chunks and graph; record a `lightrag_query_runs` row; return the
    response."""
    started = time.perf_counter()
    provider = modes.EmbedOnce(provider or embedding_provider(for_query=True))
    chat = chat_provider() if chat is DEFAULT else chat
    found = modes.retrieve_by_mode(project=project, params=params, provider=provider, retrieve=retrieve)
    top = found.fused[: params.top_k]
    chunks = {c.id: c for c in Chunk.objects.filter(project=project, id__in=[f.id for f in top]).only(*CHUNK_FIELDS)}
    if params.mode != "naive":  # what the question asks for, read off the fetched chunks (naive stays as it was)
        top = modes.type_boosted(params.query, modes.value_boosted(params.query, top, chunks), chunks)
        top = modes.pinned_first(top, found.pinned)
    ranked = [Ranked(chunks[f.id], f.score, f.ranks) for f in top if f.id in chunks]
    evidence = evidence_build(ranked=ranked, query=numbers_joined(params.query), source_limit=params.source_limit)
    modes.evidence_annotate(project=project, evidence=evidence, via=found.via, known=found.owners)
    answer_started = time.perf_counter()
    answer = _answer(chat, params.query, evidence, chunks)
    timings = {**found.timings, "answer_ms": _ms(answer_started)}
    response = {
        "query": params.query,
        "mode": params.mode,
        "answer": answer.text,
        "answer_mode": answer.mode,
        "citations": answer.citations,
        "entities": [modes.linked_payload(item) for item in found.linked],
        "evidence": [{k: v for k, v in item.items() if k != "group"} for item in evidence],
        "chunks": [_chunk_payload(r) for r in ranked],
        "stats": _stats(found, ranked, evidence, answer, timings),
        "quality_score": quality_score(query=params.query, evidence=evidence, fused=top),
        "source_diversity": source_diversity(evidence),
        "degraded": found.degraded or answer.degraded,
    }
    response["duration_ms"] = _ms(started)
    run = _record(project, params, response, user, actor_label, provider, chat, found.error)
    query_outcome_record(mode=params.mode, reasons=query_run_reasons(run))
    response["query_run_id"] = str(run.id)
    return response


def _answer(chat, query: str, evidence: list[dict], chunks: dict) -> answers.Answer:
    if chat is None:
        return answers.answer_extractive(evidence, query=query)
    texts = answers.evidence_texts(evidence, chunks)
    return answers.answer_with_model(chat=chat, query=query, evidence=evidence, texts=texts)


def _chunk_payload(entry: Ranked) -> dict:
    chunk = entry.chunk
    return {
        "id": chunk.id,
        "source_type": chunk.source_type,
        "source_id": chunk.source_id,
        "ordinal": chunk.ordinal,
        "title": chunk.title,
        "text": chunk.text,
        "url": chunk.url,
        "occurred_at": chunk.occurred_at.isoformat().replace("+00:00", "Z") if chunk.occurred_at else None,
        "score": round(entry.score, 6),
        "vector_rank": entry.ranks.get("vector"),
        "keyword_rank": entry.ranks.get("keyword"),
    }


def _stats(found: modes.ModeResult, ranked: list[Ranked], evidence: list[dict], answer, timings: dict) -> dict:
    groups = [item["group"] for item in evidence]
    return {
        "chunks": len(ranked),
        "messages": groups.count("messages"),
        "issues": groups.count("issues"),
        "deals": groups.count("deals"),
        "evidence": len(evidence),
        "vector_candidates": found.vector_hits,
        "keyword_candidates": found.keyword_hits,
        "timings_ms": timings,
        "graph": found.graph,
        **({"graph_error": found.graph_error} if found.graph_error else {}),
        **answer.flags,
    }


def _record(project, params, response, user, actor_label, provider, chat, error) -> QueryRun:
    flags_error = response["stats"].get("llm_error", "")
    return QueryRun.objects.create(
        project=project,
        account_scope_id=project.account_scope_id,
        user=user if getattr(user, "is_authenticated", False) else None,
        actor_label=actor_label[:200],
        query=params.query,
        mode=params.mode,
        params=params.as_json(),
        degraded=response["degraded"],
        answer=response["answer"],
        answer_mode=response["answer_mode"],
        citations=response["citations"],
        evidence=[{k: item[k] for k in EVIDENCE_KEPT} for item in response["evidence"]],
        stats=response["stats"],
        quality_score=response["quality_score"],
        source_diversity=response["source_diversity"],
        embedding_model=provider.label,
        llm_model=f"{chat.name}:{chat.model}" if chat is not None else "extractive",
        error="; ".join(e for e in (error, flags_error) if e)[:4000],
        duration_ms=response["duration_ms"],
    )


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
