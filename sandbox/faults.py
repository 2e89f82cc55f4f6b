"""Fault rules: which requests fail, how, and how many times.

A rule matches a request of its `service` when `path` (a regex, searched) matches the path, `method`
(if set) equals the method and, for Linear, `operation` (a regex, searched) matches the GraphQL query
text. The first `skip` matching requests go through untouched; the next `times` (-1 = forever) get
the fault. Rules are checked in the order they were added; the first one that fires wins.
"""

import itertools
import re
import threading
from dataclasses import asdict, dataclass, field

SERVICES = ("chatwoot", "linear", "attio")
KINDS = ("status", "rate_limit", "slow", "malformed", "unauthorized", "disconnect")
_ids = itertools.count(1)


@dataclass
class FaultRule:
    """One rule; the kind parameters that do not apply to its kind are ignored."""

    service: str
    kind: str
    path: str | None = None
    operation: str | None = None
    method: str | None = None
    times: int = 1
    skip: int = 0
    status: int | None = None  # status: the HTTP status; rate_limit: 429 (default) or e.g. 400 for Linear
    retry_after: int | str | None = None  # rate_limit: seconds, or "http-date"
    retry_after_seconds: float = 1.0  # rate_limit with retry_after="http-date"
    linear_reset_ms: int | None = None  # rate_limit on Linear: X-RateLimit-Requests-Reset = now + this
    delay_ms: int = 0  # slow
    id: str = field(default_factory=lambda: f"fault-{next(_ids)}")
    seen: int = 0  # matching requests so far
    fired: int = 0  # requests that got the fault

    def __post_init__(self) -> None:
        if self.service not in SERVICES:
            raise ValueError(f"unknown service {self.service!r}; expected one of {SERVICES}")
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {KINDS}")
        if self.kind == "status" and not self.status:
            raise ValueError("a `status` fault needs `status`")
        if self.retry_after is not None and not isinstance(self.retry_after, int) and self.retry_after != "http-date":
            raise ValueError('retry_after must be an int (seconds) or "http-date"')
        self._path = re.compile(self.path) if self.path else None
        self._operation = re.compile(self.operation) if self.operation else None

    def matches(self, service: str, method: str, path: str, operation: str | None) -> bool:
        if service != self.service:
            return False
        if self.method and self.method.upper() != method:
            return False
        if self._path and not self._path.search(path):
            return False
        return not self._operation or (operation is not None and bool(self._operation.search(operation)))

    @property
    def exhausted(self) -> bool:
        return self.times != -1 and self.fired >= self.times

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


class FaultRegistry:
    """Thread-safe list of rules shared by the three servers."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, service: str, **rule) -> str:
        known = set(FaultRule.__dataclass_fields__) - {"id", "seen", "fired"}
        unknown = set(rule) - known
        if unknown:
            raise ValueError(f"unknown fault rule fields: {sorted(unknown)}")
        new = FaultRule(service=service, **rule)
        with self._lock:
            self._rules.append(new)
        return new.id

    def clear(self, service: str | None = None) -> int:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if service is not None and r.service != service]
            return before - len(self._rules)

    def rules(self, service: str | None = None) -> list[dict]:
        with self._lock:
            return [r.as_dict() for r in self._rules if service is None or r.service == service]

    def match(self, service: str, method: str, path: str, operation: str | None = None) -> FaultRule | None:
        """The rule that fires for this request, counting it; None lets the request through."""
        with self._lock:
            for rule in self._rules:
                if rule.exhausted or not rule.matches(service, method, path, operation):
                    continue
                rule.seen += 1
                if rule.seen <= rule.skip:
                    continue
                rule.fired += 1
                return rule
        return None
