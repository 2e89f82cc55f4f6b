"""Failures over real HTTP: 5xx on a page, 429 in every form, 401, 404 mid-sync, backoff and dead letters."""

import datetime as dt

import pytest
from django.utils import timezone

from connectors.models import (
    ConnectorError,
    ConnectorSyncState,
    RawChatwootConversation,
    RawChatwootMessage,
    RawLinearIssue,
)
from connectors.services.errors import backoff_seconds
from connectors.services.queue import configs_due
from connectors.services.retry import errors_retry_due
from connectors.services.sync import connector_sync

pytestmark = pytest.mark.django_db


def sync(project, source, sleep, **kwargs):
    return connector_sync(project=project, source=source, sleep=sleep, **kwargs)


def test_a_5xx_on_page_n_keeps_the_cursor_of_page_n_minus_1_and_records_an_error(
    studio, make_tenant, bind, sleep, sandbox
):
    bind(studio, make_tenant(), sources=["linear"])
    # Page 1 of issues goes through; page 2 fails on every attempt.
    sandbox.add_fault(service="linear", path="/graphql", operation="issues", kind="status", status=503, skip=1, times=3)
    run = sync(studio, "linear", sleep, streams=["issues"])
    sandbox.clear_faults()

    assert run.status == "failed"
    page_one = list(RawLinearIssue.objects.filter(project=studio).values_list("raw__updatedAt", flat=True))
    assert len(page_one) == 100
    cursor = ConnectorSyncState.objects.get(project=studio, source="linear").cursors["issues"]["updated_at"]
    assert cursor == max(page_one)
    error = ConnectorError.objects.get(project=studio, source="linear")
    assert (error.stream, error.status, error.attempt, error.error_kind) == ("issues", "open", 1, "transient")
    assert "503" in error.message
    assert error.next_retry_at - timezone.now() == pytest.approx(dt.timedelta(seconds=30), abs=dt.timedelta(seconds=5))


def test_the_next_run_resumes_from_the_cursor_and_auto_resolves_the_error(studio, make_tenant, bind, sleep, sandbox):
    tenant = make_tenant()
    bind(studio, tenant, sources=["linear"])
    sandbox.add_fault(service="linear", path="/graphql", operation="issues", kind="status", status=500, skip=1, times=3)
    sync(studio, "linear", sleep, streams=["issues"])
    sandbox.clear_faults()

    run = sync(studio, "linear", sleep, streams=["issues"])
    assert run.status == "ok"
    assert RawLinearIssue.objects.filter(project=studio).count() == tenant.dataset.counts()["issues"]
    error = ConnectorError.objects.get(project=studio, source="linear")
    assert error.status == "resolved"
    assert [entry["outcome"] for entry in error.history] == ["failed", "resolved"]


@pytest.mark.parametrize(
    ("service", "fault", "expected"),
    [
        ("chatwoot", {"path": "/inboxes", "retry_after": 2}, 2.0),
        ("attio", {"path": "/records/query", "retry_after": "http-date", "retry_after_seconds": 3}, 3.0),
        ("linear", {"path": "/graphql", "linear_reset_ms": 1500}, 1.5),
    ],
)
def test_429_waits_as_told(studio, make_tenant, bind, sleep, waits, sandbox, service, fault, expected):
    bind(studio, make_tenant(), sources=[service])
    sandbox.add_fault(service=service, kind="rate_limit", times=1, **fault)
    run = sync(studio, service, sleep)
    sandbox.clear_faults()
    assert run.status == "ok", run.error
    retry_waits = [w for w in waits if w >= 0.5]
    assert retry_waits, "the client did not wait before retrying"
    # HTTP dates have one-second resolution; milliseconds are never read as seconds.
    assert retry_waits[0] == pytest.approx(expected, abs=1.05)


def test_chatwoot_plain_429_without_header_backs_off_exponentially(studio, make_tenant, bind, sleep, waits, sandbox):
    bind(studio, make_tenant(), sources=["chatwoot"])
    sandbox.add_fault(service="chatwoot", path="/inboxes", kind="rate_limit", times=2)
    run = sync(studio, "chatwoot", sleep, streams=["inboxes"])
    sandbox.clear_faults()
    assert run.status == "ok"
    assert waits[:2] == [0.5, 1.0]


def test_linear_ratelimited_code_with_http_400_is_a_rate_limit(studio, make_tenant, bind, sleep, waits, sandbox):
    bind(studio, make_tenant(), sources=["linear"])
    sandbox.add_fault(service="linear", path="/graphql", kind="rate_limit", status=400, linear_reset_ms=2000, times=1)
    run = sync(studio, "linear", sleep, streams=["teams"])
    sandbox.clear_faults()
    assert run.status == "ok"
    assert waits[0] == pytest.approx(2.0, abs=1.05)


def test_401_pauses_the_connector_without_retries(studio, make_tenant, bind, sleep, sandbox):
    bind(studio, make_tenant(), sources=["attio"])
    sandbox.clear_requests()
    sandbox.add_fault(service="attio", path="/v2/", kind="unauthorized", times=-1)
    run = sync(studio, "attio", sleep)
    sandbox.clear_faults()

    assert run.status == "paused"
    state = ConnectorSyncState.objects.get(project=studio, source="attio")
    assert state.status == "paused"
    assert "misconfigured" in state.paused_reason
    assert len(sandbox.requests("attio")) == 1  # no retry storm
    error = ConnectorError.objects.get(project=studio, source="attio")
    assert error.error_kind == "auth"
    assert error.next_retry_at is None
    assert errors_retry_due(project=studio, sleep=sleep)["due"] == 0
    assert studio.pk not in {config.project_id for config in configs_due()}


