"""The stream's parts in-process: refusals before django-eventstream, the channel manager, the gauges,
the `connected`/heartbeat wrapper and the Redis subscription that survives an outage."""

import asyncio
import json
import shutil

import pytest
import redis
from django.db import connection, transaction
from django_eventstream.views import Listener
from prometheus_client import REGISTRY

from core.events import project_channel
from core.models import Membership
from ops_dashboard import streams
from ops_dashboard.channels import API_KEY_PROJECT_ATTR, ProjectChannelManager, ProjectListenerManager
from tests.support.harness import start_redis, stop_redis
from workforce import embedded

STREAM = "/api/events/stream"


def gauge(name: str) -> float:
    return REGISTRY.get_sample_value(name)


# ------------------------------------------------------------------ refusals before the library


@pytest.mark.django_db
def test_stream_refusals_are_json_errors_not_200_stream_errors(api, owner, project, make_project):
    response = api.get(STREAM)
    assert (response.status_code, response.json()["error"]) == (401, "not_authenticated")

    make_project("Second", members={owner: "owner"})  # two projects: login selects none
    assert api.login(owner.username).status_code == 200
    response = api.get(STREAM)
    assert (response.status_code, response.json()["error"]) == (409, "active_project_required")

    assert api.select(project).status_code == 200
    Membership.objects.filter(user=owner, project=project).delete()
    response = api.get(STREAM)
    assert (response.status_code, response.json()["error"]) == (403, "forbidden")


@pytest.mark.django_db
def test_stream_says_unavailable_in_single_machine_mode_so_the_page_polls(owner_api, settings):
    del settings.EVENTSTREAM_REDIS
    response = owner_api.get(STREAM)
    assert (response.status_code, response.json()["error"]) == (503, "unavailable")
    assert "polls" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server to stop one")
def test_stream_says_unavailable_while_redis_is_down(owner_api, settings, tmp_path):
    url, pid = start_redis(tmp_path / "redis")
    stop_redis(pid)
    settings.REDIS_URL = url
    response = owner_api.get(STREAM)
    assert (response.status_code, response.json()["error"]) == (503, "unavailable")


@pytest.mark.django_db
def test_a_bad_api_key_is_401(api):
    response = api.get(STREAM, HTTP_AUTHORIZATION="Bearer wf_nope_nothing")
    assert (response.status_code, response.json()["error"]) == (401, "not_authenticated")


# ------------------------------------------------------------------ channel manager (second line)


@pytest.mark.django_db
def test_channel_manager_lets_members_read_their_project_channel_only(owner, project, other_project):
    manager = ProjectChannelManager()
    assert manager.can_read_channel(owner, project_channel(project.id))
    assert not manager.can_read_channel(owner, project_channel(other_project.id))
    assert not manager.can_read_channel(None, project_channel(project.id))
    assert not manager.can_read_channel(owner, "project-not-a-uuid")
    assert not manager.can_read_channel(owner, "global")


@pytest.mark.django_db
def test_channel_manager_honours_an_api_keys_project(make_user, project):
    key_holder = make_user("kai-key")  # no membership: the key itself grants its project
    setattr(key_holder, API_KEY_PROJECT_ATTR, project.id)
    assert ProjectChannelManager().can_read_channel(key_holder, project_channel(project.id))


@pytest.mark.django_db(transaction=True)
def test_channel_manager_gives_its_connection_back_after_checking(owner, project):
    # Asked from a stream's own thread (open, and after an overflow): the connection must not stay there.
    assert ProjectChannelManager().can_read_channel(owner, project_channel(project.id))
    assert connection.connection is None


@pytest.mark.django_db
def test_channel_manager_leaves_a_transactions_connection_alone(owner, project):
    with transaction.atomic():
        assert ProjectChannelManager().can_read_channel(owner, project_channel(project.id))
        assert connection.connection is not None


def test_channel_manager_ignores_channels_asked_for_in_the_query_string(rf):
    request = rf.get(STREAM, {"channel": "project-anything"})
    channels = ProjectChannelManager().get_channels_for_request(request, {"channels": ["project-x"]})
    assert channels == {"project-x"}


# ------------------------------------------------------------------ gauges and the wrapper


