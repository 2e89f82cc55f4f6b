"""The observability package (docs/operations/observability/) is valid and tells the truth about `/metrics`.

- the alert rules pass `promtool check rules` and their `promtool test rules` unit tests, and the PromQL of the
  SLO document parses;
- every alert has `for`, a severity, a summary, a description and a runbook link to a real heading of
  docs/operations/runbooks.md (as does every check of `manage.py doctor`, and every relative link of the docs);
- the Grafana dashboard imports as is: `__inputs` with the Prometheus data source, a data source on every
  panel and target, the `project` variable;
- every `app_*`/`django_*` metric named by the dashboard, the rules and the SLO queries has samples in a live
  scrape of `/metrics` after data has been seeded.
"""

import datetime as dt
import json
import re
import subprocess
import uuid
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.utils import timezone

from connectors.models import (
    ConnectorConfig,
    ConnectorError,
    DeliveryStatus,
    ErrorStatus,
    ReconciliationMetric,
    WebhookDelivery,
    WebhookEndpoint,
)
from connectors.services.sync import connector_sync
from connectors.services.webhooks import webhook_endpoint_ensure
from core.checklist import doctor_checks
from jobs.models import JobRun, JobStatus
from jobs.schedules import SCHEDULES, schedules_ensure
from jobs.supervision import job_failed, job_succeeded
from rag.models import Chunk, ChunkStatus
from rag.services.embeddings import embeddings_run
from tests.support.tools import require_tool
from workforce import doctor

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = ROOT / "docs" / "operations"
OBSERVABILITY = OPERATIONS / "observability"
RULES = OBSERVABILITY / "alert-rules.yml"
RULE_TESTS = OBSERVABILITY / "alert-rules.test.yml"
DASHBOARD = OBSERVABILITY / "grafana-dashboard.json"
SLO = OBSERVABILITY / "slo.md"
RUNBOOKS = OPERATIONS / "runbooks.md"
DOCS = [RUNBOOKS, OPERATIONS / "deployment.md", SLO, OBSERVABILITY / "README.md"]
DATASOURCE = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
REQUIRED_ALERTS = {
    "WorkforceConnectorSyncFailing",
    "WorkforceConnectorStuckRunning",
    "WorkforceDeadLettersGrowing",
    "WorkforceCompletenessDrop",
    "WorkforceEmbeddingBacklog",
    "WorkforceLightragQueriesDegraded",
    "WorkforceRetentionLag",
    "WorkforcePubSubPublishErrors",
    "WorkforceScopeViolation",
    "WorkforceScheduledJobSuspended",
    "WorkforceScheduledJobFailing",
    "WorkforceAppDown",
    "WorkforceStorageNearBudget",
}


# ---------------------------------------------------------------- helpers


def promtool() -> str:
    """The promtool binary; a skip on a developer machine without it, a failure in CI."""
    return require_tool(group="alert-rule", command="promtool", package="prometheus")


def run_promtool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([promtool(), *args], capture_output=True, text=True, timeout=120, check=False)


def rules() -> list[dict]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard() -> dict:
    return json.loads(DASHBOARD.read_text())


def dashboard_panels() -> list[dict]:
    return [panel for panel in dashboard()["panels"] if panel["type"] != "row"]


def slo_queries() -> list[str]:
    return re.findall(r"```promql\n(.*?)```", SLO.read_text(), flags=re.DOTALL)


def every_expression() -> list[str]:
    exprs = [rule["expr"] for rule in rules()]
    exprs += [target["expr"] for panel in dashboard_panels() for target in panel["targets"]]
    exprs += [variable["definition"] for variable in dashboard()["templating"]["list"]]
    return exprs + slo_queries()


def metric_names(expr: str) -> set[str]:
    """The `app_*`/`django_*` series an expression selects (string literals, i.e. label values, removed first;
    functions, keywords and label names never start with these prefixes)."""
    without_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    return set(re.findall(r"\b((?:app|django)_[a-zA-Z0-9_]+)\b", without_strings))


