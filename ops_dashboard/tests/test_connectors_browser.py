"""In a real browser: the Connectors page starts a sync that a real Celery worker runs, and the page
follows it live (SSE) without reloading; a dead letter retried from the page (queued for the worker) leaves the
list; errors are filtered in place; reconciliation (queued too) finds a lost record and the page re-syncs exactly
that one."""

import re

import pytest
from playwright.sync_api import expect

from connectors.models import ConnectorError, RawLinearIssue, SyncRun
from connectors.services.sync import connector_sync
from core.models import Role
from ops_dashboard.tests.factories import make_error

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BADGE = "[data-testid=live-status]"
STATE = "[data-testid=partial-connectors-state]"
RUNS = "[data-testid=partial-connectors-runs]"
DEAD = "[data-testid=partial-connectors-dead-letters]"


@pytest.fixture
def member(make_user, make_project):
    user = make_user("carl-connectors")
    return user, make_project("Connected", members={user: Role.PM})


@pytest.fixture
def faults(sandbox):
    yield sandbox
    sandbox.clear_faults()


def test_sync_now_runs_on_the_worker_and_the_page_follows_it_live(
    page, login_cookie, member, make_tenant, bind, faults, celery_worker
):
    user, project = member
    bind(project, make_tenant(), sources=["linear"])
    # One slow page keeps the run going for a while: what the page shows afterwards can only have come
    # through live events, not from the refresh the page makes right after its own POST.
    faults.add_fault(service="linear", path="/graphql", operation="issues", kind="slow", delay_ms=1500, times=1)
    login_cookie(page, user, project)
    page.goto("/connectors")
    expect(page.locator(BADGE)).to_have_text("live")
    expect(page.get_by_test_id("sync-runs-empty")).to_be_visible()
    page.evaluate("window.notReloaded = true")

    page.get_by_test_id("sync-linear").click()

    expect(page.locator('[data-note="sync-linear"]')).to_contain_text("linear queued")
    expect(page.get_by_test_id("status-linear")).to_have_text("running", timeout=5_000)
    expect(page.get_by_test_id("progress-linear")).to_contain_text("rows fetched")
    expect(page.get_by_test_id("sync-linear")).to_be_disabled()
    expect(page.get_by_test_id("status-linear")).to_have_text("ok", timeout=5_000)
    run = SyncRun.objects.get(project=project, source="linear")
    run_row = page.locator(f'{RUNS} tr[data-sync-run-id="{run.id}"]')
    expect(run_row).to_contain_text("ok")
    expect(run_row).to_contain_text(f"{sum(c['fetched'] for c in run.counts.values()):,}")
    expect(page.get_by_test_id("sync-linear")).to_be_enabled()
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator(BADGE)).to_have_text("live")

    run_row.locator("summary").click()  # per-stream counts, kept open across live refreshes
    expect(run_row.locator('tr[data-stream="issues"]')).to_be_visible()
    run_row.evaluate("row => row.dataset.old = '1'")
    page.evaluate("WorkforceLive.refreshAll()")
    expect(page.locator(f"{RUNS} tr[data-old]")).to_have_count(0)  # re-rendered
    expect(run_row.locator('tr[data-stream="issues"]')).to_be_visible()


def test_sync_now_while_running_shows_the_refusal_inline(page, login_cookie, member, make_tenant, bind, faults):
    user, project = member
    bind(project, make_tenant(), sources=["attio"])
    login_cookie(page, user, project)
    page.goto("/connectors")
    # No worker in this test: the queued run waits, and the state says `running` once a run claims the
    # lease; here another process holds it.
    from connectors.services.state import lease_claim

    run = SyncRun.objects.create(project=project, source="attio")
    lease_claim(project=project, source="attio", owner="elsewhere:1:x", run=run)
    page.get_by_test_id("sync-all").click()
    expect(page.locator('[data-note="sync-all"]')).to_contain_text("attio already running")


