"""Issue, list or revoke project-bound API keys from the shell."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.models import ApiKey, ApiKeyScope, Project
from core.selectors import project_by_ref
from core.services import api_key_create, api_key_revoke


class Command(BaseCommand):
    help = "create --project P --name N [--scope read|write] [--expires ISO]; list; revoke PREFIX"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("prefix", nargs="?")
        parser.add_argument("--project")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--scope", choices=[c.value for c in ApiKeyScope], default=ApiKeyScope.READ)
        parser.add_argument("--expires")
        parser.add_argument("--user", help="Owner of the key (default: the first superuser).")

    def handle(self, *args, **options):
        getattr(self, f"_{options['action']}")(options)

    def _project(self, ref: str | None) -> Project:
        if not ref:
            raise CommandError("--project is required")
        project = project_by_ref(ref)
        if project is None:
            raise CommandError(f"No project named or with id {ref!r}")
        return project

    def _user(self, username: str | None):
        users = get_user_model().objects
        user = users.filter(username=username).first() if username else users.filter(is_superuser=True).first()
        if user is None:
            raise CommandError("No such user (pass --user).")
        return user

    def _create(self, options):
        expires = parse_datetime(options["expires"]) if options["expires"] else None
        if options["expires"] and expires is None:
            raise CommandError("--expires must be an ISO 8601 date-time")
        key, raw = api_key_create(
            project=self._project(options["project"]),
            name=options["name"],
            scope=options["scope"],
            created_by=self._user(options["user"]),
            expires_at=expires,
        )
        self.stdout.write(f"{raw}\n(prefix {key.prefix}; shown once, store it now)")

    def _list(self, options):
        keys = ApiKey.objects.select_related("project")
        if options["project"]:
            keys = keys.filter(project=self._project(options["project"]))
        for key in keys:
            state = "active" if key.is_active else "revoked/expired"
            self.stdout.write(f"{key.prefix}  {key.project.name}  {key.name}  {key.scope}  {state}")

    def _revoke(self, options):
        key = ApiKey.objects.filter(prefix=options["prefix"] or "").first()
        if key is None:
            raise CommandError("No key with that prefix")
        api_key_revoke(key=key, actor="cli")
        self.stdout.write(f"revoked {key.prefix} at {timezone.now().isoformat()}")
