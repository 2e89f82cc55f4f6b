"""The runtime set is a lock: what the product imports is pinned, with hashes, and the dev lock agrees with it.

The newcomer path itself (a virtualenv from `requirements.txt` alone running `make run`) is proven by
`scripts/smoke_newcomer.py`, which `.ci/run` runs after `make test`.
"""

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s\\;]+)", re.MULTILINE)
PRODUCT_PACKAGES = ("workforce", "core", "jobs", "audit", "connectors", "crm", "rag", "ops_dashboard")
# The sandbox servers are no part of the product, but `make run` serves them from the same runtime lock.
RUNTIME_PACKAGES = (*PRODUCT_PACKAGES, "sandbox")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    return {normalise(name): version for name, version in PIN.findall(path.read_text())}


def direct_requirements(path: Path) -> dict[str, str | None]:
    wanted = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name = re.match(r"[A-Za-z0-9_.\-]+", line).group(0)
        version = line.split("==", 1)[1] if "==" in line else None
        wanted[normalise(name)] = version
    return wanted


def product_imports() -> set[str]:
    """Top-level modules imported by the product's own code and the sandbox's (tests and test helpers excluded)."""
    modules = set()
    for package in RUNTIME_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "testing" in parts or path.name == "testing.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - set(RUNTIME_PACKAGES)


def test_every_requirement_of_the_input_is_locked_at_its_pinned_version():
    locked = pins(ROOT / "requirements.txt")
    for name, version in direct_requirements(ROOT / "requirements.in").items():
        assert name in locked, f"{name} is in requirements.in but not in the lock: run `make lock`"
        if version:
            assert locked[name] == version, f"{name}: requirements.in pins {version}, the lock {locked[name]}"


def test_every_locked_package_carries_hashes():
    text = (ROOT / "requirements.txt").read_text()
    for block in re.split(r"\n(?=[A-Za-z0-9])", text.split("\n\n", 1)[-1]):
        if PIN.match(block):
            assert "--hash=sha256:" in block, f"no hash for {block.splitlines()[0]}"


def test_the_dev_lock_installs_exactly_the_runtime_lock_beside_the_tools():
    runtime, dev = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-dev.txt")
    differing = {name: (version, dev.get(name)) for name, version in runtime.items() if dev.get(name) != version}
    assert differing == {}, f"requirements-dev.txt disagrees with the runtime lock: {differing}"
    assert "-r requirements.txt" in (ROOT / "requirements-dev.in").read_text()


def test_every_module_the_product_imports_is_named_in_the_input():
    # Named, not merely locked as someone else's dependency: a transitive pin can vanish on the next `make lock`.
    named = set(direct_requirements(ROOT / "requirements.in"))
    distributions = importlib.metadata.packages_distributions()
    unlocked = {}
    for module in sorted(product_imports()):
        names = {normalise(name) for name in distributions.get(module, [])}
        assert names, f"`import {module}`: no installed distribution provides it"
        if not names & named:
            unlocked[module] = sorted(names)
    assert unlocked == {}, f"imported by the product but not named in requirements.in: {unlocked}"
