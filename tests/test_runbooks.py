"""Every `curl` line of docs/operations/runbooks.md works as written, against the address the page names.

The lines run in a real shell (`bash -o pipefail`) with real curl against a live uvicorn server, with
`BASE`, `METRICS` and `KEY` set as the page's conventions say; `python` is this virtualenv's, as on a
`make run` machine. The compose side is checked on paper: Caddy answers 404 for `/metrics`, so no line
may reach it through `$BASE`, and the compose Prometheus scrapes the web service on the network.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from core.services import api_key_create

ROOT = Path(__file__).resolve().parents[1]
RUNBOOKS = ROOT / "docs" / "operations" / "runbooks.md"
STREAMING_SECONDS = 4


def runbook_curl_lines() -> list[str]:
    """`curl …` lines inside the page's code blocks, comments kept (the shell ignores them)."""
    lines, in_block = [], False
    for line in RUNBOOKS.read_text().splitlines():
        if line.startswith("```"):
            in_block = not in_block
        elif in_block and line.lstrip().startswith("curl "):
            lines.append(line.strip())
    return lines


def run_line(line: str, env: dict) -> subprocess.CompletedProcess:
    """Run one line; a streaming one (`curl -N`) is read for a few seconds and then cut, as a reader would."""
    argv = ["bash", "-o", "pipefail", "-c", line]
    if " -sN " in line:
        argv = ["timeout", "--preserve-status", "-s", "INT", str(STREAMING_SECONDS), *argv]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def runbook_env(asgi_server, project, owner):
    _, key = api_key_create(project=project, name="ops", scope="read", created_by=owner)
    venv_bin = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}",
        "BASE": asgi_server.url,
        "METRICS": asgi_server.url,  # under `make run` both are the one web process
        "KEY": key,
    }


def test_the_runbook_has_the_lines_this_test_runs():
    lines = runbook_curl_lines()
    assert len(lines) >= 10
    assert any("$METRICS/metrics" in line for line in lines)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("line", runbook_curl_lines())
def test_each_runbook_curl_line_works_against_a_running_server(line, runbook_env):
    result = run_line(line, runbook_env)
    output = result.stdout
    if " -sN " in line:
        assert "connected" in output, f"{line}\n{output}{result.stderr}"
        return
    assert result.returncode == 0, f"{line}\nexit {result.returncode}\n{output}{result.stderr}"
    assert output.strip(), f"{line} printed nothing"
    if "json.tool" in line:
        body = json.loads(output)
        assert "error" not in body, f"{line} answered an error: {body}"
    if "/metrics" in line:
        assert re.search(r"^app_up 1\.0$", output, re.MULTILINE), output


def test_no_runbook_line_reads_metrics_through_the_proxy():
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "respond /metrics 404" in caddyfile
    assert [line for line in runbook_curl_lines() if "$BASE/metrics" in line] == []


def test_compose_prometheus_scrapes_web_on_the_network_with_the_alert_rules():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    prometheus = services["prometheus"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in prometheus["volumes"]}
    config = yaml.safe_load((ROOT / mounts["/etc/prometheus/prometheus.yml"]).read_text())
    (scrape,) = config["scrape_configs"]
    assert scrape["job_name"] == "workforce"  # the alert rules select up{job="workforce"}
    assert scrape["metrics_path"] == "/metrics"
    assert scrape["static_configs"][0]["targets"] == ["web:8000"]
    assert "--port 8000" in " ".join(services["web"]["command"]).replace('"', "")
    allowed = services["web"]["environment"]["ALLOWED_HOSTS"]
    assert {"web", "127.0.0.1"} <= set(allowed.split(","))  # Prometheus's and operators' Host headers
    for rule_file in config["rule_files"]:
        assert (ROOT / mounts[rule_file]).exists(), rule_file
    assert "127.0.0.1:8000:8000" in services["web"]["ports"]  # $METRICS on the Docker host, loopback only
