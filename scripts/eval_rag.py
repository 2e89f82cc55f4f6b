"""Retrieval and answer quality of LightRAG on sandbox studio data, per query mode and per slice (offline provider).

    .venv/bin/python scripts/eval_rag.py [--set inrepo|tuning|tuning2|...|tuning5|heldout|heldout2|heldout3|all]
                                         [--modes naive,mix] [--markdown] [--verbose] [--json FILE] [--no-retrievers]
                                         [--seed S --messages N]

For each question set — the in-repo set (rag/evaluation/questions.json: seed `demo`), five tuning sets written by
hand to tune on (rag/evaluation/tuning*.json: seeds `tuning`, `tuning2` … `tuning5`) and three held-out
sets, never tuned on and reported by aggregates only (rag/evaluation/heldout*.json: seeds `heldout`, `heldout2`,
`heldout3`; the second and the third written later by someone who had seen neither the retriever nor the other sets,
because the first one's questions were partly read while refactoring) — it starts the sandbox
servers in-process, syncs Chatwoot, Linear and Attio into a fresh project of its own database
(`workforce_eval` on the embedded server unless DATABASE_URL is set; chunks are built by the same
after-commit hooks as in production), embeds with the offline provider, then asks every question through
`lightrag_query` in each mode (extractive answer, topK 40, 25 evidence sources) and prints recall@10, MRR,
nDCG@10 over the evidence's sources, the share of answers holding the expected facts, private leaks (a
question's forbidden strings or any private Chatwoot note of the project in the answer or evidence) and
server latency, overall and per slice. The retrievers table compares vector only, keyword only and the RRF
fusion of both under the query (the product's default depth).
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
from django.db import connection

from connectors.services.configs import connector_config_upsert
from connectors.services.sync import connector_sync
from core.models import AccountScope, Project
from rag.constants import QUERY_MODES
from rag.evaluation import heldout, heldout2, heldout3, tuning, tuning2, tuning3, tuning4, tuning5
from rag.evaluation import questions as question_set
from rag.evaluation.runner import RETRIEVERS, SLICES, evaluate_modes, evaluate_retrievers
from rag.models import Chunk
from rag.providers import embedding_provider
from rag.services.embeddings import embeddings_run
from sandbox import SandboxServers

SETS = {"inrepo": "in-repo", "tuning": "tuning", "tuning2": "second tuning", "tuning3": "third tuning",
        "tuning4": "fourth tuning", "tuning5": "fifth tuning", "heldout": "held-out", "heldout2": "second held-out",
        "heldout3": "third held-out"}  # fmt: skip
HAND_WRITTEN = {"tuning": tuning, "tuning2": tuning2, "tuning3": tuning3, "tuning4": tuning4,
                "tuning5": tuning5, "heldout": heldout,
                "heldout2": heldout2, "heldout3": heldout3}  # fmt: skip
HELD_OUT = {"heldout", "heldout2", "heldout3"}  # never read question by question


def load_project(servers: SandboxServers, seed: str, messages: int) -> Project:
    """A fresh project bound to a sandbox tenant, synced, chunked and embedded."""
    scope, _ = AccountScope.objects.get_or_create(name="LightRAG evaluation")
    Project.objects.filter(account_scope=scope, name=f"eval {seed} {messages}").delete()
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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE rag_chunks")  # planner statistics as autovacuum would leave them
    return project


def _f(value, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def modes_table(report: dict) -> list[str]:
    lines = [
        "| mode | questions | recall@10 | MRR | nDCG@10 | answer facts | private leaks | p50 ms | p95 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for mode, part in report.items():
        o = part["overall"]
        lines.append(
            f"| {mode} | {o['questions']} | {_f(o['recall@10'])} | {_f(o['mrr'])} | {_f(o['ndcg@10'])} | "
            f"{_f(o['facts'])} ({o['facts_questions']}) | {o['leaks']} | {o['p50_ms']:.0f} | {o['p95_ms']:.0f} |"
        )
    return lines


def slices_table(report: dict) -> list[str]:
    modes = list(report)
    lines = [
        "| slice | questions | " + " | ".join(f"{m} R@10 / MRR / facts" for m in modes) + " |",
        "|---|---|" + "---|" * len(modes),
    ]
    first = report[modes[0]]
    groups = [("by_slice", s) for s in SLICES if s in first["by_slice"]] + [("by_lang", k) for k in first["by_lang"]]
    for group, name in groups:
        n = first[group][name]["questions"]
        cells = []
        for mode in modes:
            o = report[mode][group][name]
            cells.append(f"{_f(o['recall@10'], 2)} / {_f(o['mrr'], 2)} / {_f(o['facts'], 2)}")
        label = name if group == "by_slice" else f"lang {name}"
        lines.append(f"| {label} | {n} | " + " | ".join(cells) + " |")
    return lines


def retrievers_table(report: dict) -> list[str]:
    lines = ["| retrieval | recall@10 | MRR | nDCG@10 |", "|---|---|---|---|"]
    for retriever in RETRIEVERS:
        o = report[retriever]["overall"]
        lines.append(f"| {retriever} | {_f(o['recall@10'])} | {_f(o['mrr'])} | {_f(o['ndcg@10'])} |")
    return lines


def plain(lines: list[str]) -> str:
    """A markdown table as aligned plain text."""
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines if not line.startswith("|---")]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def show(title: str, lines: list[str], markdown: bool) -> None:
    print(f"\n{title}\n")
    print("\n".join(lines) if markdown else plain(lines))


def verbose_rows(label: str, rows: list[dict], questions: list[dict]) -> None:
    print(f"\n{label} questions, first mode (recall@10, RR, facts, leaks; the question and the answer's start)")
    for row, entry in zip(rows, questions, strict=True):
        facts = "–" if row["facts"] is None else ("ok" if row["facts"] else "MISS")
        print(f"{row['id']} {row['lang']:6} {','.join(row['slices']) or '-':28} R {row['recall@10']:.2f} "
              f"RR {row['mrr']:.2f} facts {facts:4} leaks {len(row['leaks'])}  {entry['question']}")  # fmt: skip
        if row["facts"] is False or row["mrr"] < 1:
            print(f"    expected {entry.get('facts')}; top {row['top']}")
            print("    answer: " + row["answer"][:300].replace("\n", " / "))


def run_set(servers, name: str, data: dict, modes: tuple, *, retrievers: bool) -> dict:
    started = time.perf_counter()
    project = load_project(servers, data["seed"], data["messages"])
    chunks = Chunk.objects.filter(project=project).count()
    load_s = time.perf_counter() - started
    provider = embedding_provider(for_query=True)
    started = time.perf_counter()
    try:
        result = {"modes": evaluate_modes(project=project, questions=data["questions"], provider=provider, modes=modes)}
        if retrievers:
            result["retrievers"] = evaluate_retrievers(project=project, questions=data["questions"], provider=provider)
    finally:
        Project.objects.filter(pk=project.pk).delete()
    result["about"] = (
        f"{len(data['questions'])} questions, seed {data['seed']!r}, {data['messages']} messages, {chunks} chunks,"
        f" offline provider; load {load_s:.0f} s, queries {time.perf_counter() - started:.0f} s"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=[*SETS, "all"], default="inrepo", help="question set(s)")
    parser.add_argument("--modes", default=",".join(QUERY_MODES), help="comma-separated query modes")
    parser.add_argument("--markdown", action="store_true", help="print markdown tables (for docs/)")
    parser.add_argument("--verbose", action="store_true", help="per-question rows (not of the held-out sets)")
    parser.add_argument("--json", help="write the full report to this file")
    parser.add_argument("--no-retrievers", action="store_true", help="skip the vector/keyword/hybrid comparison")
    parser.add_argument("--seed", help="in-repo set only: the same templates rebuilt for another sandbox seed")
    parser.add_argument("--messages", type=int, default=question_set.MESSAGES, help="with --seed: dataset scale")
    args = parser.parse_args()
    modes = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    unknown = set(modes) - set(QUERY_MODES)
    if unknown:
        parser.error(f"--modes: unknown {sorted(unknown)}; choose from {', '.join(QUERY_MODES)}")
    call_command("migrate", verbosity=0)
    sets = {}
    if args.set in ("inrepo", "all"):
        data = question_set.load()
        if args.seed:
            data = {"seed": args.seed, "messages": args.messages,
                    "questions": question_set.build(seed=args.seed, messages=args.messages)}  # fmt: skip
        sets["inrepo"] = data
    for name, module in HAND_WRITTEN.items():
        if args.set in (name, "all"):
            sets[name] = module.load()
    servers = SandboxServers(host="127.0.0.1").start()
    try:
        results = {
            name: run_set(servers, name, data, modes, retrievers=not args.no_retrievers) for name, data in sets.items()
        }
    finally:
        servers.stop()
    for name, result in results.items():
        label = SETS[name]
        print(f"\n## {label} set: {result['about']}")
        show(f"{label}: per mode", modes_table(result["modes"]), args.markdown)
        show(f"{label}: per slice and language (recall@10 / MRR / answer facts)", slices_table(result["modes"]),
             args.markdown)  # fmt: skip
        if "retrievers" in result:
            show(f"{label}: retrievers under the fusion (product depth)", retrievers_table(result["retrievers"]),
                 args.markdown)  # fmt: skip
    if args.verbose:
        for name in results.keys() - HELD_OUT:
            verbose_rows(SETS[name], results[name]["modes"][modes[0]]["rows"], sets[name]["questions"])
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
