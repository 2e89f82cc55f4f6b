"""Retrieval quality of LightRAG on the sandbox studio dataset, with the offline embedder.

    .venv/bin/python scripts/eval_rag.py [--markdown] [--verbose] [--seed S --messages N]

Loads the labelled questions (rag/evaluation/questions.json: seed `demo`, 2000 messages), starts the sandbox
servers in-process, syncs Chatwoot, Linear and Attio into a fresh project of its own database
(`workforce_eval` on the embedded server unless DATABASE_URL is set) — chunks are built by the same
after-commit hooks as in production — embeds with the offline provider, then prints recall@10, MRR and
nDCG@10 for vector-only, keyword-only and hybrid retrieval, overall and by question kind and language.
"""

import argparse
import json
import os
import time
from pathlib import Path

from preamble import django_setup  # scripts/ is on sys.path when a script runs

# The figures are for the offline provider by definition, whatever the machine's environment says.
os.environ["EMBEDDING_PROVIDER"] = "offline"
os.environ["LLM_PROVIDER"] = "extractive"
django_setup(db_name="workforce_eval")

from django.core.management import call_command

from connectors.services.configs import connector_config_upsert
from connectors.services.sync import connector_sync
from core.models import AccountScope, Project
from rag.evaluation import questions as question_set
from rag.evaluation.runner import MODES, evaluate
from rag.models import Chunk
from rag.providers import embedding_provider
from rag.services.embeddings import embeddings_run
from sandbox import SandboxServers


def load_project(servers: SandboxServers, seed: str, messages: int) -> Project:
    """A fresh project bound to a sandbox tenant, synced, chunked and embedded."""
    scope, _ = AccountScope.objects.get_or_create(name="LightRAG evaluation")
    Project.objects.filter(account_scope=scope).delete()
    project = Project.objects.create(account_scope=scope, name=f"eval {seed} {messages}")
    tenant = servers.add_tenant(name=f"eval-{seed}", seed=seed, messages=messages)
    urls = {"chatwoot": servers.chatwoot_url, "linear": servers.linear_url, "attio": servers.attio_url}
    secrets = {"chatwoot": tenant.chatwoot_token, "linear": tenant.linear_api_key, "attio": tenant.attio_api_key}
    for source, url in urls.items():
        account = str(tenant.chatwoot_account_id) if source == "chatwoot" else ""
        connector_config_upsert(project=project, source=source, base_url=url, secret=secrets[source],
                                account_id=account, rate_limit_per_second=10_000)  # fmt: skip
    for source in ("attio", "linear", "chatwoot"):
        run = connector_sync(project=project, source=source, trigger="eval", sleep=lambda seconds: None)
        assert run.status == "ok", f"{source} sync: {run.status} {run.error}"
    run, _ = embeddings_run(project=project, trigger="eval")
    assert run.status == "succeeded", run.error
    return project


def table(report: dict, *, markdown: bool) -> str:
    metrics = ("recall@10", "mrr", "ndcg@10")
    lines = []
    if markdown:
        lines += ["| retrieval | recall@10 | MRR | nDCG@10 |", "|---|---|---|---|"]
        for mode in MODES:
            figures = report[mode]["overall"]
            lines.append(f"| {mode} | " + " | ".join(f"{figures[m]:.3f}" for m in metrics) + " |")
        return "\n".join(lines)
    lines.append(f"{'retrieval':10} {'recall@10':>10} {'MRR':>8} {'nDCG@10':>8}")
    for mode in MODES:
        figures = report[mode]["overall"]
        lines.append(
            f"{mode:10} " + " ".join(f"{figures[m]:>{w}.3f}" for m, w in zip(metrics, (10, 8, 8), strict=True))
        )
    return "\n".join(lines)


def breakdown(report: dict, *, markdown: bool) -> str:
    lines = ["| slice | questions | " + " | ".join(f"{m} nDCG@10" for m in MODES) + " |", "|---|---|---|---|---|"]
    if not markdown:
        lines = [f"{'slice':16} {'n':>3} " + " ".join(f"{m + ' nDCG':>13}" for m in MODES)]
    for group in ("by_kind", "by_lang"):
        for name in report["hybrid"][group]:
            n = report["hybrid"][group][name]["questions"]
            figures = [report[m][group][name]["ndcg@10"] for m in MODES]
            if markdown:
                lines.append(f"| {name} | {n} | " + " | ".join(f"{f:.3f}" for f in figures) + " |")
            else:
                lines.append(f"{name:16} {n:>3} " + " ".join(f"{f:>13.3f}" for f in figures))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print markdown tables (for docs/)")
    parser.add_argument("--verbose", action="store_true", help="per-question scores")
    parser.add_argument("--json", help="write the full report to this file")
    parser.add_argument("--seed", help="another sandbox seed: questions rebuilt from the same templates for it")
    parser.add_argument("--messages", type=int, default=question_set.MESSAGES, help="with --seed: dataset scale")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    data = question_set.load()
    if args.seed:
        questions = question_set.build(seed=args.seed, messages=args.messages)
        data = {"seed": args.seed, "messages": args.messages, "questions": questions}
    servers = SandboxServers(host="127.0.0.1").start()
    try:
        started = time.perf_counter()
        project = load_project(servers, data["seed"], data["messages"])
        chunks = Chunk.objects.filter(project=project).count()
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        report = evaluate(project=project, questions=data["questions"], provider=embedding_provider(for_query=True))
        eval_s = time.perf_counter() - started
    finally:
        servers.stop()
    count = len(data["questions"])
    print(f"{count} questions, seed {data['seed']!r}, {data['messages']} messages, {chunks} chunks, offline provider;"
          f" load {load_s:.1f} s, {3 * count} retrievals {eval_s:.1f} s\n")  # fmt: skip
    print(table(report, markdown=args.markdown))
    print()
    print(breakdown(report, markdown=args.markdown))
    if args.verbose:
        for index, row in enumerate(report["hybrid"]["rows"]):
            cells = " ".join(f"{report[m]['rows'][index]['ndcg@10']:.2f}" for m in MODES)
            print(f"{row['id']} {row['kind']:8} {row['lang']:6} nDCG v/k/h {cells}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False))
    Project.objects.filter(pk=project.pk).delete()


if __name__ == "__main__":
    main()
