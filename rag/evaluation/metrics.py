"""Ranking metrics over distinct source keys (`source_type:source_id`) with binary relevance."""

import math


def recall_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    """Relevant sources in the top k / min(k, relevant): 1.0 when the top k is as full of them as it can be."""
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & relevant) / min(k, len(relevant))


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    for rank, key in enumerate(ranked, start=1):
        if key in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(rank + 1) for rank, key in enumerate(ranked[:k], start=1) if key in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, len(relevant)) + 1))
    return dcg / ideal if ideal else 0.0


def summarise(rows: list[dict]) -> dict:
    """Mean recall@10, MRR and nDCG@10 of per-question rows."""
    count = len(rows) or 1
    return {
        "questions": len(rows),
        "recall@10": sum(r["recall@10"] for r in rows) / count,
        "mrr": sum(r["mrr"] for r in rows) / count,
        "ndcg@10": sum(r["ndcg@10"] for r in rows) / count,
    }
