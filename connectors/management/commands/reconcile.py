"""`manage.py reconcile`: walk source ids and reconcile them with raw and mirror rows, now."""

from django.core.management.base import BaseCommand, CommandError

from connectors.models import ConnectorConfig
from connectors.services.reconciliation import reconciliation_run
from core.selectors import project_by_ref, projects_with_ids


class Command(BaseCommand):
    help = "Reconcile connectors: --project NAME|ID (default: every project with enabled connectors)."

    def add_arguments(self, parser):
        parser.add_argument("--project")

    def handle(self, *args, **options):
        if options["project"]:
            project = project_by_ref(options["project"])
            if project is None:
                raise CommandError(f"No project named or with id {options['project']!r}")
            projects = [project]
        else:
            ids = ConnectorConfig.objects.filter(enabled=True).values("project_id")
            projects = list(projects_with_ids(ids).order_by("name"))
        for project in projects:
            result = reconciliation_run(project=project, actor="manage.py reconcile")
            for metric in result["metrics"]:
                line = (
                    f"{project.name:20} {metric.source:10} {metric.completeness_pct:6.2f}%  total={metric.total} "
                    f"missing={metric.missing} duplicates={metric.duplicates} orphans={metric.orphans}"
                )
                self.stdout.write(line + (f"  error: {metric.error}" if metric.error else ""))