def test_gauges_count_streams_and_distinct_projects():
    tracker = streams.StreamGauges()
    tracker.opened("a")
    tracker.opened("a")
    tracker.opened("b")
    assert (gauge("app_sse_connections_total"), gauge("app_sse_projects_subscribed")) == (3, 2)
    tracker.closed("a")
    tracker.closed("b")
    assert (gauge("app_sse_connections_total"), gauge("app_sse_projects_subscribed")) == (1, 1)
    tracker.closed("a")
    assert (gauge("app_sse_connections_total"), gauge("app_sse_projects_subscribed")) == (0, 0)


async def _library_stream(chunks: list, closed: list, pause: float = 0):
    """Stands in for django-eventstream's generator: a few chunks, then idle until closed."""
    try:
        for chunk in chunks:
            yield chunk
        await asyncio.sleep(pause or 3600)
    finally:
        closed.append(True)


async def _read(wrapper, count: int) -> list[bytes]:
    return [await anext(wrapper) for _ in range(count)]


def test_wrapper_sends_connected_after_the_library_opens_then_heartbeats_and_closes_cleanly():
    closed: list = []
    first = b":" + b" " * 2048 + b"\n\nevent: stream-open\ndata:\n\n"
    event = b"event: job_completed\ndata: {}\n\n"

    async def scenario():
        wrapper = streams.project_stream(
            _library_stream([first, event], closed), project_id="p1", heartbeat_seconds=0.05
        )
        chunks = await _read(wrapper, 4)
        assert gauge("app_sse_connections_total") == 1
        await wrapper.aclose()  # the client went away
        return chunks

    chunks = asyncio.run(scenario())
    assert chunks[0] == first
    assert chunks[1].startswith(b"event: connected\n")
    assert json.loads(chunks[1].split(b"data: ")[1]) == {"project_id": "p1", "heartbeat_seconds": 0.05}
    assert chunks[2:] == [event, streams.HEARTBEAT]
    assert closed == [True]
    assert gauge("app_sse_connections_total") == 0


def test_wrapper_sends_no_connected_after_a_stream_error():
    refusal = b'event: stream-error\nid: error\ndata: {"condition": "forbidden"}\n\n'

    async def scenario():
        library = _library_stream([refusal], [], pause=0.01)
        wrapper = streams.project_stream(library, project_id="p", heartbeat_seconds=5)
        return [chunk async for chunk in wrapper]

    assert asyncio.run(scenario()) == [refusal]
    assert gauge("app_sse_connections_total") == 0


# ------------------------------------------------------------------ the Redis subscription


def _listening(manager: ProjectListenerManager, channel: str) -> Listener:
    listener = Listener()
    listener.assign_loop()
    listener.channels = {channel}
    manager.add_listener(listener)
    return listener


async def _until(predicate, timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


def test_ending_all_streams_sends_each_an_unavailable_error(settings):
    del settings.EVENTSTREAM_REDIS  # no bus: only the local registry

    async def scenario():
        manager = ProjectListenerManager()
        listeners = [_listening(manager, "project-a"), _listening(manager, "project-b")]
        manager.end_all_streams("down")
        await asyncio.sleep(0)
        return listeners

    for listener in asyncio.run(scenario()):
        assert listener.error["condition"] == "unavailable"
        assert listener.aevent.is_set()


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server to stop and restart one")
def test_subscription_survives_a_redis_restart_and_ends_streams_while_down(settings, tmp_path):
    directory = tmp_path / "redis"
    url, pid = start_redis(directory)
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    settings.EVENTSTREAM_REDIS = {"host": "127.0.0.1", "port": port, "db": 0}
    message = json.dumps({"channel": "project-a", "event_type": "data_changed", "data": "{}", "pub_id": None})

    async def scenario():
        manager = ProjectListenerManager()
        before = _listening(manager, "project-a")
        await _until(lambda: manager.bus_ready)
        redis.Redis(port=port).publish("events_channel", message)
        await _until(lambda: before.channel_items)

        stop_redis(pid)
        await _until(lambda: before.error)
        assert before.error["condition"] == "unavailable"
        assert not manager.bus_ready
        manager.remove_listener(before)

        embedded.redis_start_private(directory=directory, port=port)
        after = _listening(manager, "project-a")
        await _until(lambda: manager.bus_ready)
        redis.Redis(port=port).publish("events_channel", message)
        await _until(lambda: after.channel_items)
        manager.bus_task.cancel()
        return after.channel_items["project-a"][0]

    try:
        event = asyncio.run(scenario())
    finally:
        embedded.redis_stop_private(directory=directory)
    assert (event.channel, event.type) == ("project-a", "data_changed")
