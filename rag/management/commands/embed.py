"""`manage.py embed`: embed pending chunks now, with a progress bar."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.selectors import project_by_ref, projects_all, projects_with_ids
from rag.models import Chunk, ChunkStatus
from rag.services.chunks import chunks_rebuild, chunks_requeue_failed
from rag.services.embeddings import embeddings_run
from rag.services.hnsw import embedding_column_reset


class Command(BaseCommand):
    help = "Embed pending chunks now: --project NAME|ID (default every project with pending chunks)."

    def add_arguments(self, parser):
        parser.add_argument("--project", help="Project name or id.")
        parser.add_argument(
            "--rebuild", action="store_true", help="Re-chunk every source record and rebuild the knowledge graph first."
        )
        parser.add_argument("--requeue-failed", action="store_true", help="Give failed chunks fresh attempts.")
        parser.add_argument("--budget", type=int, help="Token budget of the run (default EMBEDDING_RUN_TOKEN_BUDGET).")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Recreate the embedding column with EMBEDDING_DIMENSIONS (drops every embedding), then embed.",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        if options["reset"]:
            dimensions = settings.EMBEDDING_DIMENSIONS
            count = embedding_column_reset(dimensions=dimensions)
            self.stdout.write(f"embedding column is now vector({dimensions}); {count} chunk(s) pending")
        failed = 0
        for project in self._projects(options):
            failed += self._embed(project, options)
        if failed:
            raise CommandError(f"{failed} run(s) stopped on a provider error (see the job runs).")

    def _projects(self, options) -> list:
        if options["project"]:
            project = project_by_ref(options["project"])
            if project is None:
                raise CommandError(f"No project named or with id {options['project']!r}")
            return [project]
        if options["rebuild"] or options["requeue_failed"] or options["reset"]:
            return list(projects_all())
        ids = Chunk.objects.filter(status=ChunkStatus.PENDING).values_list("project_id", flat=True).distinct()
        return list(projects_with_ids(ids))

    def _embed(self, project, options) -> int:
        if options["rebuild"]:
            result = chunks_rebuild(project=project)
            self.stdout.write(f"{project.name}: re-chunked ({result.written} written, {result.deleted} deleted)")
        if options["requeue_failed"]:
            self.stdout.write(f"{project.name}: {chunks_requeue_failed(project=project)} failed chunk(s) re-queued")
        total = Chunk.objects.filter(project=project, status=ChunkStatus.PENDING).count()
        bar = tqdm(total=total, desc=project.name, unit=" chunks", disable=options["no_progress"], file=self.stdout)
        done = {"n": 0}

        def on_batch(result):
            handled = result.embedded + result.failed + result.retry_later
            bar.update(handled - done["n"])
            done["n"] = handled

        run, result = embeddings_run(project=project, token_budget=options["budget"], on_batch=on_batch)
        bar.close()
        summary = f"{project.name}: {result.embedded} embedded, {result.failed} failed, {result.tokens} tokens"
        self.stdout.write(f"{summary} ({run.status}{': ' + result.stopped if result.stopped else ''})")
        return 1 if run.status not in ("succeeded",) else 0
