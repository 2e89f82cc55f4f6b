"""`/api/events/stream` over real HTTP on the ASGI server: who may open it, what it sends, and what
`/metrics` reports while streams are open."""

import time
from contextlib import ExitStack

import pytest
import requests
from django.conf import global_settings

from conftest import PASSWORD
from core.models import Membership, Role
from tests.support.live import SseStream, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

WORKER_PUBLISH = """
from core.events import publish
assert publish(project_id={project_id!r}, event_type="job_completed", data={{"job": {job!r}}})
"""


def api_login(server, username: str) -> requests.Session:
    """Log in through the JSON API like the login page does; the session then carries the cookies."""
    http = requests.Session()
    token = http.get(f"{server.url}/api/auth/me", timeout=5).json()["csrf_token"]
    response = http.post(
        f"{server.url}/api/auth/login",
        json={"username": username, "password": PASSWORD},
        headers={"X-CSRF-Token": token},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    http.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return http


def stream_status(server, http: requests.Session) -> tuple[int, dict | None]:
    with http.get(f"{server.url}/api/events/stream", stream=True, timeout=5) as response:
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        return response.status_code, response.json() if is_json else None


def gauges(server) -> tuple[float, float]:
    samples = server.metrics()
    return samples["app_sse_connections_total"], samples["app_sse_projects_subscribed"]


def wait_for_gauges(server, expected: tuple[float, float], timeout: float = 5) -> None:
    """Closing a stream is noticed by the server a moment after the client lets go."""
    deadline = time.monotonic() + timeout
    while gauges(server) != expected:
        assert time.monotonic() < deadline, f"gauges {gauges(server)} never became {expected}"
        time.sleep(0.1)


@pytest.fixture
def member_of_two(make_user, make_project):
    user = make_user("maya-member")
    alpha = make_project("Alpha", members={user: Role.PM})
    beta = make_project("Beta", members={user: Role.VIEWER})
    return user, alpha, beta


def test_anonymous_caller_gets_401_json_not_a_stream(asgi_server):
    response = requests.get(f"{asgi_server.url}/api/events/stream", timeout=5)
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "not_authenticated"
    assert body["request_id"] == response.headers["X-Request-ID"]


def test_real_session_gets_409_without_project_and_403_once_membership_is_revoked(
    asgi_server, settings, make_user, make_project
):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the server checks with the defaults
    user = make_user("rita-revoked")
    alpha = make_project("Alpha", members={user: Role.PM})
    make_project("Beta", members={user: Role.PM})
    http = api_login(asgi_server, user.username)

    status, body = stream_status(asgi_server, http)
    assert (status, body["error"]) == (409, "active_project_required")

    assert http.post(f"{asgi_server.url}/api/projects/{alpha.id}/select", timeout=5).status_code == 200
    assert stream_status(asgi_server, http) == (200, None)

    Membership.objects.filter(user=user, project=alpha).delete()
    status, body = stream_status(asgi_server, http)
    assert (status, body["error"]) == (403, "forbidden")


def test_member_stream_sends_connected_heartbeats_and_only_its_projects_events(asgi_server, member_of_two):
    user, alpha, beta = member_of_two
    with SseStream(asgi_server.url, cookies=session_cookie(user, alpha)) as stream:
        assert stream.status == 200
        assert stream.response.getheader("Content-Type").startswith("text/event-stream")
        assert stream.wait_for("connected")["project_id"] == str(alpha.id)
        assert stream.wait_for("keep-alive", timeout=5) == ""  # SSE_HEARTBEAT_SECONDS=2 on this server

        for project, job in ((beta, "beta_sync"), (alpha, "alpha_sync")):
            asgi_server.worker_run(WORKER_PUBLISH.format(project_id=str(project.id), job=job))
        assert stream.wait_for("job_completed", timeout=5) == {"job": "alpha_sync"}


def test_api_key_streams_its_own_project_and_a_bad_key_gets_401(asgi_server, project, make_api_key):
    raw = make_api_key(project)
    with SseStream(asgi_server.url, headers={"Authorization": f"Bearer {raw}"}) as stream:
        assert stream.status == 200
        assert stream.wait_for("connected")["project_id"] == str(project.id)
    with SseStream(asgi_server.url, headers={"X-API-Key": raw + "x"}) as refused:
        assert refused.status == 401


def test_metrics_count_open_streams_and_subscribed_projects(asgi_server, member_of_two):
    user, alpha, beta = member_of_two
    wait_for_gauges(asgi_server, (0, 0))  # earlier tests' streams are gone
    cookies = {alpha: session_cookie(user, alpha), beta: session_cookie(user, beta)}
    with ExitStack() as stack:
        streams = [stack.enter_context(SseStream(asgi_server.url, cookies=cookies[p])) for p in (alpha, alpha, beta)]
        for stream in streams:
            stream.wait_for("connected")
        assert gauges(asgi_server) == (3, 2)

        streams[0].close()
        wait_for_gauges(asgi_server, (2, 2))
        streams[2].close()
        wait_for_gauges(asgi_server, (1, 1))
    wait_for_gauges(asgi_server, (0, 0))


def test_open_streams_do_not_hold_database_connections(asgi_server, member_of_two):
    user, alpha, _ = member_of_two
    cookies = session_cookie(user, alpha)
    opened = 25  # more than the server's pool (DB_POOL_MAX_SIZE=20): pinned connections would starve it
    with ExitStack() as stack:
        for _ in range(opened):
            stack.enter_context(SseStream(asgi_server.url, cookies=cookies)).wait_for("connected", timeout=5)
        started = time.monotonic()
        response = requests.get(f"{asgi_server.url}/partials/overview/runs", cookies=cookies, timeout=5)
        assert response.status_code == 200
        assert time.monotonic() - started < 2
        assert gauges(asgi_server)[0] >= opened
