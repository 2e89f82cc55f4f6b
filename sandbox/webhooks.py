"""Webhook subscriptions and deliveries, shared by the three fake services.

Subscriptions are made through each product's own API (chatwoot_webhooks.py, linear_webhooks.py,
attio_webhooks.py). A mutation (`SandboxServers.mutate`) becomes events (events.py); `publish` makes one
delivery per matching subscription of that tenant, and one background thread POSTs them, signed as the
product signs them (wire format below). A non-2xx answer or a connection error is retried after
`delays[0]`, `delays[1]`, … (the last delay repeats) up to `max_attempts` attempts, each retry with the
same delivery id. First attempts go out in event order; a retry waits for its turn, so later deliveries
may overtake it, as with the real services. Deliveries of a deleted or disabled subscription are dropped.
"""

import hashlib
import heapq
import hmac
import http.client
import itertools
import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

SERVICES = ("chatwoot", "linear", "attio")
DEFAULT_DELAYS = (0.5, 2.0, 8.0)
DEFAULT_ATTEMPTS = 4
DEFAULT_TIMEOUT = 5.0  # seconds per attempt; Chatwoot and Linear give up after 5 s too
DELIVERY_LOG_LIMIT = 10_000  # per service; the oldest entries go first


@dataclass
class Event:
    """One change as a product reports it: `kind` is what subscriptions select, `name` what the log shows."""

    service: str
    kind: str  # Chatwoot event name, Linear resource type ("Issue"), Attio event type ("record.updated")
    name: str  # Chatwoot event name, "Issue.update", Attio event type
    payload: dict  # the body before the per-subscription fields (see the wire format)
    scope: dict = field(default_factory=dict)  # Linear: {teamId, private} for team-scoped webhooks


@dataclass
class Subscription:
    service: str
    tenant: str
    id: object  # int on Chatwoot, UUID string on Linear and Attio
    url: str
    secret: str
    kinds: list  # subscribed event names / resource types / event types
    created_at: float
    enabled: bool = True
    extra: dict = field(default_factory=dict)  # product fields (name, label, teamId, Attio filters, …)


@dataclass
class Delivery:
    id: str
    service: str
    tenant: str
    webhook_id: object
    url: str
    event: str
    payload: dict
    created_at: float
    attempts: int = 0
    status: str = "pending"  # pending | delivered | failed | dropped
    last_status: int | None = None
    last_error: str | None = None
    delivered_at: float | None = None

    def view(self) -> dict:
        return {
            "id": self.id,
            "service": self.service,
            "tenant": self.tenant,
            "webhook_id": self.webhook_id,
            "url": self.url,
            "event": self.event,
            "attempts": self.attempts,
            "status": self.status,
            "last_status": self.last_status,
            "last_error": self.last_error,
            "created_at": self.created_at,
            "delivered_at": self.delivered_at,
            "payload": self.payload,
        }


