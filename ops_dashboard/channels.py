"""SSE channel authorisation and a Redis subscription that survives outages (django-eventstream hooks)."""

import asyncio
import contextlib
import json
import logging
import uuid

from django.conf import settings
from django.db import connection
from django_eventstream.channelmanager import ChannelManagerBase
from django_eventstream.event import Event
from django_eventstream.views import ListenerManager

from core import selectors
from core.selectors import project_get

log = logging.getLogger("ops_dashboard.channels")

CHANNEL_PREFIX = "project-"
# django-eventstream's own pub/sub channel name: publishers (`send_event`) write to it.
BUS_CHANNEL = "events_channel"
BUS_RETRY_SECONDS = 1.0
# Set on a user object by the stream view when the caller used an API key (keys imply their project).
API_KEY_PROJECT_ATTR = "stream_api_key_project_id"


def project_id_from_channel(channel: str) -> uuid.UUID | None:
    """The project id in a `project-<uuid>` channel name, or None for any other name."""
    if not channel.startswith(CHANNEL_PREFIX):
        return None
    try:
        return uuid.UUID(channel[len(CHANNEL_PREFIX) :])
    except ValueError:
        return None


class ProjectChannelManager(ChannelManagerBase):
    """EVENTSTREAM_CHANNELMANAGER_CLASS: one project channel per stream, readable by its members.

    The stream view already refused outsiders with 401/403/409; this is the second line, asked by
    django-eventstream when a stream opens (and when `channel_permission_changed` is called).
    """

    def get_channels_for_request(self, request, view_kwargs):
        # Only the channel the view chose: never channel names from the query string.
        return set(view_kwargs.get("channels", ()))

    def can_read_channel(self, user, channel):
        project_id = project_id_from_channel(channel)
        if user is None or project_id is None:
            return False
        if getattr(user, API_KEY_PROJECT_ATTR, None) == project_id:
            return True
        try:
            project = project_get(project_id)
            return project is not None and selectors.project_role(user, project) is not None
        finally:
            _release_connection()

    def is_channel_reliable(self, channel):
        # No event storage: a page that reconnects refetches its partials instead of replaying.
        return False


def _release_connection() -> None:
    """Give this thread's DB connection back to the pool, unless a transaction is using it.

    The library asks `can_read_channel` from a stream's own thread, when the stream opens and again after
    an overflow; a stream lives for hours, so the connection must not stay with that thread. Releasing it
    here, where the query ran, spares the stream a thread hop per event just in case (at 1,000 streams
    those hops cost ~0.5 s per event). Outside a transaction this is safe anywhere: Django reconnects
    (from the pool) on the next query.
    """
    if not connection.in_atomic_block:
        connection.close()


class ProjectListenerManager(ListenerManager):
    """django-eventstream's registry of open streams, with a Redis subscription that survives outages.

    The library subscribes once and, when Redis drops, its listener task dies silently: streams stay
    open but never deliver again. Here the subscription is retried forever, and each time it is lost
    every local stream is ended with a `stream-error` (condition `unavailable`), so pages fall back to
    polling instead of trusting a stream that carries nothing.
    """

    def __init__(self):
        super().__init__()
        self.bus_ready = False
        self.bus_task: asyncio.Task | None = None

    async def start_redis_listener(self):
        # The library creates this task without keeping it; asyncio holds tasks weakly, so keep it here
        # or the garbage collector may destroy the subscription mid-flight.
        self.bus_task = asyncio.current_task()
        while True:
            await self._listen_until_lost()
            self.end_all_streams("Live events are unavailable (Redis); the page polls until they return.")
            await asyncio.sleep(BUS_RETRY_SECONDS)

    async def _listen_until_lost(self) -> None:
        """Subscribe to the event bus and hand every message to local listeners until Redis fails."""
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
        from redis.exceptions import RedisError

        # No client-side retries: the loop above retries, and an outage must be noticed at once.
        client = Redis(**settings.EVENTSTREAM_REDIS, retry=Retry(NoBackoff(), 0), socket_keepalive=True)
        try:
            pubsub = client.pubsub()
            await pubsub.subscribe(BUS_CHANNEL)
            self.bus_ready = True
            log.info("live-event bus (Redis) subscribed")
            async for message in pubsub.listen():
                if message["type"] == "message":
                    self._deliver(message["data"])
        except (RedisError, OSError) as exc:
            # Once per outage at warning level; the retries every second after it are debug noise.
            level = logging.WARNING if self.bus_ready else logging.DEBUG
            log.log(level, "live-event bus (Redis) unavailable: %s; retrying", exc.__class__.__name__)
        finally:
            self.bus_ready = False
            with contextlib.suppress(Exception):
                await client.aclose()

    def _deliver(self, raw: bytes) -> None:
        try:
            payload = json.loads(raw)
            event = Event(payload["channel"], payload["event_type"], payload["data"], id=payload["pub_id"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a malformed live event")
            return
        self.add_to_queues(event.channel, event)

    def end_all_streams(self, text: str) -> None:
        """Make every open stream of this process send `stream-error` and close."""
        with self.lock:
            listeners = {listener for group in self.listeners_by_channel.values() for listener in group}
            for listener in listeners:
                listener.error = {"condition": "unavailable", "text": text, "extra": {}}
        for listener in listeners:
            listener.wake_threadsafe()


def listener_manager_install() -> ProjectListenerManager:
    """Replace django-eventstream's module-level listener manager with ours (once per process)."""
    from django_eventstream import views

    if not isinstance(views.listener_manager, ProjectListenerManager):
        views.listener_manager = ProjectListenerManager()
    return views.listener_manager
