"""Failed and degraded LightRAG queries on /metrics (by mode and reason, every process) and on the Overview
(the active project's last 24 h), counted from real queries.

Shared counters are written on a separate connection inside a test's transaction: they outlive the test, so
these tests compare a scrape before and after.
"""

import re

import pytest
from django.test import Client

from rag.constants import QUERY_MODES
from rag.metrics import query_outcome_record
from rag.models import QueryRun
from rag.outcomes import REASONS
from rag.services.embeddings import embeddings_run
from rag.services.query import QueryParams, lightrag_query
from tests.support.metrics import metrics_scrape

pytestmark = pytest.mark.django_db
QUERY = "/api/lightrag/query"
FAMILIES = ("app_rag_queries_total", "app_rag_queries_degraded_total", "app_rag_query_problems_total")


def scrape() -> dict[str, dict[tuple, float]]:
    """The query outcome families of one /metrics scrape."""
    return metrics_scrape(FAMILIES)


def increase(before: dict, after: dict) -> dict[str, dict[tuple, float]]:
    """The samples that grew, by family."""
    grown = {}
    for name, values in after.items():
        for key, value in values.items():
            if value != before.get(name, {}).get(key, 0):
                grown.setdefault(name, {})[key] = value - before.get(name, {}).get(key, 0)
    return grown


def labels(**values) -> tuple:
    return tuple(sorted(values.items()))


def ask(api, query: str, mode: str, **extra) -> dict:
    response = api.post(QUERY, {"query": query, "mode": mode, **extra})
    assert response.status_code == 200, response.content
    return response.json()


def test_every_mode_and_reason_is_exported_from_zero():
    samples = scrape()
    assert {dict(key)["mode"] for key in samples["app_rag_queries_total"]} == set(QUERY_MODES)
    assert {dict(key)["mode"] for key in samples["app_rag_queries_degraded_total"]} == set(QUERY_MODES)
    problems = samples["app_rag_query_problems_total"]
    assert set(problems) == {labels(mode=mode, reason=reason) for mode in QUERY_MODES for reason in REASONS}


def test_real_queries_are_counted_by_mode_and_reason_and_the_overview_shows_the_projects_share(
    owner_api, studio_project, other_project, fake_openai
):
    embeddings_run(project=studio_project)
    before = scrape()
    good = ask(owner_api, "What did the client say about the Safari contact form?", "mix")
    assert good["answer_mode"] == "llm"
    assert not good["degraded"]

    fake_openai.fail(status=500, times=100)  # the embedding provider is down: keyword-only
    keyword_only = ask(owner_api, "Safari contact form bug", "naive")
    assert keyword_only["degraded"]
    assert keyword_only["evidence"]
    fake_openai.reset()

    fake_openai.fail(status=503, times=100, path="/v1/chat/completions")  # the chat model is down
    extractive = ask(owner_api, "Safari contact form", "local")
    assert extractive["answer_mode"] == "extractive_fallback"
    assert extractive["degraded"]
    fake_openai.reset()

    fake_openai.chat_reply = lambda body: "Everything is fine, trust me."  # a model answer citing nothing
    uncited = ask(owner_api, "Safari contact form", "global")
    assert uncited["stats"]["llm_answer_uncited"] is True
    assert not uncited["degraded"]

    nothing = ask(owner_api, "logo files", "hybrid", date_from="2000-01-01", date_to="2000-01-02")
    assert nothing["evidence"] == []

    # Another project's query counts on /metrics (global) but never on this project's Overview.
    lightrag_query(project=other_project, params=QueryParams(query="logo files", mode="mix"), chat=None)

    grown = increase(before, scrape())
    assert grown["app_rag_queries_total"] == {
        labels(mode="mix"): 2,
        labels(mode="naive"): 1,
        labels(mode="local"): 1,
        labels(mode="global"): 1,
        labels(mode="hybrid"): 1,
    }
    assert grown["app_rag_queries_degraded_total"] == {labels(mode="naive"): 1, labels(mode="local"): 1}
    assert grown["app_rag_query_problems_total"] == {
        labels(mode="naive", reason="embedding_unavailable"): 1,
        labels(mode="local", reason="llm_unavailable"): 1,
        labels(mode="global", reason="llm_uncited"): 1,
        labels(mode="hybrid", reason="no_evidence"): 1,
        labels(mode="mix", reason="no_evidence"): 1,  # the other project has nothing to find
    }

    html = owner_api.get("/partials/overview/queries").content.decode()
    assert re.search(r'data-testid="queries-total"><strong>5</strong> queries', html)
    assert re.search(r'data-testid="queries-degraded"><strong>40.0%</strong> failed or degraded \(2\)', html)
    problems = dict(re.findall(r'<li data-reason="(\w+)">[^<:]+: (\d+)</li>', html))
    assert problems == {"embedding_unavailable": "1", "llm_unavailable": "1", "llm_uncited": "1", "no_evidence": "1"}


class BrokenEmbedder:
    """An embedding provider failing in a way the query does not expect (not a `ProviderError`)."""

    label = "broken"

    def embed(self, texts):
        raise RuntimeError("a bug, not an outage")


def test_a_query_that_raises_is_counted_as_an_error_of_its_mode(project):
    before = scrape()
    with pytest.raises(RuntimeError):
        lightrag_query(project=project, params=QueryParams(query="logo files", mode="global"),
                       provider=BrokenEmbedder(), chat=None)  # fmt: skip
    assert not QueryRun.objects.exists()
    assert increase(before, scrape()) == {
        "app_rag_queries_total": {labels(mode="global"): 1},
        "app_rag_queries_degraded_total": {labels(mode="global"): 1},
        "app_rag_query_problems_total": {labels(mode="global", reason="error"): 1},
    }


def test_labels_come_from_the_fixed_sets_only(caplog):
    before = scrape()
    query_outcome_record(mode="<script>", reasons=[])
    query_outcome_record(mode="mix", reasons=["llm_uncited", "made up by a caller"])
    grown = increase(before, scrape())
    assert grown == {
        "app_rag_queries_total": {labels(mode="mix"): 1},
        "app_rag_query_problems_total": {labels(mode="mix", reason="llm_uncited"): 1},
    }
    assert "<script>" not in Client().get("/metrics").content.decode()
    assert "not counted" in caplog.text
