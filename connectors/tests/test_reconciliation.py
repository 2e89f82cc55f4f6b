"""Reconciliation against the sandbox: formula, missing and duplicate ids, diff, targeted re-sync."""

import uuid

import pytest

from audit.models import AuditEvent
from connectors.models import RawLinearIssue, ReconciliationMetric, SyncRun
from connectors.services.reconciliation import completeness_pct, reconciliation_run
from connectors.services.sync import connector_sync
from jobs.models import JobRun

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("total", "missing", "expected"), [(0, 0, 100.0), (10, 0, 100.0), (10, 1, 90.0), (3, 1, 66.67), (4, 5, 0.0)]
)
def test_completeness_formula(total, missing, expected):
    assert completeness_pct(total, missing) == expected


def by_source(result) -> dict:
    return {metric.source: metric for metric in result["metrics"]}


def test_a_fully_synced_project_is_complete(studio, make_tenant, bind, sleep):
    bind(studio, make_tenant(), sources=["linear"])
    connector_sync(project=studio, source="linear", sleep=sleep)
    metrics = by_source(reconciliation_run(project=studio, sleep=sleep))
    assert metrics["linear"].completeness_pct == 100.0
    assert metrics["linear"].missing == 0
    assert metrics["portfolio"].total == metrics["linear"].total > 0


def test_a_deal_deleted_in_the_source_is_deleted_at_source_not_missing(
    studio, make_tenant, bind, sleep, sandbox, django_capture_on_commit_callbacks
):
    tenant = make_tenant()
    bind(studio, tenant, sources=["attio"])
    with django_capture_on_commit_callbacks(execute=True):  # the mirror is built after each page commits
        connector_sync(project=studio, source="attio", sleep=sleep)
    deleted = sandbox.mutate(tenant=tenant.name, action="delete_deal", count=1)["deals"][0]
    attio = by_source(reconciliation_run(project=studio, sleep=sleep))["attio"]
    assert f"deals:{deleted}" in attio.deleted_ids
    assert f"deals:{deleted}" not in attio.missing_ids
    assert attio.missing == 0
    assert attio.completeness_pct == 100.0


def test_duplicate_contact_emails_are_counted(studio, make_tenant, bind, sleep):
    tenant = make_tenant()
    bind(studio, tenant, sources=["chatwoot"])
    connector_sync(project=studio, source="chatwoot", sleep=sleep)
    chatwoot = by_source(reconciliation_run(project=studio, sleep=sleep))["chatwoot"]
    assert chatwoot.duplicates >= 2
    assert all(entry.startswith("contacts:") for entry in chatwoot.duplicate_ids)


@pytest.fixture
def queued(owner_api, eager_tasks, django_capture_on_commit_callbacks):
    """POST to an endpoint that queues work, let a worker (eager here) run the run, return (entry, JobRun)."""

    def post(path: str, payload=None):
        with django_capture_on_commit_callbacks(execute=True):  # the task goes after the run's row commits
            response = owner_api.post(path, payload)
        assert response.status_code == 202, response.json()
        [entry] = response.json()["runs"]
        assert entry["status"] == "queued"
        return entry, JobRun.objects.get(pk=entry["run_id"])

    return post


def latest(owner_api, connector: str) -> dict:
    metrics = owner_api.get("/api/connectors/reconciliation").json()["latest"]
    return next(metric for metric in metrics if metric["connector"] == connector)


def test_missing_raw_rows_and_the_diff_and_a_targeted_resync_back_to_100(
    owner_api, project, make_tenant, bind, sleep, sandbox, queued
):
    tenant = make_tenant()
    bind(project, tenant, sources=["linear"])
    connector_sync(project=project, source="linear", sleep=sleep)
    reconciliation_run(project=project, sleep=sleep)
    deleted = sandbox.mutate(tenant=tenant.name, action="delete_issues", count=2)["issues"]
    added = sandbox.mutate(tenant=tenant.name, action="new_issues", count=3)["issues"]

    entry, run = queued("/api/connectors/reconciliation/run")
    assert entry["connector"] is None  # the whole project
    assert (run.job, run.status) == ("connectors_reconciliation", "succeeded")
    linear = latest(owner_api, "linear")
    assert str(linear["run_id"]) == run.counts["reconciliation_run_id"]
    assert linear["completeness_pct"] < 100
    assert {f"issues:{i}" for i in added} <= set(linear["missing_ids"])
    assert {f"issues:{i}" for i in deleted} <= set(linear["deleted_ids"])
    assert not {f"issues:{i}" for i in deleted} & set(linear["missing_ids"])
    assert AuditEvent.objects.get(action="reconciliation.run", payload__run_id=linear["run_id"]).actor_label == (
        "olga-owner"
    )

    diff = next(
        d for d in owner_api.get("/api/connectors/reconciliation/diff").json()["diff"] if d["connector"] == "linear"
    )
    assert diff["previous_pct"] == 100.0
    assert diff["delta_pct"] < 0
    entry, resync = queued(diff["resync_url"], diff["resync_body"])
    assert entry["connector"] == "linear"
    assert (resync.job, resync.trigger, resync.status) == ("linear_sync", "resync", "succeeded")
    sync_run = SyncRun.objects.get(pk=resync.counts["sync_run"])
    assert (sync_run.status, sync_run.trigger, sync_run.job_run_id) == ("ok", "resync", resync.pk)
    assert sync_run.counts["issues"]["inserted"] == 3
    assert RawLinearIssue.objects.filter(project=project, external_id__in=added).count() == 3

    queued("/api/connectors/reconciliation/run")
    assert latest(owner_api, "linear")["completeness_pct"] == 100.0


