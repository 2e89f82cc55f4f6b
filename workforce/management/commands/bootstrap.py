"""Ensure the owner account and the demo project exist (idempotent); used by `make run`."""

from django.conf import settings
from django.core.management.base import BaseCommand

from workforce.services import bootstrap_owner


class Command(BaseCommand):
    help = "Create the owner account (WORKFORCE_ADMIN_USERNAME/PASSWORD) and the demo project if missing."

    def handle(self, *args, **options):
        user, project = bootstrap_owner(
            username=settings.WORKFORCE_ADMIN_USERNAME,
            password=settings.WORKFORCE_ADMIN_PASSWORD,
            demo_project=settings.WORKFORCE_DEMO_PROJECT,
        )
        self.stdout.write(f"owner: {user.username}  demo project: {project.name} ({project.id})")