def github_anchors(markdown: str) -> set[str]:
    """Heading anchors as GitHub renders them: lower case, punctuation dropped, spaces to hyphens, repeats
    numbered. Lines inside fenced code blocks are not headings."""
    anchors, seen, fenced = set(), {}, False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        match = None if fenced else re.match(r"^#{1,6} +(.+?) *#*$", line)
        if not match:
            continue
        slug = re.sub(r"[^\w\- ]", "", match.group(1).strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def scrape() -> str:
    response = Client().get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


def sampled_names(text: str) -> set[str]:
    return {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line and not line.startswith("#")}


# ---------------------------------------------------------------- rules


def test_promtool_accepts_the_alert_rules():
    result = run_promtool("check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules())} rules found" in result.stdout


def test_the_alert_rules_pass_their_promtool_unit_tests():
    result = run_promtool("test", "rules", str(RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_the_compose_prometheus_config(tmp_path):
    # The config names the rules where compose mounts them; point it at the repository's copy instead.
    config = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    config["rule_files"] = [str(RULES)]
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    result = run_promtool("check", "config", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_slo_queries_are_valid_promql(tmp_path):
    queries = slo_queries()
    assert len(queries) >= 6
    recording = {"groups": [{"name": "slo", "rules": [{"record": f"slo:query_{i}", "expr": q} for i, q in
                                                      enumerate(queries)]}]}  # fmt: skip
    path = tmp_path / "slo-rules.yml"
    path.write_text(yaml.safe_dump(recording))
    result = run_promtool("check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_complete_and_the_required_ones_exist():
    alerts = rules()
    names = [rule["alert"] for rule in alerts]
    assert len(names) == len(set(names))
    assert set(names) >= REQUIRED_ALERTS
    for rule in alerts:
        assert re.fullmatch(r"\d+[smh]", rule["for"]), rule["alert"]
        assert rule["labels"]["severity"] in {"critical", "warning"}, rule["alert"]
        assert {"summary", "description", "runbook"} <= set(rule["annotations"]), rule["alert"]
        assert rule["annotations"]["runbook"].startswith("docs/operations/runbooks.md#"), rule["alert"]


def test_every_runbook_link_of_the_rules_and_the_doctor_is_a_heading_of_the_runbooks():
    anchors = github_anchors(RUNBOOKS.read_text())
    linked = {rule["annotations"]["runbook"].split("#", 1)[1] for rule in rules()}
    assert linked - anchors == set()
    registered = [*doctor_checks(per_project=False), *doctor_checks(per_project=True)]
    from_doctor = {check.anchor for check in registered} | {doctor.HEALTH, doctor.SESSION, doctor.REDIS}
    assert len(registered) >= 12
    assert from_doctor - anchors == set()
    for required in ("health-and-metrics-answer", "session-and-active-project", "scheduler-jobs-working",
                     "no-connector-stuck-in-running", "ready-embeddings-above-zero", "redis-ping", "sse-connections",
                     "dashboard-not-updating", "lightrag-returns-nothing", "connector-sync-fails",
                     "completeness-drop-between-systems", "auth-and-csrf-problems", "what-to-watch"):  # fmt: skip
        assert required in anchors


@pytest.mark.parametrize("document", DOCS, ids=lambda path: path.name)
def test_relative_links_of_the_operations_docs_resolve(document):
    for target in re.findall(r"\]\(([^)\s]+)\)", document.read_text()):
        if re.match(r"[a-z]+://", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        assert linked.exists(), f"{document.name}: {target}"
        if anchor:
            assert anchor in github_anchors(linked.read_text()), f"{document.name}: {target}"


# ---------------------------------------------------------------- dashboard


def test_the_dashboard_imports_as_is():
    board = dashboard()
    assert board["schemaVersion"] >= 36
    assert board["id"] is None
    assert board["uid"]
    assert {"name": "DS_PROMETHEUS", "type": "datasource", "pluginId": "prometheus"}.items() <= (
        board["__inputs"][0].items()
    )
    variables = {variable["name"]: variable for variable in board["templating"]["list"]}
    assert variables["project"]["datasource"] == DATASOURCE
    assert "app_" in variables["project"]["definition"]
    ids = [panel["id"] for panel in board["panels"]]
    assert len(ids) == len(set(ids))
    for panel in board["panels"]:
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24, panel["title"]


def test_every_panel_has_targets_with_a_data_source():
    panels = dashboard_panels()
    assert len(panels) >= 15
    for panel in panels:
        assert panel["datasource"] == DATASOURCE, panel["title"]
        assert panel["targets"], panel["title"]
        refs = [target["refId"] for target in panel["targets"]]
        assert len(refs) == len(set(refs)), panel["title"]
        for target in panel["targets"]:
            assert target["datasource"] == DATASOURCE, panel["title"]
            assert metric_names(target["expr"]), f"{panel['title']}: {target['expr']}"


def test_the_dashboard_has_health_freshness_and_perf_rows():
    rows = [panel["title"] for panel in dashboard()["panels"] if panel["type"] == "row"]
    assert rows == ["Health", "Freshness", "Performance"]
    exprs = " ".join(target["expr"] for panel in dashboard_panels() for target in panel["targets"])
    required = ("app_up", "app_connector_lag_seconds", "app_rag_embedding_backlog_age_seconds",
                "app_retention_cleanup_lag_days", "app_sse_connections_total", "app_scope_violation_total")  # fmt: skip
    for name in required:
        assert name in exprs
    assert 'view="lightrag-query"' in exprs


# ---------------------------------------------------------------- against a live scrape


@pytest.fixture
def seeded(owner_api, project, make_tenant, bind, sleep, offline, django_capture_on_commit_callbacks):
    """Data behind every family: a synced connector with errors, dead letters and a reconciliation, a registered
    webhook with a delivery applied a moment ago, chunks ready and pending, a LightRAG query over HTTP,
    scheduled jobs that succeeded and failed, a failed run."""
    schedules_ensure()
    bind(project, make_tenant(messages=60), sources=("chatwoot",))
    with django_capture_on_commit_callbacks(execute=True):
        assert connector_sync(project=project, source="chatwoot", sleep=sleep).status == "ok"
    embeddings_run(project=project)
    Chunk.objects.filter(pk=Chunk.objects.filter(project=project).values("pk")[:1]).update(status=ChunkStatus.PENDING)
    for status, key in ((ErrorStatus.OPEN, "page:1"), (ErrorStatus.DEAD_LETTER, "page:2")):
        ConnectorError.objects.create(project=project, source="chatwoot", stream="messages", dedupe_key=key,
                                      error_kind="transient", message="503 from the source", status=status)  # fmt: skip
    ReconciliationMetric.objects.create(
        project=project, run_id=uuid.uuid4(), source="chatwoot", total=100, missing=3, completeness_pct=97.0
    )
    endpoint, _ = webhook_endpoint_ensure(config=ConnectorConfig.objects.get(project=project, source="chatwoot"))
    now = timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(registered_at=now, last_delivery_at=now)
    WebhookDelivery.objects.create(
        project=project, endpoint=endpoint, source="chatwoot", delivery_key="seeded", event="message_created",
        hints={"conversations": ["1"]}, status=DeliveryStatus.APPLIED, event_at=now - dt.timedelta(seconds=2),
        received_at=now - dt.timedelta(seconds=1), applied_at=now,
    )  # fmt: skip
    for schedule in SCHEDULES:
        job_succeeded(schedule.name)
    job_failed("retention_cleanup", "RuntimeError: boom")
    JobRun.objects.create(project=project, job="chatwoot_sync", status=JobStatus.FAILED, error="boom")
    response = owner_api.post("/api/lightrag/query", {"query": "invoice for the kick-off"})
    assert response.status_code == 200, response.json()
    return project


@pytest.mark.django_db
def test_every_metric_of_the_dashboard_rules_and_slos_has_samples_in_a_live_scrape(seeded):
    text = scrape()
    present = sampled_names(text)
    used = set().union(*(metric_names(expr) for expr in every_expression()))
    assert len(used) >= 25
    assert sorted(used - present) == []
    # The LightRAG latency panels select the query view by its URL name.
    assert re.search(r'^django_http_requests_latency_seconds_by_view_method_count\{[^}]*view="lightrag-query"', text,
                     re.MULTILINE)  # fmt: skip


def test_the_name_parser_ignores_label_values_and_functions():
    expr = 'histogram_quantile(0.95, sum by (le) (rate(django_x_bucket{view="app_fake", le="0.05"}[5m]))) or app_up'
    assert metric_names(expr) == {"django_x_bucket", "app_up"}
