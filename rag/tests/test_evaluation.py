"""The labelled question set is what the dataset says, and hybrid retrieval beats either retriever on it."""

import pytest
from django.db import connection

from rag.evaluation import questions as question_set
from rag.evaluation.metrics import ndcg_at, recall_at, reciprocal_rank
from rag.evaluation.runner import evaluate
from rag.providers import embedding_provider
from rag.services.embeddings import embeddings_run


def test_the_committed_question_set_is_a_fresh_build_of_the_seeded_dataset():
    assert question_set.PATH.read_text() == question_set.dumps(question_set.build())


def test_the_question_set_covers_both_languages_and_every_kind_of_source():
    entries = question_set.load()["questions"]
    assert len(entries) >= 60
    assert {e["kind"] for e in entries} == {"messages", "issues", "deals"}
    assert {e["lang"] for e in entries} >= {"en", "ru"}
    relevant = {r["source_type"] for e in entries for r in e["relevant"]}
    assert relevant == {"chatwoot_conversation", "linear_issue", "attio_deal", "attio_company"}
    assert all(e["relevant"] for e in entries)


def test_metrics_on_a_known_ranking():
    ranked, relevant = ["a", "x", "b", "y"], {"a", "b", "c"}
    assert recall_at(ranked, relevant, k=2) == 0.5
    assert reciprocal_rank(["x", "a"], relevant) == 0.5
    assert ndcg_at(["a", "b", "c"], relevant) == pytest.approx(1.0)
    assert ndcg_at(["x", "y"], relevant) == 0.0


@pytest.mark.django_db
def test_hybrid_beats_vector_only_and_keyword_only_on_the_sandbox_dataset(
    project, make_tenant, bind, sync_all, offline
):
    data = question_set.load()
    bind(project, make_tenant(seed=data["seed"], messages=data["messages"]))
    sync_all(project)
    embeddings_run(project=project)
    with connection.cursor() as cursor:
        # Planner statistics as autovacuum would leave them: earlier tests' rolled-back rows linger in the
        # table and its HNSW graph, and without statistics a small project's search may go through the graph.
        cursor.execute("ANALYZE rag_chunks")
    report = evaluate(project=project, questions=data["questions"], provider=embedding_provider(for_query=True))
    hybrid, vector, keyword = (report[mode]["overall"] for mode in ("hybrid", "vector", "keyword"))
    figures = {mode: report[mode]["overall"] for mode in ("vector", "keyword", "hybrid")}
    for metric in ("recall@10", "mrr", "ndcg@10"):
        assert hybrid[metric] > max(vector[metric], keyword[metric]), f"{metric}: {figures}"
