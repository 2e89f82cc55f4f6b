"""`make bench`: run every benchmark script at a small scale, one after the other, and print their tables.

Full-size figures (the ones in docs/operations/performance-budgets.md) come from running each script
with its default (full) scale.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_summary import summary_table

ROOT = Path(__file__).resolve().parent
SMALL = [
    ("sync", ["bench_sync.py", "--messages", "10000"]),
    ("dashboard", ["bench_dashboard.py", "--scale", "small"]),
    ("sse", ["bench_sse.py", "--scale", "small"]),
    ("rag", ["bench_rag.py", "--scale", "0.05", "--queries", "50", "--recall-queries", "10"]),
]


def main() -> int:
    failed = []
    with tempfile.TemporaryDirectory() as directory:
        summary = str(Path(directory) / "summary.jsonl")
        env = {**os.environ, "BENCH_SUMMARY_FILE": summary}
        for name, argv in SMALL:
            print(f"\n=== {name}: {' '.join(argv)}", flush=True)
            command = [sys.executable, str(ROOT / argv[0]), *argv[1:]]
            if subprocess.run(command, check=False, env=env).returncode != 0:
                failed.append(name)
        print("\n=== summary (small scale; full-scale figures: docs/operations/performance-budgets.md)")
        print(summary_table(summary))
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
