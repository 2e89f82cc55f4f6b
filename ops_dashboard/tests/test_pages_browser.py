"""In a real browser: every dashboard page renders its panels and charts without a script error, and
the overview's charts are redrawn when their partial refreshes live."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Role
from ops_dashboard.tests.factories import (
    make_chunks,
    make_config,
    make_error,
    make_metric,
    make_state,
    make_sync_run,
    stream_counts,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORKER_JOB = """
from jobs.services import job_run_record
from core.models import Project
job_run_record(job="retention_cleanup", project=Project.objects.get(pk={project_id!r}), status="succeeded")
"""


@pytest.fixture
def busy_project(make_user, make_project):
    """A project with a week of runs, reconciliations, errors and chunks."""
    user = make_user("bea-busy")
    project = make_project("Busy", members={user: Role.OWNER})
    now = timezone.now()
    for index, source in enumerate(("chatwoot", "linear", "attio")):
        make_config(project, source)
        make_state(project, source, status="ok", last_success_at=now - dt.timedelta(minutes=5 * index))
        for day in range(7):
            at = now - dt.timedelta(days=day, minutes=index)
            make_sync_run(project, source, started_at=at, counts={"rows": stream_counts(100 * (day + 1) + index)})
            make_metric(project, source, 100.0 - day * index, created_at=at, missing_ids=[f"rows:{day}"] * index)
            make_metric(project, "portfolio", 99.0 - day / 2, created_at=at)
    make_error(project, "linear")
    make_error(project, "attio", status="dead_letter")
    make_chunks(project, 3, status="pending")
    make_chunks(project, 9, status="ready")
    return user, project


def script_errors(page) -> list[str]:
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


@pytest.mark.parametrize(
    ("path", "heading"), [("/", "Busy"), ("/connectors", "Connectors"), ("/jobs", "Jobs"), ("/search", "Search")]
)
def test_page_renders_without_script_errors(page, login_cookie, busy_project, path, heading):
    user, project = busy_project
    errors = script_errors(page)
    login_cookie(page, user, project)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    if path != "/search":
        expect(page.get_by_test_id("live-status")).to_have_text("live")
    assert errors == []


def test_overview_charts_draw_and_redraw_when_their_partial_refreshes(page, login_cookie, busy_project, asgi_server):
    user, project = busy_project
    errors = script_errors(page)
    login_cookie(page, user, project)
    page.goto("/")
    expect(page.get_by_test_id("live-status")).to_have_text("live")
    throughput = page.locator("[data-chart=throughput]")
    completeness = page.locator("[data-chart=completeness]")
    expect(throughput.locator("canvas")).to_have_count(1)
    expect(throughput).to_have_attribute("data-drawn", "21")  # 7 days × 3 connectors at distinct times
    expect(completeness.locator("canvas")).to_have_count(1)
    expect(completeness).to_have_attribute("data-drawn", "7")
    expect(completeness.locator(".u-legend")).to_contain_text("portfolio")
    page.evaluate("document.querySelector('[data-chart=throughput] canvas').dataset.old = '1'")

    asgi_server.worker_run(WORKER_JOB.format(project_id=str(project.id)))

    expect(page.get_by_test_id("partial-overview-runs")).to_contain_text("retention_cleanup", timeout=5_000)
    expect(throughput.locator("canvas")).to_have_count(1)
    expect(page.locator("[data-chart=throughput] canvas[data-old]")).to_have_count(0)  # a fresh chart
    assert errors == []


def test_charts_time_axis_spans_the_data_even_with_one_point(page, login_cookie, make_user, make_project):
    user = make_user("una-one-point")
    project = make_project("One point", members={user: Role.OWNER})
    make_config(project, "linear")
    make_sync_run(project, "linear", started_at=timezone.now(), counts={"rows": stream_counts(40)})
    make_metric(project, "linear", 100.0)
    make_metric(project, "portfolio", 100.0)
    login_cookie(page, user, project)
    page.goto("/")

    for name in ("completeness", "throughput"):
        chart = page.locator(f"[data-chart={name}]")
        expect(chart).to_have_attribute("data-drawn", "1")
        span = int(float(chart.get_attribute("data-span")))
        assert 0 < span <= 2 * 86400, f"{name}: the time axis covers {span / 86400:.0f} days for one point"
