"""Rate limits of the API (docs/security.md, "Abuse limits").

Every DRF view counts each request in one of three scopes — `read` (GET, HEAD, OPTIONS), `write` (the other
methods) or `llm` (a view's `throttle_scope_for(request)` says so: LightRAG queries a chat model answers) —
per caller: the API key when one authenticated, else the session's user, else the client IP
(`core.client_ip`). A key that fails to authenticate is counted against its client IP too, so guessing keys
is throttled like any anonymous caller. Over the rate: 429 `throttled` with `Retry-After` (the API's error
shape). The rates are read from settings at each request (`API_THROTTLE_READ`, `_WRITE`, `_LLM`), in the
configured cache.
"""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

from core.client_ip import client_ip

RATE_SETTINGS = {"read": "API_THROTTLE_READ", "write": "API_THROTTLE_WRITE", "llm": "API_THROTTLE_LLM"}
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def method_scope(request) -> str:
    return "read" if request.method in READ_METHODS else "write"


def view_scope(request, view) -> str:
    """The view's own choice (`throttle_scope_for`), else by method."""
    choose = getattr(view, "throttle_scope_for", None)
    return (choose(request) if choose else None) or method_scope(request)


def ip_ident(request) -> str:
    return f"ip:{client_ip(request) or 'unknown'}"


def caller_ident(request) -> str:
    """`key:<id>` for an API key, `user:<id>` for a session, else `ip:<client ip>`."""
    if request.auth is not None:
        return f"key:{request.auth.pk}"
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return ip_ident(request)


class LoginIpThrottle(SimpleRateThrottle):
    """Login attempts per client IP, whatever the username (`LOGIN_RATE_PER_IP`)."""

    scope = "login_ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": ip_ident(request)}


class ApiRateThrottle(SimpleRateThrottle):
    """The default throttle of every API view: a scope per request, counted per caller."""

    def __init__(self):
        # The scope, hence the rate, is chosen per request (SimpleRateThrottle reads them here).
        self.scope = self.ident = ""

    def allow_request(self, request, view):
        return self.allow(request, scope=view_scope(request, view), ident=caller_ident(request))

    def allow(self, request, *, scope: str, ident: str) -> bool:
        self.scope, self.ident = scope, ident
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, None)

    def get_rate(self):
        return getattr(settings, RATE_SETTINGS[self.scope])

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def failed_authentication_count(request) -> None:
    """Count a request whose credentials were refused against its client IP; 429 once over the rate."""
    throttle = ApiRateThrottle()
    if not throttle.allow(request, scope=method_scope(request), ident=ip_ident(request)):
        raise exceptions.Throttled(throttle.wait())
