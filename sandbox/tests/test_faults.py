"""Fault injection: every kind, `skip`/`times`, path and GraphQL-operation matching."""

import email.utils
import time

import pytest
import requests

from sandbox.tests.conftest import Attio, Chatwoot, Linear


def test_status_fault_uses_the_products_error_body_and_times(sandbox, acme, chatwoot):
    sandbox.add_fault(service="chatwoot", path="/inboxes$", kind="status", status=404, times=2)
    assert [chatwoot.get("/inboxes").status_code for _ in range(3)] == [404, 404, 200]
    assert chatwoot.get("/agents").status_code == 200  # other paths are untouched
    sandbox.add_fault(service="chatwoot", path="/inboxes$", kind="status", status=500)
    failed = chatwoot.get("/inboxes")
    assert failed.status_code == 500
    assert "error" in failed.json()


def test_skip_lets_the_first_matching_requests_through(sandbox, acme, chatwoot):
    sandbox.add_fault(service="chatwoot", path="/conversations$", kind="status", status=503, skip=2, times=1)
    statuses = [chatwoot.get("/conversations", status="all", page=n).status_code for n in (1, 2, 3, 4)]
    assert statuses == [200, 200, 503, 200]


def test_gateway_errors_answer_an_html_page(sandbox, attio):
    sandbox.add_fault(service="attio", path="/v2/objects", kind="status", status=502)
    response = attio.get("/v2/objects")
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")


def test_times_minus_one_is_forever_until_cleared(sandbox, linear):
    sandbox.add_fault(service="linear", path="/graphql", kind="status", status=500, times=-1)
    codes = [linear.query("{ viewer { id } }") for _ in range(4)]
    assert {r.status_code for r in codes} == {500}
    assert codes[0].json()["errors"][0]["extensions"]["code"] == "INTERNAL_ERROR"
    assert sandbox.clear_faults(service="linear") == 1
    assert linear.query("{ viewer { id } }").status_code == 200


def test_linear_operation_matches_the_query_text(sandbox, linear):
    sandbox.add_fault(service="linear", path="/graphql", operation="issues", kind="status", status=503, times=1)
    assert linear.query("{ teams { nodes { id } } }").status_code == 200
    assert linear.query("{ issues(first: 1) { nodes { id } } }").status_code == 503
    assert linear.query("{ issues(first: 1) { nodes { id } } }").status_code == 200


def test_chatwoot_rate_limit_is_plain_text_without_retry_after(sandbox, chatwoot):
    sandbox.add_fault(service="chatwoot", kind="rate_limit")
    response = chatwoot.get("/inboxes")
    assert response.status_code == 429
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text.strip() == "Retry later"
    assert "Retry-After" not in response.headers
    sandbox.add_fault(service="chatwoot", kind="rate_limit", retry_after=2)
    assert chatwoot.get("/inboxes").headers["Retry-After"] == "2"


def test_attio_rate_limit_sends_an_http_date(sandbox, attio):
    sandbox.add_fault(service="attio", path="/records/query", kind="rate_limit", retry_after="http-date",
                      retry_after_seconds=3)  # fmt: skip
    response = attio.query("companies")
    assert response.status_code == 429
    assert response.json()["type"] == "rate_limit_error"
    assert response.json()["code"] == "rate_limit_exceeded"
    moment = email.utils.parsedate_to_datetime(response.headers["Retry-After"]).timestamp()
    assert 1 <= moment - time.time() <= 4


@pytest.mark.parametrize("status", [429, 400])
def test_linear_rate_limit_is_ratelimited_with_a_reset_in_ms(sandbox, linear, status):
    sandbox.add_fault(service="linear", kind="rate_limit", status=status, linear_reset_ms=1500)
    response = linear.query("{ viewer { id } }")
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == "RATELIMITED"
    assert response.headers["X-RateLimit-Requests-Remaining"] == "0"
    wait_ms = int(response.headers["X-RateLimit-Requests-Reset"]) - time.time() * 1000
    assert 1000 < wait_ms <= 1600


def test_slow_delays_then_answers_normally(sandbox, chatwoot):
    sandbox.add_fault(service="chatwoot", path="/agents", kind="slow", delay_ms=300)
    started = time.perf_counter()
    response = chatwoot.get("/agents")
    assert response.status_code == 200
    assert isinstance(response.json(), list)
    assert time.perf_counter() - started >= 0.3


def test_malformed_is_200_with_invalid_json(sandbox, attio):
    sandbox.add_fault(service="attio", path="/v2/notes", kind="malformed")
    response = attio.get("/v2/notes")
    assert response.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        response.json()


@pytest.mark.parametrize(
    ("service", "expected"),
    [("chatwoot", "error"), ("linear", "errors"), ("attio", "status_code")],
)
def test_unauthorized_is_each_products_401(sandbox, acme, service, expected):
    sandbox.add_fault(service=service, kind="unauthorized")
    if service == "chatwoot":
        response = Chatwoot(sandbox, acme).get("/inboxes")
    elif service == "linear":
        response = Linear(sandbox, acme).query("{ viewer { id } }")
    else:
        response = Attio(sandbox, acme).get("/v2/self")
    assert response.status_code == 401
    assert expected in response.json()


def test_disconnect_drops_the_connection(sandbox, chatwoot):
    sandbox.add_fault(service="chatwoot", path="/agents", kind="disconnect")
    with pytest.raises(requests.ConnectionError):
        chatwoot.get("/agents")
    assert chatwoot.get("/agents").status_code == 200


def test_faulted_requests_are_logged_with_the_rule(sandbox, chatwoot):
    sandbox.clear_requests()
    rule = sandbox.add_fault(service="chatwoot", path="/inboxes", kind="status", status=503)
    chatwoot.get("/inboxes")
    entry = sandbox.requests("chatwoot")[-1]
    assert (entry["status"], entry["fault"]) == (503, rule)


def test_bad_rules_are_refused(sandbox):
    with pytest.raises(ValueError, match="kind"):
        sandbox.add_fault(service="chatwoot", kind="explode")
    with pytest.raises(ValueError, match="service"):
        sandbox.add_fault(service="jira", kind="slow")
    with pytest.raises(ValueError, match="fields"):
        sandbox.add_fault(service="chatwoot", kind="slow", colour="red")
