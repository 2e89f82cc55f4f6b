"""In a real browser: log in, pick a project, and watch the overview update live, or by polling when
Redis is down, without reloading the page."""

import re

import pytest
from django.conf import global_settings
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from core.models import Role
from jobs.models import JobRun, JobStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BADGE = "[data-testid=live-status]"
RUNS = "[data-testid=partial-overview-runs]"

# What a Celery worker does at the end of a job: record the run; `job_completed` goes out after commit.
WORKER_JOB = """
from jobs.services import job_run_record
from core.models import Project
job_run_record(job={job!r}, project=Project.objects.get(pk={project_id!r}), status="succeeded")
"""


def worker_finishes_job(server, project, job: str) -> None:
    server.worker_run(WORKER_JOB.format(job=job, project_id=str(project.id)))


def wait_until(page, predicate, *, timeout_ms: int) -> None:
    """Wait for a condition on what the page did (Playwright delivers page events while it waits)."""
    for _ in range(timeout_ms // 50):
        if predicate():
            return
        page.wait_for_timeout(50)
    assert predicate(), f"condition not met within {timeout_ms} ms"


@pytest.fixture
def member(make_user, make_project):
    user = make_user("pia-pm")
    return user, make_project("Alpha", members={user: Role.PM})


def test_login_form_then_select_project_shows_it_in_the_header(page, settings, make_user, make_project):
    # The web server verifies with Django's default hashers, not the suite's fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    user = make_user("lena-login")
    make_project("Alpha", members={user: Role.PM})
    make_project("Beta", members={user: Role.VIEWER})  # two projects: login does not pick one

    page.goto("/login")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/projects$"))
    expect(page.get_by_test_id("active-project")).to_have_text("No project selected")
    page.locator("#project-list li", has_text="Beta").get_by_role("button", name="Select").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_test_id("active-project")).to_have_text("Project: Beta")
    expect(page.locator(BADGE)).to_have_text("live")
    expect(page.get_by_test_id("runs-empty")).to_contain_text("No job runs for this project yet")


def test_event_from_a_worker_process_updates_the_overview_without_reload(page, login_cookie, member, asgi_server):
    user, project = member
    login_cookie(page, user, project)
    page.goto("/")
    expect(page.locator(BADGE)).to_have_text("live")
    expect(page.get_by_test_id("runs-empty")).to_be_visible()
    page.evaluate("window.notReloaded = true")

    worker_finishes_job(asgi_server, project, "linear_sync")

    expect(page.locator(RUNS)).to_contain_text("linear_sync", timeout=5_000)
    expect(page.locator(RUNS)).to_contain_text("succeeded")
    expect(page.locator(BADGE)).to_have_text("live")
    assert page.evaluate("window.notReloaded") is True
    expect(page.get_by_test_id("updated-ago")).to_have_text(re.compile(r"updated \d+ s ago"))


def test_redis_outage_falls_back_to_polling_then_goes_live_again(page, login_cookie, member, asgi_server):
    user, project = member
    login_cookie(page, user, project)
    page.goto("/?poll=1")
    expect(page.locator(BADGE)).to_have_text("live")

    asgi_server.redis_stop()
    try:
        expect(page.locator(BADGE)).to_have_text("polling")
        expect(page.locator("[data-check=redis]")).to_contain_text("fail")
        JobRun.objects.create(
            project=project,
            account_scope=project.account_scope,
            job="attio_sync",
            status=JobStatus.FAILED,
            started_at=timezone.now(),
            duration_ms=2300,
        )
        expect(page.locator(RUNS)).to_contain_text("attio_sync", timeout=5_000)
    finally:
        asgi_server.redis_start()

    expect(page.locator(BADGE)).to_have_text("live")
    expect(page.locator("[data-check=redis]")).to_contain_text("ok")
    worker_finishes_job(asgi_server, project, "chatwoot_sync")
    expect(page.locator(RUNS)).to_contain_text("chatwoot_sync", timeout=5_000)


def test_stream_that_never_opens_means_polling_paused_while_the_tab_is_hidden(page, login_cookie, member):
    user, project = member
    page.route("**/api/events/stream", lambda route: None)  # the stream hangs, as behind a buffering proxy
    partial_requests = []
    page.on("request", lambda request: "/partials/" in request.url and partial_requests.append(request.url))
    login_cookie(page, user, project)
    page.goto("/?poll=1")

    expect(page.locator(BADGE)).to_have_text("polling", timeout=8_000)
    wait_until(page, lambda: len(partial_requests) > 0, timeout_ms=3_000)

    page.evaluate(HIDE_TAB)
    page.wait_for_timeout(300)  # requests already started are reported
    count = len(partial_requests)
    page.wait_for_timeout(2_200)  # two poll intervals
    assert len(partial_requests) == count, "polled while the tab was hidden"

    page.evaluate(SHOW_TAB)
    wait_until(page, lambda: len(partial_requests) > count, timeout_ms=500)  # at once, not at the next poll


HIDE_TAB = """() => {
  Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
  document.dispatchEvent(new Event("visibilitychange"));
}"""
SHOW_TAB = """() => {
  Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
  document.dispatchEvent(new Event("visibilitychange"));
}"""
