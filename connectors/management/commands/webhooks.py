"""`manage.py webhooks register|status|unregister [--project P] [--connector C]`: the sources' subscriptions to
this server's webhook endpoints (registering needs WEBHOOK_PUBLIC_URL)."""

import json

from django.core.management.base import BaseCommand, CommandError

from connectors.models import ConnectorConfig
from connectors.selectors import projects_with_enabled_connectors
from connectors.services.webhook_registration import (
    NoPublicUrl,
    webhook_register,
    webhook_unregister,
    webhooks_status,
)
from core.http import HttpError
from core.selectors import project_by_ref

ACTOR = "manage.py webhooks"


class Command(BaseCommand):
    help = "Webhooks at the sources: register, status or unregister (every project with enabled connectors)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["register", "status", "unregister"])
        parser.add_argument("--project", help="project name or id (default: every project with enabled connectors)")
        parser.add_argument("--connector", choices=["chatwoot", "linear", "attio"])

    def handle(self, *args, action, project=None, connector=None, **options):
        for each in self._projects(project):
            if action == "status":
                for row in webhooks_status(project=each):
                    if connector in (None, row["source"]):
                        self.stdout.write(f"{each.name:20} {json.dumps(row)}")
                continue
            configs = ConnectorConfig.objects.filter(project=each, enabled=True).select_related("project")
            for config in configs.filter(**({"source": connector} if connector else {})).order_by("source"):
                self.stdout.write(f"{each.name:20} {config.source:10} {self._apply(action, config)}")

    def _apply(self, action: str, config) -> str:
        try:
            if action == "register":
                endpoint = webhook_register(config=config, actor=ACTOR)
                return f"registered ({endpoint.registered_url}, id {endpoint.remote_id})"
            return "unregistered" if webhook_unregister(config=config, actor=ACTOR) else "was not registered"
        except NoPublicUrl as exc:
            raise CommandError(str(exc)) from exc
        except HttpError as exc:
            return f"FAILED: {exc}"

    @staticmethod
    def _projects(ref):
        if ref:
            project = project_by_ref(ref)
            if project is None:
                raise CommandError(f"No project named or with id {ref!r}")
            return [project]
        return projects_with_enabled_connectors()