def test_fixing_credentials_unpauses(studio, make_tenant, bind, sleep, sandbox):
    tenant = make_tenant()
    bind(studio, tenant, sources=["attio"])
    sandbox.add_fault(service="attio", path="/v2/", kind="unauthorized", times=-1)
    sync(studio, "attio", sleep)
    sandbox.clear_faults()
    bind(studio, tenant, sources=["attio"])  # an operator saves the config again
    assert ConnectorSyncState.objects.get(project=studio, source="attio").status == "idle"
    assert sync(studio, "attio", sleep).status == "ok"


def test_a_conversation_deleted_mid_sync_is_skipped_logged_and_gone_after_a_second_404(
    studio, make_tenant, bind, sleep, sandbox, caplog, confirm_at_once
):
    tenant = make_tenant()
    bind(studio, tenant, sources=["chatwoot"])
    sync(studio, "chatwoot", sleep, streams=["inboxes", "conversations"])
    victim = sandbox.mutate(tenant=tenant.name, action="delete_conversation", count=1)["conversations"][0]
    conversation = RawChatwootConversation.objects.filter(project=studio, external_id=str(victim))

    run = sync(studio, "chatwoot", sleep, streams=["messages"])
    assert run.status == "ok"
    assert run.counts["messages"]["skipped"] == 1
    assert any("vanished" in record.message for record in caplog.records)
    assert conversation.get().deleted_at is None  # one 404 is a strike, not a deletion

    run = sync(studio, "chatwoot", sleep, streams=["messages"])
    assert run.counts["messages"]["deleted"] == 1
    assert (conversation.get().deleted_at is not None, conversation.get().deleted_reason) == (True, "deleted")
    assert not RawChatwootMessage.objects.filter(project=studio, conversation_external_id=str(victim)).exists()


def test_backoff_schedule_doubles_from_30s_and_is_capped_at_6h():
    assert [backoff_seconds(n) for n in range(1, 6)] == [30, 60, 120, 240, 480]
    assert backoff_seconds(20) == 6 * 3600


def _failing_conversation(studio, tenant, sandbox, sleep):
    conversation = tenant.dataset.longest_conversation()[0]
    sandbox.add_fault(
        service="chatwoot",
        path=f"/conversations/{conversation}/messages",
        kind="status",
        status=502,
        times=-1,
    )
    run = sync(studio, "chatwoot", sleep)
    assert run.status == "partial"
    return ConnectorError.objects.get(project=studio, source="chatwoot")


def test_attempt_5_becomes_a_dead_letter(studio, make_tenant, bind, sleep, sandbox):
    tenant = make_tenant()
    bind(studio, tenant, sources=["chatwoot"])
    error = _failing_conversation(studio, tenant, sandbox, sleep)
    expected_waits = [60, 120, 240]
    for attempt, wait in zip(range(2, 5), expected_waits, strict=True):
        ConnectorError.objects.filter(pk=error.pk).update(next_retry_at=timezone.now())
        assert errors_retry_due(project=studio, sleep=sleep)["failed"] == 1
        error.refresh_from_db()
        assert (error.attempt, error.status) == (attempt, "open")
        assert (error.next_retry_at - timezone.now()).total_seconds() == pytest.approx(wait, abs=5)
    ConnectorError.objects.filter(pk=error.pk).update(next_retry_at=timezone.now())
    errors_retry_due(project=studio, sleep=sleep)
    error.refresh_from_db()
    sandbox.clear_faults()
    assert (error.attempt, error.status, error.next_retry_at) == (5, "dead_letter", None)
    assert ConnectorError.objects.filter(project=studio).count() == 1  # one row per unit, history inside
    assert len(error.history) == 5


def test_dead_letter_retry_reruns_the_unit_and_resolves_the_same_row(studio, make_tenant, bind, sleep, sandbox):
    tenant = make_tenant()
    bind(studio, tenant, sources=["chatwoot"])
    error = _failing_conversation(studio, tenant, sandbox, sleep)
    ConnectorError.objects.filter(pk=error.pk).update(status="dead_letter", attempt=5, next_retry_at=None)
    sandbox.clear_faults()

    from connectors.services.retry import error_retry

    assert error_retry(error=error, sleep=sleep) == "resolved"
    error.refresh_from_db()
    assert error.status == "resolved"
    conversation = error.unit["item"]
    stored = RawChatwootMessage.objects.filter(project=studio, conversation_external_id=conversation).count()
    assert stored == len(tenant.dataset.message_ids(int(conversation)))


def test_dead_letter_retry_that_fails_again_stays_dead_and_records_the_attempt(
    studio, make_tenant, bind, sleep, sandbox
):
    tenant = make_tenant()
    bind(studio, tenant, sources=["chatwoot"])
    error = _failing_conversation(studio, tenant, sandbox, sleep)
    ConnectorError.objects.filter(pk=error.pk).update(status="dead_letter", attempt=5, next_retry_at=None)

    from connectors.services.retry import error_retry

    assert error_retry(error=error, sleep=sleep) == "failed"
    sandbox.clear_faults()
    error.refresh_from_db()
    assert (error.status, error.attempt) == ("dead_letter", 6)
