"""The sandbox is its own package: it runs without the product and imports nothing of it, nor Django."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
REPO = PACKAGE.parent
PRODUCT = ("workforce", "core", "jobs", "audit", "connectors", "crm", "rag", "ops_dashboard", "tests", "django")

# Every module of the package imported in a fresh interpreter, then the servers started, a tenant seeded,
# one request to each service, a mutation and a fault: what the product has loaded by then is printed.
RUN_WITHOUT_THE_PRODUCT = """
import json, pkgutil, sys, urllib.error, urllib.request
import sandbox

modules = [m.name for m in pkgutil.walk_packages(sandbox.__path__, "sandbox.")]
for name in modules:
    __import__(name)

servers = sandbox.SandboxServers(host="127.0.0.1").start()
try:
    tenant = servers.add_tenant(name="alone", seed="alone", messages=300)
    calls = [
        (f"{servers.chatwoot_url}/api/v1/accounts/{tenant.chatwoot_account_id}/inboxes", None,
         {"api_access_token": tenant.chatwoot_token}),
        (servers.linear_url, json.dumps({"query": "{ viewer { id } }"}).encode(),
         {"Authorization": tenant.linear_api_key, "Content-Type": "application/json"}),
        (f"{servers.attio_url}/v2/objects/companies/records/query", b"{}",
         {"Authorization": f"Bearer {tenant.attio_api_key}", "Content-Type": "application/json"}),
    ]
    statuses = []
    for url, body, headers in calls:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=10) as reply:
            statuses.append(reply.status)
    servers.mutate(tenant="alone", action="new_messages", count=2)
    servers.add_fault(service="chatwoot", path="/inboxes", kind="status", status=503, times=1)
    try:
        urllib.request.urlopen(urllib.request.Request(calls[0][0], headers=calls[0][2]), timeout=10)
    except urllib.error.HTTPError as error:
        statuses.append(error.code)
finally:
    servers.stop()

print(json.dumps({"modules": modules, "statuses": statuses, "loaded": sorted(sys.modules)}))
"""


def is_product(module: str) -> bool:
    return module.split(".")[0] in PRODUCT


def test_the_package_runs_in_a_fresh_interpreter_without_loading_the_product(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run([sys.executable, "-c", RUN_WITHOUT_THE_PRODUCT], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    expected = {f"sandbox.{path.stem}" for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    assert expected <= set(report["modules"]), "every module of the package is imported"
    assert report["statuses"] == [200, 200, 200, 503]
    assert [name for name in report["loaded"] if is_product(name)] == []


def test_no_module_of_the_package_names_the_product_in_an_import():
    # Catches imports inside functions too, which importing the modules alone would not run.
    offending = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            offending += [f"{path.relative_to(REPO)}:{node.lineno} {name}" for name in names if is_product(name)]
    assert offending == []
