"""The request body limit on the ASGI path, enforced while the body streams in.

Django's ASGI handler reads the whole body into a spooled temporary file (on disk past
FILE_UPLOAD_MAX_MEMORY_SIZE) before any middleware runs, so a limit checked in a Django middleware comes too
late for a chunked upload or a client that lies about nothing but sends forever. This wrapper sits in front of
Django: it refuses a declared `Content-Length` over MAX_REQUEST_BODY_BYTES without reading a byte, and stops a
streamed body at the first chunk that would cross the limit. In both cases Django gets an empty body and a
flag in the scope, so the refusal itself (413 with the error envelope, the request id, the security headers,
the observers that count refused webhook deliveries) stays in one place: `core.middleware.BodySizeLimitMiddleware`.
"""

from django.conf import settings

BODY_REFUSED = "workforce.body_refused"
_END_OF_BODY = {"type": "http.request", "body": b"", "more_body": False}


def declared_length(scope) -> int | None:
    """The `Content-Length` the client declared, or None (absent or not a number: Django answers the latter)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimitASGIMiddleware:
    """Wraps the Django ASGI application; see the module docstring."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.MAX_REQUEST_BODY_BYTES
        length = declared_length(scope)
        if length is not None and length > limit:
            scope[BODY_REFUSED] = True
            return await self.app(scope, _refused_receive(receive), send)
        return await self.app(scope, _counting_receive(scope, receive, limit), send)


def _refused_receive(receive):
    """Give Django an empty body at once, then pass on only what it waits for after the body: a disconnect."""
    body_given = False

    async def receive_refused():
        nonlocal body_given
        if not body_given:
            body_given = True
            return dict(_END_OF_BODY)
        while True:  # drop the rest of the refused body in memory, never on disk
            message = await receive()
            if message["type"] != "http.request":
                return message

    return receive_refused


def _counting_receive(scope, receive, limit: int):
    """Pass body chunks through while their total stays within `limit`; past it, refuse (see module docstring)."""
    received = 0
    refused_receive = None

    async def receive_counted():
        nonlocal received, refused_receive
        if refused_receive is not None:
            return await refused_receive()
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                scope[BODY_REFUSED] = True
                refused_receive = _refused_receive(receive)
                return await refused_receive()
        return message

    return receive_counted
