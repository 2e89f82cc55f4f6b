"""The overview page and its partials: what a member sees, what others get, and what each costs."""

import datetime as dt

import pytest
from django.utils import timezone

from core import health
from core.models import Membership
from jobs.models import JobRun, JobStatus
from ops_dashboard.templatetags.dashboard import duration_ms

NOW = dt.datetime(2026, 11, 28, 14, 36, 58, tzinfo=dt.UTC)


def make_runs(project, count: int, *, job: str = "linear_sync") -> list[JobRun]:
    return [
        JobRun.objects.create(
            project=project,
            account_scope=project.account_scope,
            job=f"{job}_{index}",
            status=JobStatus.SUCCEEDED,
            created_at=NOW + dt.timedelta(minutes=index),
            started_at=NOW + dt.timedelta(minutes=index),
            duration_ms=1500 + index,
        )
        for index in range(count)
    ]


@pytest.mark.django_db
def test_overview_declares_its_live_partials_and_the_status_badge(owner_api, project):
    html = owner_api.get("/").content.decode()
    assert 'data-live-stream="/api/events/stream"' in html
    assert 'data-poll-seconds="20"' in html
    assert f'data-project-id="{project.id}"' in html
    assert 'data-partial-url="/partials/overview/health"' in html
    assert 'data-partial-events="job_completed connector_sync_progress data_changed"' in html
    assert 'data-partial-url="/partials/overview/runs" data-partial-events="job_completed data_changed"' in html
    assert 'data-testid="live-status"' in html
    assert 'data-testid="updated-ago"' in html
    assert "ops_dashboard/live.js" in html


@pytest.mark.django_db
@pytest.mark.parametrize(("asked", "used"), [("2", 2), ("0", 1), ("999", 60), ("soon", 20)])
def test_poll_interval_can_be_shortened_for_a_page(owner_api, asked, used):
    html = owner_api.get("/", {"poll": asked}).content.decode()
    assert f'data-poll-seconds="{used}"' in html


@pytest.mark.django_db
def test_pages_without_partials_do_not_open_a_stream(owner_api):
    html = owner_api.get("/projects").content.decode()
    assert "live.js" not in html
    assert "data-live-stream" not in html


@pytest.mark.django_db
def test_health_partial_lists_every_check(owner_api, project, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(health, "_migrations_ok_until", 0.0)
    with django_assert_num_queries(6):  # session, user, project; SELECT 1, table list, applied migrations
        response = owner_api.get("/partials/overview/health")
    with django_assert_num_queries(4):  # an "up to date" migration check is kept for a while
        owner_api.get("/partials/overview/health")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["X-Active-Project"] == str(project.id)
    assert response["Cache-Control"] == "no-store"
    for check in ("database", "redis", "broker", "migrations"):
        assert f'data-check="{check}"' in html
    assert 'data-testid="health-status">ok<' in html


@pytest.mark.django_db
def test_health_partial_says_what_to_do_in_single_machine_mode(owner_api, settings):
    settings.REDIS_URL = None
    settings.CELERY_BROKER_URL = "filesystem://"
    html = owner_api.get("/partials/overview/health").content.decode()
    assert "single-machine mode" in html
    assert "REDIS_URL" in html


@pytest.mark.django_db
def test_runs_partial_shows_the_ten_newest_runs_of_the_active_project_only(owner_api, project, other_project):
    make_runs(project, 12)
    make_runs(other_project, 1, job="other_project_job")
    html = owner_api.get("/partials/overview/runs").content.decode()
    assert html.count("<tr data-run-id=") == 10
    assert html.index("linear_sync_11") < html.index("linear_sync_2<")
    assert "linear_sync_1<" not in html  # the two oldest are beyond the ten newest
    assert "other_project_job" not in html
    assert "2026-11-28 14:47:58 UTC" in html
    assert "1.5 s" in html


@pytest.mark.django_db
def test_runs_partial_query_count_does_not_grow_with_runs(owner_api, project, django_assert_num_queries):
    with django_assert_num_queries(4):  # session, user, project, runs
        owner_api.get("/partials/overview/runs")
    make_runs(project, 10)
    with django_assert_num_queries(4):
        owner_api.get("/partials/overview/runs")


@pytest.mark.django_db
def test_runs_partial_shows_queued_and_running_runs_honestly(owner_api, project):
    JobRun.objects.create(project=project, account_scope=project.account_scope, job="embeddings_run")
    JobRun.objects.create(
        project=project,
        account_scope=project.account_scope,
        job="attio_sync",
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
    )
    html = owner_api.get("/partials/overview/runs").content.decode()
    assert "not started (queued" in html
    assert "running…" in html


@pytest.mark.django_db
def test_runs_partial_empty_state_says_what_to_do(owner_api):
    html = owner_api.get("/partials/overview/runs").content.decode()
    assert "No job runs for this project yet" in html
    assert "start a sync" in html


@pytest.mark.django_db
def test_partials_refuse_anonymous_no_project_and_former_members(api, make_user, make_project, owner, project):
    response = api.get("/partials/overview/runs")
    assert (response.status_code, response.json()["error"]) == (401, "not_authenticated")

    viewer = make_user("vic-viewer")
    make_project("One", members={viewer: "viewer"})
    make_project("Two", members={viewer: "viewer"})
    assert api.login(viewer.username).status_code == 200
    response = api.get("/partials/overview/runs")
    assert (response.status_code, response.json()["error"]) == (409, "active_project_required")

    Membership.objects.create(user=viewer, project=project, role="viewer")
    assert api.select(project).status_code == 200
    Membership.objects.filter(user=viewer, project=project).delete()
    response = api.get("/partials/overview/runs")
    assert (response.status_code, response.json()["error"]) == (403, "forbidden")


@pytest.mark.django_db
def test_unknown_partial_is_404(owner_api):
    assert owner_api.get("/partials/overview/nothing").status_code == 404


@pytest.mark.parametrize(
    ("value", "text"), [(None, "—"), (850, "850 ms"), (1234, "1.2 s"), (59_999, "60.0 s"), (245_000, "4 min 5 s")]
)
def test_durations_read_naturally(value, text):
    assert duration_ms(value) == text
