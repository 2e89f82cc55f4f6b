"""API rate limits: per scope (read, write, LLM), per caller (key, user) and per client IP, 429 + Retry-After."""

import pytest
from django.core.cache import cache

from conftest import ApiClient
from core.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    """Low rates from a clean slate (the harness raises them for the rest of the suite)."""

    def set_rates(read="1000/min", write="1000/min", llm="1000/min"):
        settings.API_THROTTLE_READ, settings.API_THROTTLE_WRITE, settings.API_THROTTLE_LLM = read, write, llm
        cache.clear()

    return set_rates


def assert_throttled(response):
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["error"] == "throttled"
    assert "request_id" in body
    assert 1 <= int(response["Retry-After"]) <= 60


def test_reads_per_user_are_limited_and_another_user_is_not(owner_api, project, make_user, rates):
    colleague = make_user("cora-colleague")
    project.memberships.create(user=colleague, role=Role.VIEWER)
    other = ApiClient()
    assert other.login(colleague.username).status_code == 200
    rates(read="2/min")

    assert [owner_api.get("/api/projects").status_code for _ in range(2)] == [200, 200]
    assert_throttled(owner_api.get("/api/projects"))
    assert other.get("/api/projects").status_code == 200  # same IP, another user: unaffected


def test_writes_have_their_own_lower_limit(owner_api, project, rates):
    rates(read="5/min", write="1/min")
    assert owner_api.select(project).status_code == 200
    assert_throttled(owner_api.select(project))
    assert owner_api.get("/api/projects").status_code == 200  # reads are counted apart


def test_each_api_key_is_its_own_caller(owner_api, project, make_api_key, rates):
    first, second = make_api_key(project), make_api_key(project)
    rates(read="1/min")
    assert owner_api.get("/api/connectors/state", HTTP_X_API_KEY=first).status_code == 200
    assert_throttled(owner_api.client.get("/api/connectors/state", HTTP_X_API_KEY=first))
    assert owner_api.client.get("/api/connectors/state", HTTP_X_API_KEY=second).status_code == 200
    assert owner_api.get("/api/projects").status_code == 200  # the key's creator, by session


def test_anonymous_callers_are_limited_per_client_ip(api, rates):
    rates(read="2/min")
    for _ in range(2):
        assert api.client.get("/api/auth/me", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert_throttled(api.client.get("/api/auth/me", REMOTE_ADDR="10.0.0.1"))
    assert api.client.get("/api/auth/me", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_guessing_api_keys_is_throttled_per_client_ip(api, rates):
    rates(read="2/min")
    guesses = [api.client.get("/api/projects", HTTP_X_API_KEY=f"wf_guess{n}_x", REMOTE_ADDR="10.0.0.3") for n in (1, 2)]
    assert [response.status_code for response in guesses] == [401, 401]
    assert_throttled(api.client.get("/api/projects", HTTP_X_API_KEY="wf_guess3_x", REMOTE_ADDR="10.0.0.3"))


def test_queries_answered_by_a_chat_model_have_the_llm_limit(owner_api, fake_openai, rates):
    rates(read="100/min", llm="1/min")
    assert owner_api.post("/api/lightrag/query", {"query": "what did the client ask?"}).status_code == 200
    assert_throttled(owner_api.post("/api/search", {"query": "and then?"}))
    assert owner_api.get("/api/lightrag/status").status_code == 200


def test_queries_answered_without_a_chat_model_count_as_reads(owner_api, offline, rates):
    rates(read="3/min", write="1/min", llm="1/min")
    statuses = [owner_api.post("/api/lightrag/query", {"query": f"question {n}"}).status_code for n in range(3)]
    assert statuses == [200, 200, 200]
    assert_throttled(owner_api.post("/api/lightrag/query", {"query": "one more"}))


def test_the_webhook_receiver_keeps_its_own_limit(api, rates):
    rates(read="1/min", write="1/min")
    answers = [api.post("/api/webhooks/linear/not-a-token", {}, csrf=False).status_code for _ in range(3)]
    assert 429 not in answers


def test_a_spoofed_forwarded_for_does_not_change_the_key_without_a_trusted_proxy(api, rates, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    rates(read="2/min")
    for spoofed in ("1.1.1.1", "2.2.2.2"):
        assert api.client.get("/api/auth/me", HTTP_X_FORWARDED_FOR=spoofed).status_code == 200
    assert_throttled(api.client.get("/api/auth/me", HTTP_X_FORWARDED_FOR="3.3.3.3"))


def test_behind_one_trusted_proxy_the_forwarded_client_is_the_key(api, rates, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    rates(read="1/min")
    # What the client wrote (left) is ignored; the address the proxy appended (right) is the client.
    assert api.client.get("/api/auth/me", HTTP_X_FORWARDED_FOR="9.9.9.9, 1.1.1.1").status_code == 200
    assert_throttled(api.client.get("/api/auth/me", HTTP_X_FORWARDED_FOR="8.8.8.8, 1.1.1.1"))
    assert api.client.get("/api/auth/me", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 200
