"""Figures, budgets and the regression check of `make bench`.

Each benchmark records its headline figures with `summary_add()` (a number, its unit and which direction is
better); `scripts/bench_all.py` sets BENCH_SUMMARY_FILE, and run alone a script's `summary_add()` does nothing.
`regressions()` compares the figures with the budgets committed in `docs/operations/bench-budgets.json`:
a figure regresses when it is worse than its budget by more than the tolerance, which is the larger of a
relative part (`tolerance_pct`, default 30 %: the spread between runs on a shared 2-core machine) and an
absolute part (`slack`, in the figure's unit: 10 ms, since a 5 ms page partial doubling on a busy shared machine
is noise, while the regressions worth stopping for — an N+1 query, a lost index — cost more than that).
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

BUDGETS_PATH = Path(__file__).resolve().parent.parent / "docs" / "operations" / "bench-budgets.json"
DEFAULT_TOLERANCE_PCT = 30.0
DEFAULT_SLACK = {"ms": 10.0}


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (the one formula every benchmark uses); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def summary_add(bench: str, measure: str, value: float, unit: str, *, better: str, goal: str = "") -> None:
    """Record one figure for the combined table and the regression check."""
    assert better in ("higher", "lower"), better
    path = os.environ.get("BENCH_SUMMARY_FILE")
    if not path:
        return
    row = {"bench": bench, "measure": measure, "value": value, "unit": unit, "better": better, "goal": goal}
    with open(path, "a", encoding="utf-8") as summary:
        summary.write(json.dumps(row) + "\n")


def summary_rows(path: str) -> list[dict]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as summary:
        return [json.loads(line) for line in summary if line.strip()]


# ---------------------------------------------------------------- budgets


@dataclass(frozen=True)
class Verdict:
    """One figure against its budget."""

    row: dict
    budget: dict | None

    @property
    def key(self) -> str:
        return f"{self.row['bench']}: {self.row['measure']}"

    @property
    def limit(self) -> float | None:
        """The worst value still accepted."""
        if self.budget is None:
            return None
        base = self.budget["value"]
        tolerance = max(
            abs(base) * self.budget.get("tolerance_pct", DEFAULT_TOLERANCE_PCT) / 100,
            self.budget.get("slack", DEFAULT_SLACK.get(self.row["unit"], 0.0)),
        )
        return base - tolerance if self.row["better"] == "higher" else base + tolerance

    @property
    def regressed(self) -> bool:
        if self.limit is None:
            return False
        value = self.row["value"]
        return value < self.limit if self.row["better"] == "higher" else value > self.limit

    def change_pct(self) -> float | None:
        if self.budget is None or not self.budget["value"]:
            return None
        return 100 * (self.row["value"] - self.budget["value"]) / abs(self.budget["value"])


def budgets_load(path: Path = BUDGETS_PATH) -> dict[str, dict]:
    if not path.exists():
        return {}
    return json.loads(path.read_text())["figures"]


def budgets_write(rows: list[dict], path: Path = BUDGETS_PATH) -> None:
    """Record `rows` as the new budgets, keeping each figure's own tolerance and slack."""
    previous = budgets_load(path)
    figures = {}
    for row in rows:
        key = f"{row['bench']}: {row['measure']}"
        kept = {k: v for k, v in previous.get(key, {}).items() if k in ("tolerance_pct", "slack")}
        figures[key] = {"value": round(row["value"], 3), "unit": row["unit"], "better": row["better"], **kept}
    document = {
        "about": "Budgets of `make bench` (small scale), written by `scripts/bench_all.py --write-budgets`; "
        "a figure may carry its own tolerance_pct / slack. Policy: docs/operations/performance-budgets.md",
        "figures": figures,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def verdicts(rows: list[dict], budgets: dict[str, dict]) -> list[Verdict]:
    return [Verdict(row, budgets.get(f"{row['bench']}: {row['measure']}")) for row in rows]


def missing_figures(rows: list[dict], budgets: dict[str, dict]) -> list[str]:
    """Budgeted figures no benchmark reported (a benchmark failed, or a measure was renamed)."""
    seen = {f"{row['bench']}: {row['measure']}" for row in rows}
    return sorted(set(budgets) - seen)


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def summary_table(results: list[Verdict]) -> str:
    """The figures with budget, change and verdict, as one aligned text table."""
    header = ("benchmark", "measure", "value", "budget", "change", "verdict", "goal")
    table = [header]
    for verdict in results:
        row, unit = verdict.row, verdict.row["unit"]
        budget = f"{_number(verdict.budget['value'])} {unit}" if verdict.budget else "—"
        change = verdict.change_pct()
        status = "no budget" if verdict.budget is None else ("REGRESSED" if verdict.regressed else "ok")
        table.append((row["bench"], row["measure"], f"{_number(row['value'])} {unit}", budget,
                      "" if change is None else f"{change:+.0f} %", status, row.get("goal", "")))  # fmt: skip
    widths = [max(len(str(line[i])) for line in table) for i in range(len(header))]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in table
    )


def regression_lines(results: list[Verdict]) -> list[str]:
    """One line per regressed figure: what, how much, and the limit it crossed."""
    lines = []
    for verdict in results:
        if verdict.regressed:
            unit = verdict.row["unit"]
            lines.append(
                f"REGRESSION {verdict.key}: {_number(verdict.row['value'])} {unit} vs budget "
                f"{_number(verdict.budget['value'])} {unit} ({verdict.change_pct():+.0f} %; "
                f"{verdict.row['better']} is better, limit {_number(verdict.limit)} {unit})"
            )
    return lines
