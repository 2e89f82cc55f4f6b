"""One summary table for `make bench`: each benchmark adds its headline figures with `summary_add()`.

`scripts/bench_all.py` sets BENCH_SUMMARY_FILE; run alone, a script's `summary_add()` does nothing.
"""

import json
import os


def summary_add(bench: str, measure: str, value: str, goal: str = "") -> None:
    """Record one figure (already formatted, e.g. "52,853 rows/s") for the combined table."""
    path = os.environ.get("BENCH_SUMMARY_FILE")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as summary:
        summary.write(json.dumps({"bench": bench, "measure": measure, "value": value, "goal": goal}) + "\n")


def summary_table(path: str) -> str:
    """The recorded figures as one aligned text table."""
    rows = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as summary:
            rows = [json.loads(line) for line in summary if line.strip()]
    header = ("benchmark", "measure", "value", "goal")
    table = [header, *((r["bench"], r["measure"], r["value"], r["goal"]) for r in rows)]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)) for row in table
    )
