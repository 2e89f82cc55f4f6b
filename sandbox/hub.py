"""`SandboxServers`: the three fake services, their tenants, fault rules and request log, in one object."""

import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from sandbox.base import Request, query_dict, serve
from sandbox.dataset import Dataset
from sandbox.faults import SERVICES, FaultRegistry
from sandbox.webhooks import DEFAULT_ATTEMPTS, DEFAULT_DELAYS, DEFAULT_TIMEOUT, Webhooks

REQUEST_LOG_LIMIT = 100_000  # per service; the oldest entries go first
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


@dataclass
class Tenant:
    """One customer of the three products: its dataset and its credentials."""

    name: str
    seed: str
    messages: int
    dataset: Dataset = field(repr=False)
    chatwoot_account_id: int
    chatwoot_token: str
    linear_api_key: str
    attio_api_key: str

    def credentials(self) -> dict:
        return {
            "name": self.name,
            "seed": self.seed,
            "messages": self.messages,
            "chatwoot_account_id": self.chatwoot_account_id,
            "chatwoot_token": self.chatwoot_token,
            "linear_api_key": self.linear_api_key,
            "attio_api_key": self.attio_api_key,
        }


class SandboxServers:
    """Start with `.start()`; add tenants, mutate their data, inject faults, read the request log.

    Webhooks: subscriptions are made through each product's API; every mutation is delivered to the
    matching ones by a background thread, retried after `webhook_delays` up to `webhook_attempts` tries.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        chatwoot_port: int = 0,
        linear_port: int = 0,
        attio_port: int = 0,
        linear_requests_limit: int = 5000,
        webhook_delays: tuple = DEFAULT_DELAYS,
        webhook_attempts: int = DEFAULT_ATTEMPTS,
        webhook_timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.host = host
        self.ports = {"chatwoot": chatwoot_port, "linear": linear_port, "attio": attio_port}
        self.linear_requests_limit = linear_requests_limit
        self.faults = FaultRegistry()
        self.hooks = Webhooks(webhook_delays, webhook_attempts, webhook_timeout)
        self.tenants: dict[str, Tenant] = {}
        self._by_token: dict[tuple[str, str], Tenant] = {}
        self._by_account: dict[int, Tenant] = {}
        self._lock = threading.Lock()
        self._log = {service: deque(maxlen=REQUEST_LOG_LIMIT) for service in SERVICES}
        self._servers: dict = {}
        self._next_account = 1

    # ------------------------------------------------------------ lifecycle

    def start(self) -> "SandboxServers":
        from sandbox.attio import AttioApp
        from sandbox.chatwoot import ChatwootApp
        from sandbox.linear import LinearApp

        apps = {"chatwoot": ChatwootApp(self), "linear": LinearApp(self), "attio": AttioApp(self)}
        for service, app in apps.items():
            self._servers[service] = serve(app, self.host, self.ports[service])
            self.ports[service] = self._servers[service][0].server_address[1]
        self.hooks.start()
        return self

    def stop(self) -> None:
        self.hooks.stop()
        for server, thread in self._servers.values():
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
        self._servers.clear()

    def __enter__(self) -> "SandboxServers":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _base(self, service: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.ports[service]}"

    @property
    def chatwoot_url(self) -> str:
        return self._base("chatwoot")

    @property
    def linear_url(self) -> str:
        return self._base("linear") + "/graphql"

    @property
    def attio_url(self) -> str:
        return self._base("attio")

    def urls(self) -> dict:
        return {"chatwoot_url": self.chatwoot_url, "linear_url": self.linear_url, "attio_url": self.attio_url}

    # ------------------------------------------------------------ tenants

    def add_tenant(self, name: str, seed: str | None = None, messages: int = 2000, token: str | None = None) -> Tenant:
        """Generate a dataset and register its credentials; `token` (if given) is used for all three."""
        if not NAME.match(name or ""):
            raise ValueError("tenant name: 1-63 letters, digits, '.', '_' or '-'")
        with self._lock:
            if name in self.tenants:
                raise ValueError(f"tenant {name!r} exists")
        dataset = Dataset(seed=seed if seed is not None else name, messages=messages)  # slow part, unlocked
        suffix = secrets.token_hex(4)
        with self._lock:
            if name in self.tenants:
                raise ValueError(f"tenant {name!r} exists")
            tenant = Tenant(
                name=name,
                seed=dataset.seed,
                messages=messages,
                dataset=dataset,
                chatwoot_account_id=self._next_account,
                chatwoot_token=token or f"cw-{name}-{suffix}",
                linear_api_key=token or f"lin_sandbox_{name}_{suffix}",
                attio_api_key=token or f"attio_sandbox_{name}_{suffix}",
            )
            keys = [
                ("chatwoot", tenant.chatwoot_token),
                ("linear", tenant.linear_api_key),
                ("attio", tenant.attio_api_key),
            ]
            if any(key in self._by_token for key in keys):
                raise ValueError("token already used by another tenant")
            self._next_account += 1
            self.tenants[name] = tenant
            self._by_account[tenant.chatwoot_account_id] = tenant
            self._by_token.update(dict.fromkeys(keys, tenant))
        return tenant

    def tenant(self, name: str) -> Tenant:
        try:
            return self.tenants[name]
        except KeyError:
            raise KeyError(f"no tenant {name!r}") from None

    def tenant_for_token(self, service: str, token: str | None) -> Tenant | None:
        return self._by_token.get((service, token)) if token else None

    def tenant_for_account(self, account_id: int) -> Tenant | None:
        return self._by_account.get(account_id)

    # ------------------------------------------------------------ mutations and faults

    def mutate(self, tenant: str, action: str, count: int | None = None, ids: list | None = None, **params) -> dict:
        """Change a tenant's data like its users would; returns the affected ids per entity type.

        The webhook events are built under the dataset lock (the entities as the mutation left them) and
        delivered in the background.
        """
        from sandbox.events import watch
        from sandbox.mutations import mutate

        target = self.tenant(tenant)
        with target.dataset.lock:
            events_of = watch(self.hooks, target, action)
            result = mutate(target.dataset, action, count=count, ids=ids, **params)
            events = events_of(result) if events_of else []
        self.hooks.publish(target.name, events)
        return result

    def add_fault(self, service: str, **rule) -> str:
        return self.faults.add(service, **rule)

    def clear_faults(self, service: str | None = None) -> int:
        return self.faults.clear(service)

    # ------------------------------------------------------------ request log

    def log_request(self, service: str, request: Request, status: int, at: float, fault: str | None) -> None:
        entry = {
            "method": request.method,
            "path": request.path,
            "query": query_dict(request.query),
            "body": request.json,
            "status": status,
            "at": at,
            "fault": fault,
        }
        self._log[service].append(entry)

    def requests(self, service: str | None = None) -> list[dict]:
        """Logged product requests, oldest first (all services merged by time when `service` is None)."""
        if service is not None:
            return list(self._log[service])
        merged = [dict(entry, service=s) for s in SERVICES for entry in list(self._log[s])]
        return sorted(merged, key=lambda entry: entry["at"])

    def clear_requests(self, service: str | None = None) -> None:
        for name in [service] if service else SERVICES:
            self._log[name].clear()

    # ------------------------------------------------------------ webhooks

    def subscriptions(self, service: str | None = None, tenant: str | None = None) -> list[dict]:
        """Webhook subscriptions (with their secrets) as made through the products' APIs."""
        subs = [s for name in ([service] if service else SERVICES) for s in self.hooks.subscriptions(name, tenant)]
        return [_subscription_view(s) for s in subs]

    def deliveries(self, service: str | None = None, tenant: str | None = None) -> list[dict]:
        """Webhook deliveries, oldest first: id, url, event, attempts, status, last_status, payload, …"""
        return self.hooks.deliveries(service, tenant)

    def clear_deliveries(self, service: str | None = None) -> None:
        self.hooks.clear_deliveries(service)

    def wait_deliveries_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no delivery is queued, waiting for a retry or in flight; False on timeout (or paused)."""
        return self.hooks.wait_idle(timeout)

    def pause_webhooks(self) -> None:
        """Hold deliveries (they queue up) until `resume_webhooks()`."""
        self.hooks.pause()

    def resume_webhooks(self) -> None:
        self.hooks.resume()

    def health(self) -> dict:
        return {"status": "ok", "time": time.time(), "tenants": sorted(self.tenants), **self.urls()}


def _subscription_view(sub) -> dict:
    return {
        "service": sub.service,
        "tenant": sub.tenant,
        "id": sub.id,
        "url": sub.url,
        "secret": sub.secret,
        "events": list(sub.kinds),
        "enabled": sub.enabled,
        **sub.extra,
    }
