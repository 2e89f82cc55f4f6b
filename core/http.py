"""The one chokepoint for outbound HTTP to source systems.

Every call has a timeout and a User-Agent, spends from a per-connector rate budget, honours
`Retry-After` (seconds or HTTP date) and Linear's `X-RateLimit-*-Reset` (epoch milliseconds), and
classes failures: *permanent* (400/401/403/404/422: raised at once) or *transient* (408/425/429/5xx,
timeouts, connection errors, malformed JSON: retried in-run with backoff, then raised).

Redirects are never followed (a source's credentials live in custom headers such as Chatwoot's
`api_access_token`, which `requests` would carry to any host a redirect names): a 3xx is a permanent error.
Unless `CONNECTOR_ALLOW_PRIVATE_ADDRESSES`, every connection is checked, after it is made, against the address it
actually reached: loopback, private, link-local, multicast, reserved and other non-public addresses are refused
(so a host that resolves elsewhere at request time, DNS rebinding, is refused too). docs/security.md.
"""

import email.utils
import ipaddress
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

log = logging.getLogger("core.http")

USER_AGENT = "WorkforceOps/1.0 (+connectors)"
PERMANENT_STATUSES = {400, 401, 403, 404, 405, 409, 410, 422}
TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504}
AUTH_STATUSES = {401, 403}


class HttpError(Exception):
    """Base of every outbound failure; `kind` is permanent, transient, rate_limited or auth."""

    kind = "transient"

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class TransientError(HttpError):
    kind = "transient"


class RateLimitedError(TransientError):
    kind = "rate_limited"


class PermanentError(HttpError):
    kind = "permanent"


class NotFoundError(PermanentError):
    kind = "not_found"


class AuthError(PermanentError):
    """401/403 or an auth error code: the connector is misconfigured; pause it, do not retry."""

    kind = "auth"


class AddressNotAllowed(PermanentError):
    """A source URL that is not http(s), or whose host is (or resolves to) an address the policy refuses."""


# ---------------------------------------------------------------- the private-address policy


def address_refused(address: str) -> bool:
    """Whether an IP address is not a public one: loopback, private, link-local, multicast, reserved, unspecified,
    shared (100.64/10) or documentation ranges; an IPv4-mapped IPv6 address is judged by its IPv4 address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    flags = (ip.is_loopback, ip.is_private, ip.is_link_local, ip.is_multicast, ip.is_reserved, ip.is_unspecified)
    return any(flags) or not ip.is_global


def base_url_check(url: str, *, allow_private: bool, resolve=socket.getaddrinfo) -> None:
    """Raise AddressNotAllowed unless `url` is http(s) with a host and (unless `allow_private`) every address its
    host resolves to is public. A host that does not resolve is refused too (nothing to check)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressNotAllowed(f"{url!r} is not an http(s) URL with a host")
    if allow_private:
        return
    try:
        infos = resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressNotAllowed(f"{parts.hostname} does not resolve: {exc}") from None
    refused = sorted({info[4][0] for info in infos if address_refused(info[4][0])})
    if refused or not infos:
        raise AddressNotAllowed(
            f"{parts.hostname} resolves to a private or reserved address ({', '.join(refused) or 'none'}); "
            "set CONNECTOR_ALLOW_PRIVATE_ADDRESSES=true to allow it"
        )


def _peer_check(sock: socket.socket, host: str) -> None:
    """After connecting: the address actually reached must be public (closes the socket otherwise)."""
    peer = sock.getpeername()[0]
    if address_refused(peer):
        sock.close()
        raise AddressNotAllowed(
            f"{host} connected to a private or reserved address ({peer}); "
            "set CONNECTOR_ALLOW_PRIVATE_ADDRESSES=true to allow it"
        )


class _PublicHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _peer_check(sock, self.host)
        return sock


class _PublicHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _peer_check(sock, self.host)
        return sock


