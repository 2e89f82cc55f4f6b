"""Evaluate retrieval on a project holding the sandbox dataset: vector-only, keyword-only and hybrid.

Each mode runs the product's own retrievers with the product's defaults (topK 10 → 50 candidates per
retriever); the ranking scored is the order of distinct sources in the (fused) candidate list.
"""

from rag.evaluation.metrics import ndcg_at, recall_at, reciprocal_rank, summarise
from rag.models import Chunk
from rag.services.query import QueryParams, retrieve

MODES = {"vector": ("vector",), "keyword": ("keyword",), "hybrid": ("vector", "keyword")}


def ranked_sources(*, project, question: str, mode: str, provider) -> list[str]:
    """Distinct `source_type:source_id` keys in retrieval order."""
    found = retrieve(project=project, params=QueryParams(query=question), provider=provider, modes=MODES[mode])
    ids = [f.id for f in found.fused]
    keys = {
        chunk_id: f"{source_type}:{source_id}"
        for chunk_id, source_type, source_id in Chunk.objects.filter(project=project, id__in=ids).values_list(
            "id", "source_type", "source_id"
        )
    }
    return list(dict.fromkeys(keys[i] for i in ids if i in keys))


def question_scores(*, project, entry: dict, mode: str, provider) -> dict:
    relevant = {f"{r['source_type']}:{r['source_id']}" for r in entry["relevant"]}
    ranked = ranked_sources(project=project, question=entry["question"], mode=mode, provider=provider)
    return {
        "id": entry["id"],
        "kind": entry["kind"],
        "lang": entry["lang"],
        "recall@10": recall_at(ranked, relevant),
        "mrr": reciprocal_rank(ranked, relevant),
        "ndcg@10": ndcg_at(ranked, relevant),
    }


def evaluate(*, project, questions: list[dict], provider) -> dict:
    """{mode: {"overall": summary, "by_kind": {...}, "by_lang": {...}, "rows": [...]}}."""
    report = {}
    for mode in MODES:
        rows = [question_scores(project=project, entry=q, mode=mode, provider=provider) for q in questions]
        report[mode] = {
            "overall": summarise(rows),
            "by_kind": {k: summarise([r for r in rows if r["kind"] == k]) for k in ("messages", "issues", "deals")},
            "by_lang": {k: summarise([r for r in rows if r["lang"] == k]) for k in ("en", "ru", "en→ru")},
            "rows": rows,
        }
    return report
