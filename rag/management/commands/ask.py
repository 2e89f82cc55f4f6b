"""`manage.py ask "question"`: query LightRAG from the shell; prints the answer and the evidence."""

import json

from django.core.management.base import BaseCommand, CommandError

from core.api.errors import ApiError
from core.selectors import project_by_ref, projects_all
from rag.api.validation import query_params_from
from rag.services.query import lightrag_query


class Command(BaseCommand):
    help = 'Ask LightRAG a question: ask "question" [--project P] [--top-k N] [--filter messages,issues] [--json]'

    def add_arguments(self, parser):
        parser.add_argument("question")
        parser.add_argument("--project", help="Project name or id (default: the only project).")
        parser.add_argument("--top-k", type=int, default=10)
        parser.add_argument("--source-limit", type=int, default=8)
        parser.add_argument("--filter", help="Comma-separated: messages, issues, deals.")
        parser.add_argument("--json", action="store_true", help="Print the API response as JSON.")

    def handle(self, *args, **options):
        project = self._project(options["project"])
        body = {"query": options["question"], "topK": options["top_k"], "sourceLimit": options["source_limit"]}
        if options["filter"]:
            body["sourceFilter"] = [part.strip() for part in options["filter"].split(",") if part.strip()]
        try:
            params = query_params_from(body)
        except ApiError as exc:
            raise CommandError(f"invalid input: {exc.detail_value}") from None
        result = lightrag_query(project=project, params=params, actor_label="manage.py ask")
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False, default=str))
            return
        self._print(result)

    def _project(self, ref):
        if ref:
            project = project_by_ref(ref)
            if project is None:
                raise CommandError(f"No project named or with id {ref!r}")
            return project
        projects = list(projects_all()[:2])
        if len(projects) != 1:
            raise CommandError("Several projects exist: pass --project NAME|ID.")
        return projects[0]

    def _print(self, result: dict) -> None:
        flag = "  [degraded: keyword-only or extractive fallback]" if result["degraded"] else ""
        self.stdout.write(result["answer"] + flag)
        self.stdout.write("")
        for item in result["evidence"]:
            when = item["occurred_at"] or "undated"
            self.stdout.write(f"[{item['id']}] {item['title']} ({item['source_type']} {item['source_id']}, {when})")
            self.stdout.write(f"     {item['snippet']}")
            if item["url"]:
                self.stdout.write(f"     {item['url']}")
        stats = result["stats"]
        self.stdout.write(
            f"\nquality {result['quality_score']}, diversity {result['source_diversity']}, "
            f"{stats['chunks']} chunks, {result['duration_ms']} ms, run {result['query_run_id']}"
        )
