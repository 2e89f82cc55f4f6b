"""Request id propagation, request body size limit and the security headers of every response."""

import re
import uuid

from django.conf import settings

from core.api.errors import error_response
from core.body_limit import BODY_REFUSED
from core.request_context import current_request_id

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_for(request) -> str:
    """The client's id when it is safe to echo, else a new one."""
    supplied = request.META.get("HTTP_X_REQUEST_ID", "")
    return supplied if _SAFE_REQUEST_ID.match(supplied) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Give every request an id, put it in logs and on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


# Called with each request refused as too large (an app counts its own refusals, e.g. webhook deliveries).
OVERSIZE_OBSERVERS: list = []


def oversize_observer_register(observer) -> None:
    if observer not in OVERSIZE_OBSERVERS:
        OVERSIZE_OBSERVERS.append(observer)


class BodySizeLimitMiddleware:
    """Refuse bodies over MAX_REQUEST_BODY_BYTES with 413 before anything reads them.

    Under ASGI the declared length and the streamed body are checked earlier, by `core.body_limit`, which
    flags the scope; the answer is given here for both paths.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response("invalid_input", {"Content-Length": "Not a number."}, 400, request)
        refused_while_streaming = getattr(request, "scope", {}).get(BODY_REFUSED, False)
        if refused_while_streaming or length > settings.MAX_REQUEST_BODY_BYTES:
            detail = {"body": f"Request body is larger than {settings.MAX_REQUEST_BODY_BYTES} bytes."}
            for observer in OVERSIZE_OBSERVERS:
                observer(request)
            return error_response("payload_too_large", detail, 413, request)
        return self.get_response(request)


def content_security_policy(path: str) -> str:
    """The CSP of a response: inline styles are allowed only on the third-party pages that need them."""
    policy = settings.CONTENT_SECURITY_POLICY
    if path.startswith(settings.CONTENT_SECURITY_POLICY_INLINE_STYLE_PATHS):
        policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return policy


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (docs/security.md).

    Referrer-Policy, X-Frame-Options and X-Content-Type-Options come from Django's own middlewares.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(request.path))
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
