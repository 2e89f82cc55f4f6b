"""End to end over real HTTP: a dead-letter retry asked of the running server is answered 202 at once, a real
Celery worker runs it, and the project's live stream carries its end (`job_completed` with the outcome) — what
the Connectors page follows."""

import json
import time
import urllib.request

import pytest

from connectors.models import ConnectorError
from connectors.services.sync import connector_sync
from jobs.models import JobRun
from tests.support.live import SseStream, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def post(url: str, key: str) -> tuple[int, dict]:
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=b"{}", method="POST", headers=headers)  # noqa: S310 - local server
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the local test server
        return response.status, json.loads(response.read())


def test_a_dead_letter_retry_is_queued_run_by_the_worker_and_its_end_announced(
    project, owner, make_tenant, bind, sandbox, sleep, make_api_key, asgi_server, celery_worker
):
    bind(project, make_tenant(), sources=["linear"])
    sandbox.add_fault(service="linear", path="/graphql", operation="cycles", kind="status", status=500, times=3)
    connector_sync(project=project, source="linear", streams=["cycles"], sleep=sleep)
    sandbox.clear_faults()
    error = ConnectorError.objects.get(project=project)
    ConnectorError.objects.filter(pk=error.pk).update(status="dead_letter", attempt=5, next_retry_at=None)
    key = make_api_key(project, scope="write")

    with SseStream(asgi_server.url, cookies=session_cookie(owner, project)) as stream:
        stream.wait_for("connected")
        started = time.monotonic()
        status, body = post(f"{asgi_server.url}/api/connectors/errors/dead-letter/{error.id}/retry", key)
        answered = time.monotonic() - started
        assert status == 202
        [entry] = body["runs"]
        assert (entry["connector"], entry["status"]) == ("linear", "queued")
        deadline = time.monotonic() + 30
        while True:
            event = stream.wait_for("job_completed", timeout=max(0.1, deadline - time.monotonic()))
            if event["run_id"] == entry["run_id"]:
                break

    assert answered < 5  # the request only queued the work
    assert event["job"] == "connector_error_retry"
    assert event["status"] == "succeeded"
    assert (event["counts"]["outcome"], event["counts"]["error_id"]) == ("resolved", str(error.id))
    run = JobRun.objects.get(pk=entry["run_id"])
    assert run.task_name == "connectors.tasks.connector_error_retry_task"
    assert run.task_id  # a worker took it
    error.refresh_from_db()
    assert error.status == "resolved"
