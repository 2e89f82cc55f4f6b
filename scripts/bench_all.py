"""`make bench`: run every benchmark script at a small scale, one after the other, and print their tables.

Full-size figures (the ones in docs/operations/performance-budgets.md) come from running each script
with its default (full) scale.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SMALL = [
    ("sync", ["bench_sync.py", "--messages", "10000"]),
    ("dashboard", ["bench_dashboard.py", "--scale", "small"]),
    ("sse", ["bench_sse.py", "--scale", "small"]),
    ("rag", ["bench_rag.py", "--scale", "0.05", "--queries", "50", "--recall-queries", "10"]),
]


def main() -> int:
    failed = 0
    for name, argv in SMALL:
        if not (ROOT / argv[0]).exists():
            continue
        print(f"\n=== {name}: {' '.join(argv)}", flush=True)
        failed += subprocess.run([sys.executable, str(ROOT / argv[0]), *argv[1:]], check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
