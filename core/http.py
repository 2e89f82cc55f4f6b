"""The one chokepoint for outbound HTTP to source systems.

Every call has a timeout and a User-Agent, spends from a per-connector rate budget, honours
`Retry-After` (seconds or HTTP date) and Linear's `X-RateLimit-*-Reset` (epoch milliseconds), and
classes failures: *permanent* (400/401/403/404/422: raised at once) or *transient* (408/425/429/5xx,
timeouts, connection errors, malformed JSON: retried in-run with backoff, then raised).
"""

import email.utils
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import requests

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

    def __post_init__(self) -> None:
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy/netrc lookups per call: sources are configured explicitly
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
            response = self.session.request(method, url, params=params, json=json_body, timeout=self.timeout)
        except requests.Timeout as exc:
            raise TransientError(f"timeout calling {self.name}") from exc
        except requests.RequestException as exc:
            raise TransientError(f"connection error calling {self.name}: {exc.__class__.__name__}") from exc
        return self._decode(response)

    def _decode(self, response: requests.Response):
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
