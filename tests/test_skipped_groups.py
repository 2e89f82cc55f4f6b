"""A test group whose system tool is missing is skipped on a developer machine, named in the run's last line
with the `apt-get install` that enables it, and fails instead when `CI` is set."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEEDS_A_MISSING_TOOL = """
from tests.support.tools import require_tool

def test_needs_the_tool():
    require_tool(group="spectrograph", command="no-such-tool-here", package="spectro-tools")

def test_needs_nothing():
    assert True
"""


def run_pytest(tmp_path: Path, *, ci: bool) -> subprocess.CompletedProcess:
    (tmp_path / "test_group.py").write_text(NEEDS_A_MISSING_TOOL)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(ROOT)
    if ci:
        env["CI"] = "true"
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.support.tools", "-c",
            os.devnull, "--rootdir", str(tmp_path), str(tmp_path)]  # fmt: skip
    return subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_a_missing_tool_skips_its_group_and_the_last_line_says_how_to_enable_it(tmp_path):
    result = run_pytest(tmp_path, ci=False)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout
    last = result.stdout.strip().splitlines()[-1]
    assert last == (
        "SKIPPED GROUPS: spectrograph (1, no no-such-tool-here); "
        "enable them with: sudo apt-get install -y spectro-tools"
    )


def test_in_ci_a_missing_tool_fails_the_test(tmp_path):
    result = run_pytest(tmp_path, ci=True)
    assert result.returncode == 1
    assert "no-such-tool-here is missing in CI" in result.stdout
    assert "SKIPPED GROUPS" not in result.stdout
