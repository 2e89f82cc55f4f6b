"""Two projects hold near-identical text; nothing of one reaches the other at any stage.

Both are bound to sandbox tenants with the same seed (same conversations, issues, deals, same source ids);
in the other project's tenant every message was then edited, so its chunks say "(edited)" where ours do not.
"""

import pytest

from core.models import Membership, Role
from rag.models import Chunk, QueryRun
from rag.providers import embedding_provider
from rag.services.evidence import Ranked, evidence_build
from rag.services.query import QueryParams, lightrag_query
from rag.services.retrieval import keyword_search, rrf_fuse, vector_search
from rag.tests.conftest import MARK

pytestmark = pytest.mark.django_db


def ids_of(project) -> set[int]:
    return set(Chunk.objects.filter(project=project).values_list("id", flat=True))


def test_vector_search_never_leaves_the_project_even_for_the_other_projects_exact_text(twins):
    ours, theirs = twins
    their_chunk = Chunk.objects.filter(project=theirs, text__contains=MARK).first()
    hits = vector_search(project=ours, vector=list(their_chunk.embedding), limit=50)
    assert hits
    assert {h.id for h in hits} <= ids_of(ours)
    assert their_chunk.id not in {h.id for h in hits}


@pytest.mark.parametrize("plan", ["own rows", "word index and project index", "word index, project row by row"])
def test_keyword_search_never_leaves_the_project(twins, plan, monkeypatch):
    from django.db import connection

    from rag.services import keyword

    ours, _theirs = twins
    if plan != "own rows":  # as in a project too big to filter row by row
        monkeypatch.setattr(keyword, "SCAN_CHUNKS", 0)
    if plan == "word index, project row by row":  # as in a project holding most of the table
        monkeypatch.setattr(keyword, "MOST_SHARE", 0.01)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE rag_chunks")  # the planner's row count, which the share is taken of
    # Words both projects hold: a big project's candidates come from pairs of common words (a word only theirs
    # hold, like "edited", would bring none of ours).
    query = "edited invoice Safari logo" if plan == "own rows" else "invoice Safari logo"
    statements = []
    with connection.execute_wrapper(lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)):
        hits = keyword_search(project=ours, query=query, limit=100)
    assert hits
    assert {h.id for h in hits} <= ids_of(ours)
    assert not Chunk.objects.filter(id__in=[h.id for h in hits], text__contains=MARK).exists()
    row_by_row = any("project_id = %(project)s) IS TRUE" in sql for sql in statements)
    assert row_by_row == (plan == "word index, project row by row")


def test_fusion_and_evidence_only_see_the_projects_chunks(twins):
    ours, theirs = twins
    provider = embedding_provider()
    vector = provider.embed(["edited invoice"])[0]
    fused = rrf_fuse(
        {
            "vector": vector_search(project=ours, vector=vector, limit=50),
            "keyword": keyword_search(project=ours, query="edited invoice", limit=50),
        }
    )
    assert {f.id for f in fused} <= ids_of(ours)
    chunks = {c.id: c for c in Chunk.objects.filter(project=ours, id__in=[f.id for f in fused])}
    evidence = evidence_build(
        ranked=[Ranked(chunks[f.id], f.score, f.ranks) for f in fused], query="edited invoice", source_limit=25
    )
    their_tenant_link = Chunk.objects.filter(project=theirs, source_type="chatwoot_conversation").first().url
    assert evidence
    assert all(MARK not in item["snippet"] for item in evidence)
    assert all(not item["url"].startswith(their_tenant_link.rsplit("/conversations/", 1)[0]) for item in evidence)


def test_the_answer_and_its_prompt_only_carry_the_projects_evidence(twins, fake_openai, settings):
    ours, _theirs = twins
    settings.EMBEDDING_PROVIDER = "offline"  # embeddings stay offline; only the chat model is the fake server
    result = lightrag_query(project=ours, params=QueryParams(query="edited messages about the invoice"))
    assert result["answer_mode"] == "llm"
    prompt = fake_openai.calls("/v1/chat/completions")[0]["body"]["messages"][-1]["content"]
    assert MARK not in prompt
    assert MARK not in result["answer"]
    assert {c["id"] for c in result["chunks"]} <= ids_of(ours)
    assert QueryRun.objects.get(pk=result["query_run_id"]).project == ours


def test_the_api_answers_from_the_active_project_only_and_feedback_stays_there(twins, api, owner, make_user):
    ours, theirs = twins
    stranger = make_user("tess-theirs")
    Membership.objects.create(user=stranger, project=theirs, role=Role.OWNER)
    assert api.login(owner.username).status_code == 200
    assert api.select(ours).status_code == 200
    body = api.post("/api/lightrag/query", {"query": "edited invoice", "topK": 50, "sourceLimit": 25}).json()
    assert MARK not in str(body["evidence"])
    assert MARK not in str(body["chunks"])
    run_id = body["query_run_id"]

    other = type(api)()
    assert other.login(stranger.username).status_code == 200
    assert other.select(theirs).status_code == 200
    response = other.post("/api/lightrag/feedback", {"query_run_id": run_id, "rating": -1})
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    theirs_body = other.post("/api/lightrag/query", {"query": "edited invoice"}).json()
    assert MARK in str(theirs_body["evidence"])
    assert api.post("/api/lightrag/feedback", {"query_run_id": run_id, "rating": 1}).status_code == 201
