"""`manage.py sandbox`: start the Chatwoot/Linear/Attio sandbox servers, optionally bind a project to them.

    manage.py sandbox --messages 2000 --bind "Demo studio" --sync
    manage.py sandbox --fault '{"service": "chatwoot", "path": "/messages", "kind": "status", "status": 503}'
    manage.py sandbox --bind "Demo studio" --sync --mutate delete_contacts:2 --mutate archive_issues

Serves until Ctrl-C. With --bind, the project's connector configs point at the servers (new ports are
bound again on every start) and, with WEBHOOK_PUBLIC_URL set (`make run` sets it), their webhooks are
registered there, so every mutation reaches the product within seconds; with --sync, a sync of each
connector is queued for the Celery worker.
--mutate ACTION[:COUNT] (repeatable; actions in sandbox/mutations.py) changes the tenant's data once
the servers are up and prints the affected ids as JSON: the dataset of a seed is the same on every
start, so a project synced before shows those changes (deletions included) on its next sync. While
the servers run, `POST /_sandbox/mutate` on any of them does the same.
"""

import json
import re
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from connectors.services.configs import connector_config_upsert
from connectors.services.queue import sync_queue
from connectors.services.webhook_registration import webhooks_register_all
from core.selectors import project_by_ref


class Command(BaseCommand):
    help = "Start the sandbox servers (Chatwoot, Linear, Attio) with a seeded studio dataset."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--messages", type=int, default=2000, help="Chatwoot messages in the dataset (scale).")
        parser.add_argument("--seed", default="demo")
        parser.add_argument("--bind", help="Project name or id whose connectors should use these servers.")
        parser.add_argument("--sync", action="store_true", help="Queue a sync of each bound connector.")
        parser.add_argument("--fault", action="append", default=[], help="A fault rule as JSON (repeatable).")
        parser.add_argument(
            "--mutate",
            action="append",
            default=[],
            metavar="ACTION[:COUNT]",
            help="Change the tenant's data like its users would, e.g. delete_messages:3 (repeatable).",
        )
        parser.add_argument("--chatwoot-port", type=int, default=0)
        parser.add_argument("--linear-port", type=int, default=0)
        parser.add_argument("--attio-port", type=int, default=0)

    def handle(self, *args, **options):
        from sandbox import SandboxServers

        mutations = [parse_mutation(spec) for spec in options["mutate"]]  # a typo fails before anything starts
        servers = SandboxServers(
            host=options["host"],
            chatwoot_port=options["chatwoot_port"],
            linear_port=options["linear_port"],
            attio_port=options["attio_port"],
        ).start()
        tenant = servers.add_tenant(name=options["seed"], seed=options["seed"], messages=options["messages"])
        for rule in options["fault"]:
            try:
                servers.add_fault(**json.loads(rule))
            except (ValueError, TypeError) as exc:
                servers.stop()
                raise CommandError(f"bad --fault {rule!r}: {exc}") from exc
        for action, count in mutations:
            affected = servers.mutate(tenant=tenant.name, action=action, count=count)
            self.stdout.write(json.dumps({"action": action, "affected": affected}))
        if options["bind"]:
            self._bind(options["bind"], servers, tenant, queue_sync=options["sync"])
        urls = {"chatwoot": servers.chatwoot_url, "linear": servers.linear_url, "attio": servers.attio_url}
        self.stdout.write(f"sandbox ready: {json.dumps(urls)} ({tenant.dataset.counts()['messages']} messages)")
        self.stdout.flush()
        self._serve_until_stopped(servers)

    def _bind(self, ref, servers, tenant, *, queue_sync: bool) -> None:
        project = project_by_ref(ref)
        if project is None:
            servers.stop()
            raise CommandError(f"No project named or with id {ref!r}")
        bindings = {
            "chatwoot": (servers.chatwoot_url, tenant.chatwoot_token, str(tenant.chatwoot_account_id)),
            "linear": (servers.linear_url, tenant.linear_api_key, ""),
            "attio": (servers.attio_url, tenant.attio_api_key, ""),
        }
        for source, (url, secret, account) in bindings.items():
            connector_config_upsert(
                project=project, source=source, base_url=url, secret=secret, account_id=account,
                rate_limit_per_second=200,
            )  # fmt: skip
        if settings.WEBHOOK_PUBLIC_URL:
            self._register_webhooks(project)
        if queue_sync:
            for source in bindings:
                sync_queue(project=project, source=source, trigger="manual")
        self.stdout.write(f"bound {project.name} to the sandbox")

    def _register_webhooks(self, project) -> None:
        """Each bound connector's webhook points at WEBHOOK_PUBLIC_URL: sandbox mutations arrive in seconds."""
        for source, outcome in webhooks_register_all(project=project, actor="manage.py sandbox").items():
            if outcome != "registered":
                self.stderr.write(f"{source} webhook not registered: {outcome}")

    @staticmethod
    def _serve_until_stopped(servers) -> None:
        stopped = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopped.set())
        stopped.wait()
        servers.stop()


def parse_mutation(spec: str) -> tuple[str, int]:
    """`ACTION[:COUNT]` (COUNT defaults to 1) as (action, count); an unknown action names the valid ones."""
    from sandbox.mutations import ACTIONS

    action, _, count = spec.partition(":")
    if action not in ACTIONS:
        raise CommandError(f"unknown --mutate action {action!r}; valid: {', '.join(sorted(ACTIONS))}")
    if not re.fullmatch(r"[1-9][0-9]*", count or "1"):
        raise CommandError(f"bad --mutate {spec!r}: COUNT must be a positive whole number")
    return action, int(count or "1")
