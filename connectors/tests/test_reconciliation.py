"""Reconciliation against the sandbox: formula, missing and duplicate ids, diff, targeted re-sync."""

import uuid

import pytest

from audit.models import AuditEvent
from connectors.models import ReconciliationMetric
from connectors.services.reconciliation import completeness_pct, reconciliation_run
from connectors.services.sync import connector_sync

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


def test_missing_raw_rows_and_the_diff_and_a_targeted_resync_back_to_100(
    owner_api, project, make_tenant, bind, sleep, sandbox
):
    tenant = make_tenant()
    bind(project, tenant, sources=["linear"])
    connector_sync(project=project, source="linear", sleep=sleep)
    reconciliation_run(project=project, sleep=sleep)
    deleted = sandbox.mutate(tenant=tenant.name, action="delete_issues", count=2)["issues"]
    added = sandbox.mutate(tenant=tenant.name, action="new_issues", count=3)["issues"]

    run = owner_api.post("/api/connectors/reconciliation/run").json()
    linear = next(m for m in run["metrics"] if m["connector"] == "linear")
    assert linear["completeness_pct"] < 100
    assert {f"issues:{i}" for i in added} <= set(linear["missing_ids"])
    assert {f"issues:{i}" for i in deleted} <= set(linear["deleted_ids"])
    assert not {f"issues:{i}" for i in deleted} & set(linear["missing_ids"])

    diff = next(
        d for d in owner_api.get("/api/connectors/reconciliation/diff").json()["diff"] if d["connector"] == "linear"
    )
    assert diff["previous_pct"] == 100.0
    assert diff["delta_pct"] < 0
    resync = owner_api.post(diff["resync_url"], diff["resync_body"])
    assert resync.status_code == 200, resync.json()
    assert resync.json()["run"]["status"] == "ok"

    again = owner_api.post("/api/connectors/reconciliation/run").json()
    assert next(m for m in again["metrics"] if m["connector"] == "linear")["completeness_pct"] == 100.0


def test_low_completeness_is_audited_and_history_is_append_only(studio, make_tenant, bind, sleep, sandbox):
    tenant = make_tenant()
    bind(studio, tenant, sources=["linear"])
    connector_sync(project=studio, source="linear", sleep=sleep)
    sandbox.mutate(tenant=tenant.name, action="new_issues", count=40)
    reconciliation_run(project=studio, sleep=sleep)
    reconciliation_run(project=studio, sleep=sleep)
    assert AuditEvent.objects.filter(project=studio, action="reconciliation.completeness_low").count() == 2
    assert ReconciliationMetric.objects.filter(project=studio).count() == 4  # linear + portfolio, twice


def test_reconciliation_endpoint_trend_and_series(owner_api, project, make_tenant, bind, sleep):
    bind(project, make_tenant(), sources=["attio"])
    connector_sync(project=project, source="attio", sleep=sleep)
    owner_api.post("/api/connectors/reconciliation/run")
    body = owner_api.get("/api/connectors/reconciliation?days=7&limit=10").json()
    assert {m["connector"] for m in body["latest"]} == {"attio", "portfolio"}
    assert len(body["trend"]) == 1
    assert {s["connector"] for s in body["by_connector"]} == {"attio", "portfolio"}
    assert owner_api.get("/api/connectors/reconciliation?days=0").status_code == 400


def test_resync_validates_ids(owner_api, project, make_tenant, bind):
    bind(project, make_tenant(), sources=["linear"])
    bad = owner_api.post("/api/connectors/linear/resync", {"ids": ["nostream"]})
    assert bad.status_code == 400
    assert "ids" in bad.json()["detail"]
    assert owner_api.post("/api/connectors/linear/resync", {"ids": []}).status_code == 400


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
