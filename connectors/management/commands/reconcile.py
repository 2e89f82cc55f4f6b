"""`manage.py reconcile`: walk source ids, apply confirmed deletions and reconcile with raw and mirror rows, now.

`--dry-run` asks the sources the same questions and changes nothing: no strike, no tombstone, no metric.
"""

from django.core.management.base import BaseCommand, CommandError

from connectors.selectors import projects_with_enabled_connectors
from connectors.services.reconciliation import reconciliation_run
from core.selectors import project_by_ref


class Command(BaseCommand):
    help = "Reconcile connectors: --project NAME|ID (default: every project with enabled connectors), --dry-run."

    def add_arguments(self, parser):
        parser.add_argument("--project")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be deleted and the figures; change nothing."
        )

    def handle(self, *args, **options):
        if options["project"]:
            project = project_by_ref(options["project"])
            if project is None:
                raise CommandError(f"No project named or with id {options['project']!r}")
            projects = [project]
        else:
            projects = projects_with_enabled_connectors()
        dry_run = options["dry_run"]
        for project in projects:
            result = reconciliation_run(project=project, actor="manage.py reconcile", dry_run=dry_run)
            for metric in result["metrics"]:
                self.stdout.write(f"{project.name:20} {_line(metric)}")
            for source, check in result["checks"].items() if dry_run else ():
                for stream, stream_check in check.streams.items():
                    if stream_check.deleted_applied or stream_check.deleted_pending:
                        self.stdout.write(f"{'':20} {source}.{stream}: {_would(stream_check)}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")


def _line(metric) -> str:
    line = (
        f"{metric.source:10} {metric.completeness_pct:6.2f}%  total={metric.total} missing={metric.missing} "
        f"deleted_at_source={metric.deleted_at_source} not_listable={metric.not_listable} "
        f"duplicates={metric.duplicates} orphans={metric.orphans}"
    )
    return line + (f"  error: {metric.error}" if metric.error else "")


def _would(check) -> str:
    applied, pending = check.deleted_applied, check.deleted_pending
    return f"would delete {', '.join(applied) or 'nothing'}; pending (not yet confirmed) {', '.join(pending) or 'none'}"