class Webhooks:
    """The subscription store and the dispatcher thread of one hub."""

    def __init__(self, delays=DEFAULT_DELAYS, max_attempts: int = DEFAULT_ATTEMPTS, timeout=DEFAULT_TIMEOUT):
        self.delays = tuple(float(d) for d in delays) or (0.0,)
        self.max_attempts = max(1, int(max_attempts))
        self.timeout = float(timeout)
        self._subs: dict[str, dict] = {service: {} for service in SERVICES}
        self._log = {service: deque(maxlen=DELIVERY_LOG_LIMIT) for service in SERVICES}
        self._queue: list = []  # heap of (due, seq, delivery)
        self._seq = itertools.count()
        self._numbers = itertools.count(1)  # Chatwoot's integer webhook ids
        self._cond = threading.Condition()
        self._busy = 0
        self._paused = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ subscriptions

    def next_number(self) -> int:
        return next(self._numbers)

    def add(self, sub: Subscription) -> Subscription:
        with self._cond:
            self._subs[sub.service][sub.id] = sub
        return sub

    def get(self, service: str, tenant: str, sub_id) -> Subscription | None:
        with self._cond:
            sub = self._subs[service].get(sub_id)
        return sub if sub is not None and sub.tenant == tenant else None

    def remove(self, service: str, tenant: str, sub_id) -> bool:
        with self._cond:
            if self.get(service, tenant, sub_id) is None:
                return False
            del self._subs[service][sub_id]
        return True

    def subscriptions(self, service: str, tenant: str | None = None) -> list[Subscription]:
        with self._cond:
            subs = list(self._subs[service].values())
        return [s for s in subs if tenant is None or s.tenant == tenant]

    def wants(self, service: str, tenant: str) -> bool:
        """Does any enabled subscription listen? (When none does, a mutation builds no events at all.)"""
        return any(s.enabled for s in self.subscriptions(service, tenant))

    # ------------------------------------------------------------ deliveries

    def publish(self, tenant: str, events: list[Event]) -> list[Delivery]:
        """One delivery per (event, matching subscription), queued in event order."""
        made = []
        with self._cond:
            for event in events:
                for sub in self._subs[event.service].values():
                    if sub.tenant == tenant and matches(sub, event):
                        made.append(self._queue_new(sub, event))
            self._cond.notify_all()
        return made

    def _queue_new(self, sub: Subscription, event: Event) -> Delivery:
        delivery = Delivery(
            id=str(uuid.uuid4()),
            service=sub.service,
            tenant=sub.tenant,
            webhook_id=sub.id,
            url=sub.url,
            event=event.name,
            payload=event.payload,
            created_at=time.time(),
        )
        self._log[sub.service].append(delivery)
        heapq.heappush(self._queue, (time.monotonic(), next(self._seq), delivery))
        return delivery

    def deliveries(self, service: str | None = None, tenant: str | None = None) -> list[dict]:
        with self._cond:
            rows = [d.view() for s in ([service] if service else SERVICES) for d in self._log[s]]
        rows = [r for r in rows if tenant is None or r["tenant"] == tenant]
        return sorted(rows, key=lambda r: r["created_at"]) if service is None else rows

    def clear_deliveries(self, service: str | None = None) -> None:
        with self._cond:
            for name in [service] if service else SERVICES:
                self._log[name].clear()

    def pause(self) -> None:
        with self._cond:
            self._paused = True

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is queued, waiting for a retry or being sent; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    # ------------------------------------------------------------ the dispatcher thread

    def start(self) -> None:
        with self._cond:
            if self._thread is not None:
                return
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the attempt in flight (at most `timeout`); queued deliveries stay pending."""
        with self._cond:
            thread, self._thread = self._thread, None
            self._stopping = True
            self._cond.notify_all()
        if thread is not None:
            thread.join(timeout=self.timeout + 5)

    def _run(self) -> None:
        while True:
            with self._cond:
                delivery = self._next_due()
                if delivery is None:
                    return
                self._busy += 1
            try:
                self._attempt(delivery)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def _next_due(self) -> Delivery | None:
        """Wait (holding the condition) for the earliest due delivery; None once stopping."""
        while not self._stopping:
            wait = None
            if self._queue and not self._paused:
                wait = self._queue[0][0] - time.monotonic()
                if wait <= 0:
                    return heapq.heappop(self._queue)[2]
            self._cond.wait(wait)
        return None

    def _attempt(self, delivery: Delivery) -> None:
        sub = self.get(delivery.service, delivery.tenant, delivery.webhook_id)
        if sub is None or not sub.enabled:
            with self._cond:
                delivery.status = "dropped"  # the subscription went away: nobody to tell any more
            return
        body, headers = WIRE[delivery.service](delivery, sub, time.time())
        status, error = post(delivery.url, body, headers, self.timeout)
        with self._cond:
            delivery.attempts += 1
            delivery.last_status, delivery.last_error = status, error
            if status is not None and 200 <= status < 300:
                delivery.status, delivery.delivered_at = "delivered", time.time()
            elif delivery.attempts >= self.max_attempts:
                delivery.status = "failed"
            else:
                delay = self.delays[min(delivery.attempts - 1, len(self.delays) - 1)]
                heapq.heappush(self._queue, (time.monotonic() + delay, next(self._seq), delivery))


def post(url: str, body: bytes, headers: dict, timeout: float) -> tuple[int | None, str | None]:
    """POST without proxies or redirects (a 3xx is a failure, as for the real senders): (status, error)."""
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = kind(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        reply = connection.getresponse()
        reply.read()
        return reply.status, None
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()


def valid_url(url) -> bool:
    """http(s) with a host. The real services want public https URLs; local test receivers are http."""
    if not isinstance(url, str) or any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


# ---------------------------------------------------------------- matching


def matches(sub: Subscription, event: Event) -> bool:
    if not sub.enabled or event.kind not in sub.kinds:
        return False
    if sub.service == "linear":
        return linear_scope(sub, event.scope)
    if sub.service == "attio":
        rules = [s.get("filter") for s in sub.extra.get("subscriptions", []) if s.get("event_type") == event.kind]
        return any(attio_filter(rule, event.payload) for rule in rules)
    return True


def linear_scope(sub: Subscription, scope: dict) -> bool:
    """A team webhook hears its team; `allPublicTeams` every non-private team; neither: the whole workspace."""
    team_id, public = sub.extra.get("teamId"), sub.extra.get("allPublicTeams")
    if team_id and scope.get("teamId") == team_id:
        return True
    if public and not scope.get("private"):
        return True
    return not team_id and not public


def attio_filter(rule: dict | None, event: dict) -> bool:
    """Attio's subscription filter: `{"$and"|"$or": [{field, operator: equals|not_equals, value}]}`, None = all."""
    if not rule:
        return True
    joined = "$and" if "$and" in rule else "$or"
    results = [(_event_field(event, c["field"]) == c["value"]) == (c["operator"] == "equals") for c in rule[joined]]
    return all(results) if joined == "$and" else any(results)


