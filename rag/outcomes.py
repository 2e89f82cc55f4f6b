"""What went wrong in a LightRAG query, as reasons from one fixed set.

The same reasons label the shared counters on `/metrics` (all projects, by mode) and the Overview's figures
(one project, from its `lightrag_query_runs` rows), so both are read off a query run the same way.
"""

from django.db.models import Q

EMBEDDING_UNAVAILABLE = "embedding_unavailable"  # the vector side failed: the query ran keyword-only
LLM_UNAVAILABLE = "llm_unavailable"  # the chat model failed: the answer is the extractive fallback
LLM_UNCITED = "llm_uncited"  # the model answered but cited no evidence: the answer is the extractive fallback
GRAPH_UNAVAILABLE = "graph_unavailable"  # the graph side failed: the query ran without entity evidence
NO_EVIDENCE = "no_evidence"  # nothing in the project matched
ERROR = "error"  # the query raised: no answer, no run row
REASONS = (EMBEDDING_UNAVAILABLE, LLM_UNAVAILABLE, LLM_UNCITED, GRAPH_UNAVAILABLE, NO_EVIDENCE, ERROR)

# How the Overview names them.
LABELS = {
    EMBEDDING_UNAVAILABLE: "embedding provider down (keyword-only)",
    LLM_UNAVAILABLE: "chat model down (extractive answer)",
    LLM_UNCITED: "model answer cited nothing (extractive answer)",
    GRAPH_UNAVAILABLE: "knowledge graph unavailable",
    NO_EVIDENCE: "nothing found",
    ERROR: "failed",
}

# A query is "failed or degraded" (what the alert and the Overview's share count) when a part of the system
# was down. An uncited model answer or a question nothing matches is a weaker answer, not an outage: shown
# beside the share, not in it.
DEGRADING = (EMBEDDING_UNAVAILABLE, LLM_UNAVAILABLE, GRAPH_UNAVAILABLE, ERROR)

# `retrieve()` words a vector-side failure this way, and `_record` writes it first in the run's `error`.
EMBEDDING_ERROR_PREFIX = "embedding provider:"

# The reasons a run row can show, as conditions on `QueryRun` (the Overview counts them in one query).
# `ERROR` has none: a query that raised recorded no row. Keep in step with `query_run_reasons`.
RUN_CONDITIONS: dict[str, Q] = {
    EMBEDDING_UNAVAILABLE: Q(error__startswith=EMBEDDING_ERROR_PREFIX),
    LLM_UNAVAILABLE: Q(stats__has_key="llm_error") & ~Q(stats__llm_error=""),
    LLM_UNCITED: Q(stats__llm_answer_uncited=True),
    GRAPH_UNAVAILABLE: Q(stats__has_key="graph_error") & ~Q(stats__graph_error=""),
    NO_EVIDENCE: Q(stats__evidence=0),
}


def query_run_reasons(run) -> list[str]:
    """The problems of one recorded query (a `QueryRun`), in `REASONS` order; [] for a good query."""
    stats = run.stats or {}
    found = {
        EMBEDDING_UNAVAILABLE: (run.error or "").startswith(EMBEDDING_ERROR_PREFIX),
        LLM_UNAVAILABLE: bool(stats.get("llm_error")),
        LLM_UNCITED: stats.get("llm_answer_uncited") is True,
        GRAPH_UNAVAILABLE: bool(stats.get("graph_error")),
        NO_EVIDENCE: stats.get("evidence") == 0,
    }
    return [reason for reason in REASONS if found.get(reason)]


def is_degrading(reasons) -> bool:
    return any(reason in DEGRADING for reason in reasons)
