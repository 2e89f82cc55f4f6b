"""Evaluate LightRAG on a project holding a sandbox dataset.

`evaluate_modes` asks every question through the product's own query (`lightrag_query`, extractive answer,
no chat model) in each query mode, and scores the order of distinct sources in the response's evidence,
the answer against the question's expected facts, and answer + evidence against private text (the
question's `forbidden` strings and every private Chatwoot note of the project). `evaluate_retrievers` is the
older comparison of the retrievers under the fusion: vector only, keyword only, both fused (RRF).
"""

from connectors.selectors import raw_rows
from rag.constants import QUERY_MODES
from rag.evaluation.metrics import facts_hold, leaked, ndcg_at, recall_at, reciprocal_rank, summarise
from rag.models import Chunk
from rag.services.query import QueryParams, lightrag_query, retrieve

RETRIEVERS = {"vector": ("vector",), "keyword": ("keyword",), "hybrid": ("vector", "keyword")}
SLICES = ("paraphrase", "two_source", "note_comment", "cross_language", "current_fact", "quote")
LANGS = ("en", "ru", "en→ru", "ru→en")
# Deep enough that the evidence ranks at least 10 distinct sources (recall@10 needs ten).
TOP_K, SOURCE_LIMIT = 40, 25


def _keys(relevant: list[dict]) -> set[str]:
    return {f"{r['source_type']}:{r['source_id']}" for r in relevant}


def private_notes(project) -> list[str]:
    """Every private Chatwoot note of the project (no answer or evidence may show one)."""
    rows = raw_rows(project=project, source="chatwoot", stream="messages").filter(private=True)
    return sorted(set(rows.exclude(content="").values_list("content", flat=True)))


def question_run(*, project, entry: dict, mode: str, provider, notes: list[str]) -> dict:
    """One question in one mode: ranking scores, facts, leaks, server time."""
    params = QueryParams(query=entry["question"], top_k=TOP_K, source_limit=SOURCE_LIMIT, mode=mode)
    response = lightrag_query(project=project, params=params, provider=provider, chat=None)
    ranked = list(dict.fromkeys(f"{e['source_type']}:{e['source_id']}" for e in response["evidence"]))
    relevant = _keys(entry["relevant"])
    shown = [response["answer"], *(f"{e['title']}\n{e['snippet']}" for e in response["evidence"])]
    facts = entry.get("facts")
    return {
        **_ranking_scores(entry, ranked, relevant),
        "facts": facts_hold(response["answer"], facts) if facts else None,
        "leaks": leaked(shown, [*entry.get("forbidden", []), *notes]),
        "duration_ms": response["duration_ms"],
        "mode_ran": response.get("mode", mode),
        "top": ranked[:3],
        "answer": response["answer"],
    }


def breakdown(rows: list[dict]) -> dict:
    return {
        "overall": summarise(rows),
        "by_slice": {
            s: summarise([r for r in rows if s in r["slices"]]) for s in SLICES if any(s in r["slices"] for r in rows)
        },
        "by_lang": {
            k: summarise([r for r in rows if r["lang"] == k]) for k in LANGS if any(r["lang"] == k for r in rows)
        },
    }


def evaluate_modes(*, project, questions: list[dict], provider, modes=QUERY_MODES, warmup: int = 5) -> dict:
    """{mode: {"overall", "by_slice", "by_lang", "rows"}} through `lightrag_query`; the first `warmup`
    questions are asked once unscored, so the first mode's latency is not a cold start's."""
    notes = private_notes(project)
    for entry in questions[:warmup]:
        question_run(project=project, entry=entry, mode=modes[0], provider=provider, notes=notes)
    report = {}
    for mode in modes:
        rows = [question_run(project=project, entry=q, mode=mode, provider=provider, notes=notes) for q in questions]
        report[mode] = {**breakdown(rows), "rows": rows}
    return report


def ranked_sources(*, project, question: str, retriever: str, provider) -> list[str]:
    """Distinct `source_type:source_id` keys in the (fused) candidate order of the named retrievers."""
    params = QueryParams(query=question)
    found = retrieve(project=project, params=params, provider=provider, modes=RETRIEVERS[retriever])
    ids = [f.id for f in found.fused]
    keys = {
        chunk_id: f"{source_type}:{source_id}"
        for chunk_id, source_type, source_id in Chunk.objects.filter(project=project, id__in=ids).values_list(
            "id", "source_type", "source_id"
        )
    }
    return list(dict.fromkeys(keys[i] for i in ids if i in keys))


def evaluate_retrievers(*, project, questions: list[dict], provider) -> dict:
    """{retriever: {"overall", "by_slice", "by_lang", "rows"}}: vector only, keyword only, hybrid (RRF)."""
    report = {}
    for retriever in RETRIEVERS:
        rows = []
        for entry in questions:
            ranked = ranked_sources(project=project, question=entry["question"], retriever=retriever, provider=provider)
            relevant = _keys(entry["relevant"])
            rows.append(_ranking_scores(entry, ranked, relevant))
        report[retriever] = {**breakdown(rows), "rows": rows}
    return report


def _ranking_scores(entry: dict, ranked: list[str], relevant: set[str]) -> dict:
    """A question's labels and the ranking figures of its distinct sources."""
    return {
        "id": entry["id"],
        "lang": entry["lang"],
        "slices": entry.get("slices", []),
        "kind": entry.get("kind", ""),
        "recall@10": recall_at(ranked, relevant),
        "mrr": reciprocal_rank(ranked, relevant),
        "ndcg@10": ndcg_at(ranked, relevant),
    }