def test_dead_letter_retry_from_the_page_shows_failure_inline_then_resolves(
    page, login_cookie, member, make_tenant, bind, faults, sleep, celery_worker
):
    user, project = member
    bind(project, make_tenant(), sources=["linear"])
    faults.add_fault(service="linear", path="/graphql", operation="cycles", kind="status", status=500, times=3)
    connector_sync(project=project, source="linear", streams=["cycles"], sleep=sleep)
    faults.clear_faults()
    error = ConnectorError.objects.get(project=project)
    ConnectorError.objects.filter(pk=error.pk).update(status="dead_letter", attempt=5, next_retry_at=None)
    # The source still refuses (permanently, so the retry fails at once).
    faults.add_fault(service="linear", path="/graphql", operation="cycles", kind="status", status=422, times=-1)

    login_cookie(page, user, project)
    page.goto("/connectors")
    row = page.locator(f'{DEAD} tr[data-error-id="{error.id}"]')
    expect(row).to_contain_text("linear / cycles")
    row.get_by_role("button", name="Retry").click()  # queued for the worker; the page follows the run live
    expect(row.locator(f'[data-note="dead-letter-{error.id}"]')).to_contain_text("Failed again (attempt 6)")
    expect(row).to_be_visible()

    faults.clear_faults()
    row.get_by_role("button", name="Retry").click()
    expect(row).to_have_count(0)
    expect(page.locator('[data-note="dead-letters"]')).to_contain_text(re.compile(r"Resolved: linear / cycles"))
    expect(page.get_by_test_id("dead-letters-empty")).to_be_visible()
    error.refresh_from_db()
    assert error.status == "resolved"


def test_errors_filters_narrow_the_list_live_and_stay_in_the_address(page, login_cookie, member):
    user, project = member
    open_linear = make_error(project, "linear")
    dead_attio = make_error(project, "attio", status="dead_letter")
    login_cookie(page, user, project)
    page.goto("/connectors")
    errors = page.get_by_test_id("partial-connectors-errors")
    expect(errors.locator("tr[data-error-id]")).to_have_count(2)

    page.get_by_test_id("error-filters").get_by_label("Status").select_option("open")
    expect(errors.locator("tr[data-error-id]")).to_have_count(1)
    expect(errors.locator(f'tr[data-error-id="{open_linear.id}"]')).to_be_visible()
    expect(page).to_have_url(re.compile(r"/connectors\?status=open$"))

    page.get_by_test_id("error-filters").get_by_label("Connector").select_option("attio")
    expect(page.get_by_test_id("errors-empty")).to_have_text("No errors match these filters.")
    page.reload()
    expect(page.get_by_test_id("errors-empty")).to_be_visible()
    page.get_by_test_id("error-filters").get_by_label("Status").select_option("")
    expect(errors.locator(f'tr[data-error-id="{dead_attio.id}"]')).to_be_visible()


def test_reconciliation_finds_a_missing_record_and_resyncs_exactly_it(
    page, login_cookie, member, make_tenant, bind, sleep, celery_worker
):
    user, project = member
    bind(project, make_tenant(), sources=["linear"])
    connector_sync(project=project, source="linear", sleep=sleep)
    lost = RawLinearIssue.objects.filter(project=project).order_by("external_id").first()
    lost.delete()  # as if a page had been lost between the source and us

    login_cookie(page, user, project)
    page.goto("/connectors")
    expect(page.get_by_test_id("reconciliation-empty")).to_be_visible()
    page.get_by_test_id("run-reconciliation").click()
    expect(page.locator('[data-note="reconcile"]')).to_contain_text("Done: completeness")
    row = page.locator('[data-testid=reconciliation-diff] tr[data-connector="linear"]')
    expect(row).to_contain_text("1")  # one missing
    expect(page.get_by_test_id("reconciliation-diff")).to_contain_text(f"issues:{lost.external_id}")

    page.get_by_test_id("resync-linear").click()
    expect(page.locator('[data-note="resync-linear"]')).to_contain_text("Re-sync ok: 1 fetched, 1 written")
    assert RawLinearIssue.objects.filter(project=project, external_id=lost.external_id).exists()
    page.get_by_test_id("run-reconciliation").click()
    expect(row).to_contain_text("100.0%")
    expect(page.get_by_test_id("resync-linear")).to_have_count(0)