class _PublicHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """An adapter whose connections refuse non-public peers (checked on the connected socket, not a lookup)."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PublicHTTPPool, "https": _PublicHTTPSPool}


def path_segment(value) -> str:
    """`value` as one URL path segment: every reserved character quoted (`/`, `?`, `#`, `%`, `\\`), and `.`/`..`
    (or nothing) refused, so a stored or received id can never change the path it is put in."""
    text = str(value)
    if text in ("", ".", ".."):
        raise PermanentError(f"not a path segment: {text!r}")
    return quote(text, safe="")


class RateBudget:
    """A token bucket: at most `per_second` requests per second on average, bursts up to `burst`."""

    def __init__(self, per_second: float, burst: int | None = None, clock=time.monotonic, sleep=time.sleep):
        self.per_second = max(per_second, 0.001)
        self.capacity = float(burst or max(1, int(per_second)))
        self.tokens = self.capacity
        self.clock, self.sleep = clock, sleep
        self.updated = clock()
        self.lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping as needed; return the seconds waited."""
        with self.lock:
            now = self.clock()
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
            self.updated = now
            wait = 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.per_second
            self.tokens -= 1
        if wait:
            self.sleep(wait)
        return wait


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def parse_reset_ms(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds until an epoch-milliseconds reset (Linear's `X-RateLimit-*-Reset`)."""
    if not value or not value.strip().isdigit():
        return None
    return max(0.0, int(value) / 1000.0 - (now if now is not None else time.time()))


@dataclass
class HttpClient:
    """A source system's HTTP client. Secrets live in `headers` and are never logged."""

    name: str
    base_url: str
    headers: dict = field(default_factory=dict)
    rate_per_second: float = 10.0
    timeout: tuple[float, float] = (5.0, 30.0)
    max_attempts: int = 3
    max_wait_seconds: float = 60.0
    backoff_base: float = 0.5
    sleep: Callable[[float], None] = time.sleep
    classify_body: Callable | None = None  # optional: (status, body) -> HttpError | None (GraphQL errors)
    allow_private: bool | None = None  # None: settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES

    def __post_init__(self) -> None:
        if self.allow_private is None:
            self.allow_private = settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy/netrc lookups per call: sources are configured explicitly
        if not self.allow_private:
            for prefix in ("http://", "https://"):
                self.session.mount(prefix, PublicOnlyAdapter())
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json", **self.headers})
        self.budget = RateBudget(self.rate_per_second, sleep=self.sleep)
        self.requests_made = 0
        self.waited_seconds: list[float] = []

    def close(self) -> None:
        self.session.close()

    def get(self, path: str, *, params: dict | None = None):
        return self.request("GET", path, params=params)

    def post(self, path: str, *, json_body=None, params: dict | None = None):
        return self.request("POST", path, params=params, json_body=json_body)

    def request(self, method: str, path: str, *, params=None, json_body=None):
        """Perform the call with retries; return the decoded JSON body."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._once(method, path, params=params, json_body=json_body)
            except (PermanentError, AuthError):
                raise
            except TransientError as exc:
                wait = self._wait_for(exc, attempt)
                if attempt >= self.max_attempts or wait is None:
                    raise
                log.info("%s %s %s: %s; retry %d in %.2fs", self.name, method, path, exc, attempt, wait)
                self.waited_seconds.append(wait)
                self.sleep(wait)

    def _wait_for(self, exc: TransientError, attempt: int) -> float | None:
        """How long to wait before the next attempt, or None when the source asks for too long."""
        if exc.retry_after is not None:
            return exc.retry_after if exc.retry_after <= self.max_wait_seconds else None
        return self.backoff_base * (2 ** (attempt - 1))

    def _once(self, method: str, path: str, *, params, json_body):
        self.budget.acquire()
        self.requests_made += 1
        url = path if path.startswith(("http://", "https://")) else self.base_url.rstrip("/") + path
        try:
            response = self.session.request(
                method, url, params=params, json=json_body, timeout=self.timeout, allow_redirects=False
            )
        except requests.Timeout as exc:
            raise TransientError(f"timeout calling {self.name}") from exc
        except requests.RequestException as exc:
            raise TransientError(f"connection error calling {self.name}: {exc.__class__.__name__}") from exc
        return self._decode(response)

    def _decode(self, response: requests.Response):
        if response.is_redirect:
            where = urlsplit(response.headers.get("Location", "")).netloc or "the same host"
            raise PermanentError(
                f"{self.name} answered HTTP {response.status_code}, a redirect to {where}: redirects are not "
                "followed (they would carry the credentials along); set the base URL to where it points",
                status=response.status_code,
            )
        body = _json_or_none(response)
        if self.classify_body is not None:
            error = self.classify_body(response, body)
            if error is not None:
                raise error
        status = response.status_code
        if status < 300:
            if body is None:
                raise TransientError(f"{self.name} answered {status} with a body that is not JSON", status=status)
            return body
        raise _status_error(self.name, response, body)


def _json_or_none(response: requests.Response):
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        return None


def _status_error(name: str, response: requests.Response, body) -> HttpError:
    status = response.status_code
    message = f"{name} answered HTTP {status}: {_error_message(body, response)}"
    if status == 429:
        wait = parse_retry_after(response.headers.get("Retry-After"))
        return RateLimitedError(message, status=status, retry_after=wait)
    if status in AUTH_STATUSES:
        return AuthError(message, status=status)
    if status == 404:
        return NotFoundError(message, status=status)
    if status in PERMANENT_STATUSES or 400 <= status < 500:
        return PermanentError(message, status=status)
    return TransientError(message, status=status, retry_after=parse_retry_after(response.headers.get("Retry-After")))


def _error_message(body, response: requests.Response) -> str:
    """The source's own error text (Chatwoot, Attio and GraphQL shapes), shortened; never headers."""
    if isinstance(body, dict):
        for key in ("message", "error", "description"):
            if isinstance(body.get(key), str):
                return body[key][:300]
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("message", ""))[:300]
    return (response.text or "")[:200].strip() or response.reason or ""
