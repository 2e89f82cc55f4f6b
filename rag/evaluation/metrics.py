"""Ranking metrics over distinct source keys (`source_type:source_id`) with binary relevance, and the
answer checks: expected facts held, private text leaked."""

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


def facts_hold(answer: str, facts: list[list[str]]) -> bool:
    """Every group of alternatives has at least one string in the answer (case-insensitive)."""
    lowered = answer.lower()
    return all(any(option.lower() in lowered for option in group) for group in facts)


def leaked(texts: list[str], forbidden: list[str]) -> list[str]:
    """The forbidden strings that appear in any of the texts (case-insensitive)."""
    haystack = "\n".join(texts).lower()
    return [text for text in dict.fromkeys(forbidden) if text and text.lower() in haystack]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarise(rows: list[dict]) -> dict:
    """Means of per-question rows: recall@10, MRR, nDCG@10; and, when rows carry them, the share of questions
    with facts whose answer holds them all, the number of questions that leaked, server latency p50/p95."""
    count = len(rows) or 1
    summary = {
        "questions": len(rows),
        "recall@10": sum(r["recall@10"] for r in rows) / count,
        "mrr": sum(r["mrr"] for r in rows) / count,
        "ndcg@10": sum(r["ndcg@10"] for r in rows) / count,
    }
    if rows and "facts" in rows[0]:
        with_facts = [r for r in rows if r["facts"] is not None]
        summary["facts_questions"] = len(with_facts)
        summary["facts"] = sum(r["facts"] for r in with_facts) / len(with_facts) if with_facts else None
        summary["leaks"] = sum(1 for r in rows if r["leaks"])
        durations = [r["duration_ms"] for r in rows]
        summary["p50_ms"], summary["p95_ms"] = percentile(durations, 0.5), percentile(durations, 0.95)
    return summary