def test_run_and_resync_answer_409_while_work_for_them_is_active(owner_api, project, make_tenant, bind):
    from connectors.services.state import lease_claim, lease_owner_id

    bind(project, make_tenant(), sources=["linear"])
    assert owner_api.post("/api/connectors/reconciliation/run").status_code == 202  # queued, no worker here
    second = owner_api.post("/api/connectors/reconciliation/run")
    assert (second.status_code, second.json()["error"]) == (409, "already_running")
    lease_claim(project=project, source="linear", owner=lease_owner_id(),
                run=SyncRun.objects.create(project=project, source="linear"))  # fmt: skip
    issue = "issues:" + str(uuid.uuid4())
    busy = owner_api.post("/api/connectors/linear/resync", {"ids": [issue]})
    assert (busy.status_code, busy.json()["error"]) == (409, "already_running")
    assert not JobRun.objects.filter(job="linear_sync").exists()


def test_low_completeness_is_audited_and_history_is_append_only(studio, make_tenant, bind, sleep, sandbox):
    tenant = make_tenant()
    bind(studio, tenant, sources=["linear"])
    connector_sync(project=studio, source="linear", sleep=sleep)
    sandbox.mutate(tenant=tenant.name, action="new_issues", count=40)
    reconciliation_run(project=studio, sleep=sleep)
    reconciliation_run(project=studio, sleep=sleep)
    assert AuditEvent.objects.filter(project=studio, action="reconciliation.completeness_low").count() == 2
    assert ReconciliationMetric.objects.filter(project=studio).count() == 4  # linear + portfolio, twice


def test_reconciliation_endpoint_trend_and_series(owner_api, project, make_tenant, bind, sleep, queued):
    bind(project, make_tenant(), sources=["attio"])
    connector_sync(project=project, source="attio", sleep=sleep)
    queued("/api/connectors/reconciliation/run")
    body = owner_api.get("/api/connectors/reconciliation?days=7&limit=10").json()
    assert {m["connector"] for m in body["latest"]} == {"attio", "portfolio"}
    assert len(body["trend"]) == 1
    assert {s["connector"] for s in body["by_connector"]} == {"attio", "portfolio"}
    assert owner_api.get("/api/connectors/reconciliation?days=0").status_code == 400


def test_resync_validates_ids_before_queuing_anything(owner_api, project, make_tenant, bind):
    bind(project, make_tenant(), sources=["linear"])
    bad = owner_api.post("/api/connectors/linear/resync", {"ids": ["nostream"]})
    assert bad.status_code == 400
    assert "ids" in bad.json()["detail"]
    assert owner_api.post("/api/connectors/linear/resync", {"ids": []}).status_code == 400
    assert not JobRun.objects.filter(project=project).exists()


def test_another_projects_reconciliation_never_shows(owner_api, project, other_project, make_tenant, bind, sleep):
    bind(other_project, make_tenant(), sources=["linear"])
    connector_sync(project=other_project, source="linear", sleep=sleep)
    reconciliation_run(project=other_project, sleep=sleep)
    body = owner_api.get("/api/connectors/reconciliation").json()
    assert body["latest"] == []
    assert owner_api.get("/api/connectors/reconciliation/diff").json()["diff"] == []


def test_metrics_export_each_category_of_the_latest_reconciliation(api, studio):
    ReconciliationMetric.objects.create(
        project=studio, account_scope_id=studio.account_scope_id, run_id=uuid.uuid4(), source="chatwoot", total=140,
        missing=2, deleted_at_source=5, not_listable=37, duplicates=1, orphans=4, completeness_pct=98.57,
    )  # fmt: skip
    text = api.get("/metrics").content.decode()
    labels = f'{{connector="chatwoot",project="{studio.pk}"}}'
    expected = {"completeness_pct": 98.57, "missing": 2, "deleted_at_source": 5, "not_listable": 37,
                "duplicates": 1, "orphans": 4}  # fmt: skip
    for name, value in expected.items():
        assert f"app_reconciliation_{name}{labels} {float(value)}" in text, name
