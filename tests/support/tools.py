"""System tools some test groups need (Debian chromium, promtool): skipped locally, required in CI.

A missing tool skips its group on a developer machine and the run ends with one line naming the skipped
groups and the `apt-get install` that enables them; with `CI` set, a missing tool fails the test instead.
"""

import os
import shutil

import pytest

# group → (what is missing, Debian package)
_MISSING: dict[str, tuple[str, str]] = {}
_SKIPPED: dict[str, int] = {}


def require_tool(*, group: str, command: str, package: str) -> str:
    """The tool's path; skip (locally) or fail (CI) the calling test when it is not installed."""
    found = shutil.which(command)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{command} is missing in CI: .ci/run installs Debian's {package} package")
    _MISSING[group] = (command, package)
    _SKIPPED[group] = _SKIPPED.get(group, 0) + 1
    pytest.skip(f"{group} tests need {command} (apt-get install {package})")


def pytest_unconfigure(config):
    """After pytest's own summary, so the line is the last thing `make test` prints."""
    terminalreporter = config.pluginmanager.get_plugin("terminalreporter")
    if not _MISSING or terminalreporter is None:
        return
    groups = ", ".join(f"{group} ({_SKIPPED[group]}, no {command})" for group, (command, _) in _MISSING.items())
    packages = " ".join(sorted({package for _, package in _MISSING.values()}))
    terminalreporter.write_line(
        f"SKIPPED GROUPS: {groups}; enable them with: sudo apt-get install -y {packages}", yellow=True, bold=True
    )
