"""`manage.py doctor [--project P] [--json]`: run the operations checklist (docs/operations/runbooks.md).

One line per check: `ok|warn|fail  <name>  <detail>  (runbooks.md#<section>)`. Exit code 1 when any check
fails, 0 otherwise (warnings included).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from core.checklist import FAIL, OK, WARN, worst
from core.selectors import project_by_ref
from workforce.doctor import doctor_run


class Command(BaseCommand):
    help = (
        "Run the operations checklist: database, migrations, Redis, broker, metrics, live events, schedules, "
        "workers, storage, retention, then per project (--project NAME|ID, default every project): access, "
        "connectors, errors, completeness, embeddings. Exit code 1 when a check fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", help="Project name or id (default: every project).")
        parser.add_argument("--json", action="store_true", help="Print the checks as JSON.")

    def handle(self, *args, **options):
        project = None
        if options["project"]:
            project = project_by_ref(options["project"])
            if project is None:
                raise CommandError(f"No project named or with id {options['project']!r}", returncode=1)
        checks = doctor_run(project=project)
        overall = worst(checks)
        if options["json"]:
            self.stdout.write(json.dumps({"status": overall, "checks": [c.as_dict() for c in checks]}, indent=2))
        else:
            styles = {OK: self.style.SUCCESS, WARN: self.style.WARNING, FAIL: self.style.ERROR}
            for check in checks:
                status = styles[check.status](f"{check.status:<4}")
                self.stdout.write(f"{status}  {check.name}  {check.detail}  (runbooks.md#{check.runbook_anchor})")
        counts = {status: sum(c.status == status for c in checks) for status in (OK, WARN, FAIL)}
        summary = f"{counts[OK]} ok, {counts[WARN]} warn, {counts[FAIL]} fail"
        if overall == FAIL:
            raise CommandError(f"doctor: {summary}; read the runbook section named on each failing line", returncode=1)
        self.stderr.write(f"doctor: {summary}")
