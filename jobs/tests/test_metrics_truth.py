"""`/metrics` reports shared truth: counters kept in the database, job gauges, scope violations."""

import re

import django_eventstream.eventstream
import pytest
import redis
from django.db import IntegrityError, connection, transaction
from django.test import Client

from core.events import publish
from jobs.schedules import schedules_ensure
from jobs.supervision import job_failed, job_succeeded

pytestmark = pytest.mark.django_db


def scrape() -> str:
    response = Client().get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


def sample(text: str, name: str, labels: str = "") -> float | None:
    pattern = rf"^{re.escape(name)}{re.escape('{' + labels + '}') if labels else ''} ([0-9.e+-]+)$"
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else None


def _forge_event(project, other_scope):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (id, project_id, account_scope_id, actor_label, action, status, "
            "entity_type, entity_id, request_id, payload, created_at) "
            "VALUES (gen_random_uuid(), %s, %s, '', 'forged', 'ok', '', '', '', '{}', now())",
            [project.id, other_scope.id],
        )


def test_every_refused_cross_scope_write_is_counted(project, other_scope):
    before = sample(scrape(), "app_scope_violation_total")
    for _ in range(2):
        with pytest.raises(IntegrityError), transaction.atomic():
            _forge_event(project, other_scope)
    # Counted although the writes (and the surrounding transactions) rolled back.
    assert sample(scrape(), "app_scope_violation_total") == before + 2


def test_other_integrity_errors_are_not_scope_violations(project):
    before = sample(scrape(), "app_scope_violation_total")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO workforce_project (id, name) VALUES (%s, 'dup')", [project.id])
    assert sample(scrape(), "app_scope_violation_total") == before


def test_event_bus_publishes_and_failures_are_counted_in_the_shared_counter(project, monkeypatch):
    text = scrape()
    published, failures = sample(text, "app_pubsub_publish_total"), sample(text, "app_pubsub_publish_failures_total")
    assert publish(project_id=project.pk, event_type="data_changed", data={"what": "test"})
    # A real Redis client on a port nobody listens on: the publish fails as it would with Redis down.
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    monkeypatch.setattr(django_eventstream.eventstream, "redis_client", dead)
    assert not publish(project_id=project.pk, event_type="data_changed", data={"what": "test"})
    text = scrape()
    assert sample(text, "app_pubsub_publish_total") == published + 1
    assert sample(text, "app_pubsub_publish_failures_total") == failures + 1


def test_job_gauges_follow_supervision_state():
    schedules_ensure()
    job_succeeded("embeddings_run")
    for _ in range(3):
        job_failed("connector_errors_retry", "RuntimeError: boom")
    text = scrape()
    assert sample(text, "app_job_consecutive_failures", 'job_name="connector_errors_retry"') == 3
    assert sample(text, "app_job_consecutive_failures", 'job_name="embeddings_run"') == 0
    assert sample(text, "app_job_last_success_timestamp_seconds", 'job_name="embeddings_run"') > 1.7e9
    assert sample(text, "app_job_last_failure_timestamp_seconds", 'job_name="connector_errors_retry"') > 1.7e9
    assert sample(text, "app_job_suspended", 'job_name="connector_errors_retry"') == 0
    assert sample(text, "app_database_size_bytes") > 0
    assert sample(text, "app_storage_budget_bytes") == 20 * 1024**3