def _event_field(event: dict, name: str):
    """`id.object_id` walks the event; a bare name is looked up on the event, then on its `id`."""
    if "." in name:
        value = event
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value
    return event.get(name, (event.get("id") or {}).get(name))


# ---------------------------------------------------------------- wire formats (CONTRACTS.md "Webhooks")


def _json(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def sign(secret: str, data: bytes) -> str:
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def _chatwoot(delivery: Delivery, sub: Subscription, now: float) -> tuple[bytes, dict]:
    """Body = the object's webhook data + `event`; signature over "{timestamp}.{body}", timestamp per attempt."""
    body = _json(delivery.payload)
    stamp = str(int(now))
    return body, {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-Chatwoot-Timestamp": stamp,
        "X-Chatwoot-Signature": "sha256=" + sign(sub.secret, stamp.encode() + b"." + body),
        "X-Chatwoot-Delivery": delivery.id,
    }


def _linear(delivery: Delivery, sub: Subscription, now: float) -> tuple[bytes, dict]:
    """`webhookTimestamp` is the send time of each attempt (receivers reject stale ones), so each is re-signed."""
    body = _json({**delivery.payload, "webhookId": sub.id, "webhookTimestamp": int(now * 1000)})
    return body, {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Linear-Webhook",
        "Linear-Delivery": delivery.id,
        "Linear-Event": delivery.payload["type"],
        "Linear-Signature": sign(sub.secret, body),
    }


def _attio(delivery: Delivery, sub: Subscription, now: float) -> tuple[bytes, dict]:
    body = _json({"webhook_id": sub.id, "events": [delivery.payload]})  # one event per delivery
    signature = sign(sub.secret, body)
    return body, {"Content-Type": "application/json", "Attio-Signature": signature, "X-Attio-Signature": signature}


WIRE = {"chatwoot": _chatwoot, "linear": _linear, "attio": _attio}
