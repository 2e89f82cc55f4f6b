"""Ensure the owner account and the demo project exist (idempotent); used by `make run`."""

from django.conf import settings
from django.core.management.base import BaseCommand

from connectors.services.configs import connector_configs_seed_from_env
from core.services import bootstrap_owner
from jobs.schedules import schedules_ensure


class Command(BaseCommand):
    help = "Ensure the owner account, the demo project and the periodic job schedules exist."

    def handle(self, *args, **options):
        user, project = bootstrap_owner(
            username=settings.WORKFORCE_ADMIN_USERNAME,
            password=settings.WORKFORCE_ADMIN_PASSWORD,
            demo_project=settings.WORKFORCE_DEMO_PROJECT,
        )
        self.stdout.write(f"owner: {user.username}  demo project: {project.name} ({project.id})")
        seeded = connector_configs_seed_from_env(project=project)
        if seeded:
            self.stdout.write(f"connectors configured from the environment: {', '.join(c.source for c in seeded)}")
        created = schedules_ensure()
        if created:
            self.stdout.write(f"schedules created: {', '.join(created)}")
