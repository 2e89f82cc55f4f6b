"""The SSE stream around django-eventstream's: `connected`, heartbeats, DB release and open-stream gauges."""

import asyncio
import contextlib
import json
import threading
from collections import Counter
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.db import connections

from core import metrics

HEARTBEAT = b"event: keep-alive\ndata:\n\n"
_STREAM_OPEN = b"event: stream-open"


class StreamGauges:
    """Open streams per project in this process, mirrored into `app_sse_connections_total` and
    `app_sse_projects_subscribed` (gauges are per process: each web process reports its own)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = Counter()

    def opened(self, project_id) -> None:
        with self._lock:
            self._open[project_id] += 1
            self._publish()

    def closed(self, project_id) -> None:
        with self._lock:
            self._open[project_id] -= 1
            if self._open[project_id] <= 0:
                del self._open[project_id]
            self._publish()

    def _publish(self) -> None:
        metrics.SSE_CONNECTIONS.set(sum(self._open.values()))
        metrics.SSE_PROJECTS.set(len(self._open))


stream_gauges = StreamGauges()


def sse_event(event_type: str, data: dict) -> bytes:
    """One Server-Sent Event with a JSON payload."""
    return f"event: {event_type}\ndata: {json.dumps(data)}\n\n".encode()


async def project_stream(inner: AsyncIterator[bytes], *, project_id, heartbeat_seconds: float) -> AsyncIterator[bytes]:
    """Relay django-eventstream's stream for one project, adding what the dashboard relies on.

    1. Count the stream as open (gauges) until this generator ends, however it ends.
    2. Wait for the library's first chunk: it has run the channel manager's permission check and
       registered the listener, so events published from now on are delivered.
    3. Release the DB connection this request's thread used (session, user, project): an open stream
       must not pin a pooled connection. Later permission re-checks (after an overflow) release their
       own connection (`channels._release_connection`), so relaying an event never touches the DB.
    4. Send `connected` (only when the library opened the stream, not after its `stream-error`).
    5. Relay chunks, sending a heartbeat whenever nothing was sent for `heartbeat_seconds`.
    """
    stream_gauges.opened(project_id)
    pending: asyncio.Future | None = None
    try:
        first = await anext(inner, None)
        await _release_db()
        if first is None:
            return
        yield first
        if _STREAM_OPEN in first:
            yield sse_event("connected", {"project_id": str(project_id), "heartbeat_seconds": heartbeat_seconds})
        while True:
            # The pending read survives heartbeats: cancelling it would end the library's stream.
            pending = pending or asyncio.ensure_future(anext(inner))
            done, _ = await asyncio.wait({pending}, timeout=heartbeat_seconds)
            if not done:
                yield HEARTBEAT
                continue
            finished, pending = pending, None
            try:
                chunk = finished.result()
            except StopAsyncIteration:
                return
            yield chunk
    finally:
        await _close_inner(inner, pending)
        stream_gauges.closed(project_id)


async def _release_db() -> None:
    """Close this request's DB connections (back to the pool).

    The library's permission checks run in this request's thread (thread-sensitive `sync_to_async`),
    so closing that thread's connections is what frees them.
    """
    await sync_to_async(connections.close_all)()


async def _close_inner(inner, pending: asyncio.Future | None) -> None:
    """Stop the library's generator (its `finally` unregisters the listener)."""
    if pending is not None and not pending.done():
        pending.cancel()
        with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
            await pending
    with contextlib.suppress(RuntimeError):
        await inner.aclose()
