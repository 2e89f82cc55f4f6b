"""In a real browser: "Tick now" on the Jobs page starts what is due for the project on a real Celery
worker and the runs table follows it live; a suspended job is resumed from the page."""

import pytest
from playwright.sync_api import expect

from core.models import Role
from jobs.models import JobRun
from jobs.schedules import schedules_ensure
from jobs.supervision import job_failed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUNS = "[data-testid=partial-jobs-runs]"
SCHEDULES = "[data-testid=partial-jobs-schedules]"


@pytest.fixture
def owner_of(make_user, make_project):
    user = make_user("jo-jobs")
    return user, make_project("Scheduled", members={user: Role.OWNER})


def test_tick_now_starts_due_work_and_the_runs_follow_live(
    page, login_cookie, owner_of, make_tenant, bind, celery_worker
):
    user, project = owner_of
    schedules_ensure()
    bind(project, make_tenant(), sources=["linear"])
    login_cookie(page, user, project)
    page.goto("/jobs")
    expect(page.locator("[data-testid=live-status]")).to_have_text("live")
    expect(page.get_by_test_id("job-runs-empty")).to_be_visible()

    page.get_by_test_id("tick-now").click()

    expect(page.get_by_test_id("tick-note")).to_contain_text("Started linear_sync")
    sync_run = JobRun.objects.get(project=project, job="linear_sync")
    row = page.locator(f'{RUNS} tr[data-run-id="{sync_run.id}"]')
    expect(row).to_contain_text("tick")
    expect(row).to_contain_text("succeeded", timeout=15_000)
    reconciliation = JobRun.objects.get(project=project, job="connectors_reconciliation")
    expect(page.locator(f'{RUNS} tr[data-run-id="{reconciliation.id}"]')).to_contain_text("succeeded", timeout=15_000)

    # Nothing is due any more: a second tick says so.
    page.get_by_test_id("tick-now").click()
    expect(page.get_by_test_id("tick-note")).to_contain_text("Nothing is due")


def test_a_suspended_job_is_resumed_from_the_page(page, login_cookie, owner_of, settings):
    user, project = owner_of
    user.is_staff = True  # schedules are global: resuming one is for staff
    user.save(update_fields=["is_staff"])
    schedules_ensure()
    for _ in range(settings.JOB_SUSPEND_AFTER_FAILURES):
        job_failed("retention_cleanup", "OperationalError: disk full")
    login_cookie(page, user, project)
    page.goto("/jobs")
    row = page.locator(f'{SCHEDULES} tr[data-job="retention_cleanup"]')
    expect(row.get_by_test_id("job-state")).to_have_text("suspended")
    expect(row).to_contain_text("disk full")

    row.get_by_test_id("resume-retention_cleanup").click()

    expect(row.get_by_test_id("job-state")).to_have_text("resumed")
    expect(row.get_by_test_id("resume-retention_cleanup")).to_have_count(0)
