"""`manage.py sync`: run connector syncs now, for one project/connector or all, with a progress bar."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from connectors.models import ConnectorConfig, Source
from connectors.services.state import AlreadyRunning
from connectors.services.sync import connector_sync
from core.selectors import project_by_ref


class Command(BaseCommand):
    help = "Sync connectors now: --project NAME|ID (default all), --connector NAME (default all), --full."

    def add_arguments(self, parser):
        parser.add_argument("--project", help="Project name or id (default: every project with connectors).")
        parser.add_argument("--connector", choices=Source.values)
        parser.add_argument("--streams", help="Comma-separated stream names.")
        parser.add_argument("--full", action="store_true", help="Ignore cursors and re-read everything.")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        configs = ConnectorConfig.objects.filter(enabled=True).select_related("project").order_by("project", "source")
        if options["project"]:
            project = project_by_ref(options["project"])
            if project is None:
                raise CommandError(f"No project named or with id {options['project']!r}")
            configs = configs.filter(project=project)
        if options["connector"]:
            configs = configs.filter(source=options["connector"])
        if not configs:
            raise CommandError("No enabled connector matches.")
        streams = options["streams"].split(",") if options["streams"] else None
        failed = 0
        for config in configs:
            failed += self._sync(config, streams, options)
        if failed:
            raise CommandError(f"{failed} sync(s) did not finish ok")

    def _sync(self, config, streams, options) -> int:
        label = f"{config.project.name} / {config.source}"
        bar = tqdm(desc=label, unit=" rows", disable=options["no_progress"], file=self.stdout)

        seen: dict[str, int] = {}

        def on_page(stream, counts):
            bar.set_postfix_str(stream)
            bar.update(counts.fetched - seen.get(stream, 0))
            seen[stream] = counts.fetched

        try:
            run = connector_sync(
                project=config.project,
                source=config.source,
                streams=streams,
                full=options["full"],
                trigger="manual",
                on_page=on_page,
            )
        except AlreadyRunning as exc:
            bar.close()
            self.stderr.write(f"{label}: {exc}")
            return 1
        bar.close()
        totals = {k: sum(c[k] for c in run.counts.values()) for k in ("fetched", "inserted", "updated", "unchanged")}
        self.stdout.write(
            f"{label}: {run.status} in {run.duration_ms} ms {totals}" + (f" — {run.error}" if run.error else "")
        )
        return 0 if run.status == "ok" else 1
