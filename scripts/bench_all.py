"""`make bench`: every benchmark at a small scale, one table, and the regression check against the budgets.

    .venv/bin/python scripts/bench_all.py [--only sync,rag] [--write-budgets]

Exits 1 when a benchmark fails, when a figure is worse than its committed budget
(`docs/operations/bench-budgets.json`) by more than the tolerance, or when a budgeted figure was not
reported; each regression is printed with its size. `--write-budgets` records this run's figures as the
new budgets (commit the file with the change that moved them). Full-size figures (the ones in
docs/operations/performance-budgets.md) come from running each script with its default (full) scale.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_summary import (
    BUDGETS_PATH,
    budgets_load,
    budgets_write,
    missing_figures,
    regression_lines,
    summary_rows,
    summary_table,
    verdicts,
)

ROOT = Path(__file__).resolve().parent
SMALL = [
    ("sync", ["bench_sync.py", "--messages", "10000"]),
    ("dashboard", ["bench_dashboard.py", "--scale", "small"]),
    ("sse", ["bench_sse.py", "--scale", "small"]),
    ("rag", ["bench_rag.py", "--scale", "0.05", "--queries", "100", "--recall-queries", "10", "--modes", "mix,naive"]),
    ("freshness", ["bench_freshness.py", "--changes", "60", "--messages", "20000"]),  # its defaults: about 2 min
]


def run_benchmarks(names: set[str], summary: str) -> list[str]:
    failed = []
    env = {**os.environ, "BENCH_SUMMARY_FILE": summary}
    for name, argv in SMALL:
        if name not in names:
            continue
        print(f"\n=== {name}: {' '.join(argv)}", flush=True)
        command = [sys.executable, str(ROOT / argv[0]), *argv[1:]]
        if subprocess.run(command, check=False, env=env).returncode != 0:
            failed.append(name)
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated benchmarks (sync, dashboard, sse, rag, freshness)")
    parser.add_argument("--write-budgets", action="store_true", help="record this run's figures as the budgets")
    args = parser.parse_args()
    names = set(args.only.split(",")) if args.only else {name for name, _ in SMALL}
    with tempfile.TemporaryDirectory() as directory:
        summary = str(Path(directory) / "summary.jsonl")
        failed = run_benchmarks(names, summary)
        rows = summary_rows(summary)
    budgets = budgets_load()
    if args.only:
        budgets = {key: value for key, value in budgets.items() if key.split(":", 1)[0] in names}
    results = verdicts(rows, budgets)
    print(f"\n=== summary (small scale) against {BUDGETS_PATH.relative_to(ROOT.parent)}")
    print(summary_table(results))
    problems = [f"FAILED benchmark: {name}" for name in failed]
    if args.write_budgets:
        if failed:
            print("\n".join(problems) + "\nbudgets not written: a benchmark failed")
            return 1
        budgets_write(rows if not args.only else _merged(rows))
        print(f"budgets written: {len(rows)} figures")
        return 0
    problems += regression_lines(results)
    problems += [f"MISSING {key}: budgeted, but not reported by this run" for key in missing_figures(rows, budgets)]
    print("\n".join(problems) if problems else "no regression beyond the tolerance")
    return 1 if problems else 0


def _merged(rows: list[dict]) -> list[dict]:
    """With --only, keep the other benchmarks' budgets as they are."""
    ran = {row["bench"] for row in rows}
    kept = [
        {"bench": key.split(": ", 1)[0], "measure": key.split(": ", 1)[1], **budget}
        for key, budget in budgets_load().items()
        if key.split(": ", 1)[0] not in ran
    ]
    return kept + rows


if __name__ == "__main__":
    sys.exit(main())
