"""The overview's panels: what a member sees, the empty states that say what to do, and what each costs."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from core import health
from jobs.models import JobRun
from ops_dashboard.templatetags.dashboard import ago, signed_pct
from ops_dashboard.tests.factories import (
    make_chunks,
    make_config,
    make_delivery,
    make_endpoint,
    make_error,
    make_metric,
    make_query_run,
    make_state,
    make_sync_run,
    stream_counts,
)

pytestmark = pytest.mark.django_db

OVERVIEW_PARTIALS = {
    "overview/health": "job_completed connector_sync_progress data_changed",
    "overview/freshness": "job_completed connector_sync_progress data_changed",
    "overview/errors": "job_completed connector_sync_progress data_changed",
    "overview/embeddings": "job_completed data_changed",
    "overview/queries": "job_completed data_changed",
    "overview/completeness": "job_completed data_changed",
    "overview/throughput": "job_completed data_changed",
    "overview/runs": "job_completed data_changed",
}


def partial(api, name: str) -> str:
    response = api.get(f"/partials/{name}")
    assert response.status_code == 200, response.content
    return response.content.decode()


def json_data(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no #{element_id} in the partial"
    return json.loads(match.group(1))


def test_overview_declares_every_panel_with_the_events_that_refresh_it(owner_api):
    html = owner_api.get("/").content.decode()
    for name, events in OVERVIEW_PARTIALS.items():
        assert f'data-partial-url="/partials/{name}" data-partial-events="{events}"' in html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert "/static/vendor/uplot/uPlot.iife.min.js" in scripts
    assert all(src.startswith("/static/") for src in scripts), "no script from a CDN"


def test_nav_links_every_page(owner_api):
    html = owner_api.get("/").content.decode()
    for href in ('href="/"', 'href="/connectors"', 'href="/search"', 'href="/projects"'):
        assert href in html


# ---------------------------------------------------------------- freshness


def test_freshness_says_when_each_connector_last_succeeded(owner_api, project):
    make_config(project, "linear")
    make_config(project, "chatwoot", interval=15)
    now = timezone.now()
    make_state(project, "linear", status="ok", last_success_at=now - dt.timedelta(minutes=12), last_attempt_at=now)
    make_state(
        project,
        "chatwoot",
        status="failed",
        last_success_at=now - dt.timedelta(hours=3),
        consecutive_failures=2,
        last_error="HTTP 503",
    )
    html = partial(owner_api, "overview/freshness")
    linear = re.search(r'<tr data-connector="linear">(.*?)</tr>', html, re.S).group(1)
    chatwoot = re.search(r'<tr data-connector="chatwoot">(.*?)</tr>', html, re.S).group(1)
    attio = re.search(r'<tr data-connector="attio">(.*?)</tr>', html, re.S).group(1)
    assert "last success 12 min ago" in linear
    assert "stale" not in linear
    assert "last success 3 h ago" in chatwoot
    assert "stale" in chatwoot  # three hours without success on a 15-minute schedule
    assert 'title="HTTP 503"' in chatwoot
    assert "not configured" in attio
    assert "never-rendered-secret" not in html


def webhook_row(html: str, source: str) -> str:
    return re.search(rf'<tr data-webhook="{source}">(.*?)</tr>', html, re.S).group(1)


def test_freshness_shows_each_sources_webhook_deliveries_and_latency(owner_api, project, other_project):
    now = timezone.now()
    for source in ("linear", "chatwoot"):
        make_config(project, source)
    make_config(project, "attio", interval=30)
    linear = make_endpoint(project, "linear", registered_at=now - dt.timedelta(hours=2),
                           last_delivery_at=now - dt.timedelta(minutes=3))  # fmt: skip
    make_endpoint(project, "attio")  # made, never registered, nothing received
    # Applied in the last hour: 1, 2 and 10 s from the change at the source; 4 s from receipt (no event time).
    for latency in (1, 2, 10):
        make_delivery(linear, event_at=now - dt.timedelta(minutes=20), received_at=now - dt.timedelta(minutes=20),
                      latency=latency)  # fmt: skip
    make_delivery(linear, received_at=now - dt.timedelta(minutes=5), latency=4)
    make_delivery(linear, received_at=now - dt.timedelta(hours=5), latency=600)  # 24 h counts, not the hour's
    make_delivery(linear, status="failed", received_at=now - dt.timedelta(hours=1), error="HttpError: 503")
    make_delivery(linear, status="ignored", received_at=now - dt.timedelta(hours=3))
    make_delivery(linear, status="queued", received_at=now - dt.timedelta(seconds=2))
    make_delivery(linear, received_at=now - dt.timedelta(hours=30), latency=1)  # older than 24 h
    make_config(other_project, "linear")
    theirs = make_endpoint(other_project, "linear", registered_at=now, last_delivery_at=now)
    for _ in range(3):
        make_delivery(theirs, received_at=now - dt.timedelta(minutes=1), latency=100)

    html = partial(owner_api, "overview/freshness")

    row = webhook_row(html, "linear")
    assert "registered</span>" in row
    assert "2 h ago" in row  # registered
    assert "3 min ago" in row  # last delivery
    deliveries = re.search(r'data-testid="deliveries">(.*?)</td>', row, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", deliveries) == "8: 1 queued, 5 applied, 1 ignored, 1 failed"
    latency = re.sub(r"<[^>]+>", "", re.search(r'data-testid="latency">(.*?)</td>', row, re.S).group(1))
    # percentile_cont over 1, 2, 4, 10 s: p50 3 s, p95 4 + 0.85 × 6 = 9.1 s
    assert latency == "p50 3.0 s · p95 9.1 s (4 applied)"
    for source, minutes in (("chatwoot", 15), ("attio", 30)):
        row = webhook_row(html, source)
        assert "not registered" in row
        assert f"no webhooks: updates arrive with the sync every {minutes} min" in row
    assert "app_webhook_deliveries_total" in html  # where the rejections are
    assert "never-rendered-secret" not in html
    assert "tok12345" not in html


def test_freshness_of_a_webhook_not_delivered_yet_and_of_a_disabled_connector(owner_api, project):
    make_config(project, "chatwoot")
    make_endpoint(project, "chatwoot", registered_at=timezone.now() - dt.timedelta(minutes=10))
    make_config(project, "linear", enabled=False)
    html = partial(owner_api, "overview/freshness")
    assert "connector disabled" in webhook_row(html, "linear")
    assert 'data-webhook="attio"' not in html  # not configured: the table above says so
    row = webhook_row(html, "chatwoot")
    assert "registered</span>" in row
    assert "10 min ago" in row
    assert "none yet" in row
    assert re.sub(r"<[^>]+>", "", re.search(r'data-testid="deliveries">(.*?)</td>', row, re.S).group(1)) == "0"
    assert "none applied in the last hour" in row
    assert "no webhooks" not in row


def test_freshness_without_connectors_says_where_to_add_one(owner_api):
    html = partial(owner_api, "overview/freshness")
    assert "No connectors configured — connect Chatwoot, Linear or Attio on the" in html
    assert 'href="/settings/sources"' in html


# ---------------------------------------------------------------- errors


def test_errors_panel_counts_unresolved_errors_of_this_project_only(owner_api, project, other_project):
    make_error(project, "linear")
    make_error(project, "linear", status="dead_letter")
    make_error(project, "chatwoot", status="dead_letter")
    make_error(project, "attio", status="resolved", resolved_at=timezone.now())
    make_error(other_project, "linear", status="dead_letter")
    html = partial(owner_api, "overview/errors")
    assert re.search(r'data-testid="open-errors"><strong>1</strong>', html)
    assert re.search(r'data-testid="dead-letter-count"><strong>2</strong>', html)
    assert "linear: 1 open, 1 dead" in html
    assert "attio:" not in html
    assert 'href="/connectors#dead-letters"' in html


def test_errors_panel_when_all_is_well(owner_api):
    assert "No open errors" in partial(owner_api, "overview/errors")


# ---------------------------------------------------------------- embeddings


def test_embedding_backlog_counts_chunks_still_to_embed(owner_api, project, other_project):
    make_chunks(project, 3, status="pending")
    make_chunks(project, 1, status="processing")
    make_chunks(project, 5, status="ready")
    make_chunks(other_project, 7, status="pending")
    JobRun.objects.create(project=project, account_scope=project.account_scope, job="embeddings_run", status="failed")
    html = partial(owner_api, "overview/embeddings")
    assert re.search(r'data-testid="embedding-backlog"><strong>4</strong>', html)
    assert "<strong>5</strong> ready" in html
    assert "3 pending, 1 processing" in html
    assert "Last run" in html
    assert "failed" in html


def test_embeddings_panel_before_any_chunk_says_what_happens_next(owner_api):
    html = partial(owner_api, "overview/embeddings")
    assert "No chunks yet" in html
    assert "POST /api/lightrag/refresh" in html


# ---------------------------------------------------------------- LightRAG queries


def test_lightrag_queries_panel_shows_the_share_that_failed_or_degraded_and_why(owner_api, project, other_project):
    for _ in range(5):
        make_query_run(project)
    make_query_run(project, error="embedding provider: HTTP 503")
    make_query_run(project, error="embedding provider: HTTP 503; chat down", llm_error="chat down")
    make_query_run(project, llm_error="HTTP 500 from the chat model")
    make_query_run(project, llm_answer_uncited=True)  # a weaker answer, not an outage: not in the share
    make_query_run(project, evidence=0)
    make_query_run(project, error="embedding provider: HTTP 503", hours_ago=25)  # outside the 24 h
    for _ in range(4):
        make_query_run(other_project, error="embedding provider: HTTP 503")  # another project's
    html = partial(owner_api, "overview/queries")
    assert "LightRAG queries (24 h)" in html
    assert re.search(r'data-testid="queries-total"><strong>10</strong> queries', html)
    assert re.search(r'data-testid="queries-degraded"><strong>30.0%</strong> failed or degraded \(3\)', html)
    problems = dict(re.findall(r'<li data-reason="(\w+)">[^<:]+: (\d+)</li>', html))
    assert problems == {"embedding_unavailable": "2", "llm_unavailable": "2", "llm_uncited": "1", "no_evidence": "1"}
    assert "embedding provider down (keyword-only): 2" in html
    assert 'href="/search"' in html


def test_lightrag_queries_panel_without_queries_says_where_to_ask(owner_api, project, other_project):
    make_query_run(project, hours_ago=30)
    make_query_run(other_project)
    html = partial(owner_api, "overview/queries")
    assert 'data-testid="queries-empty"' in html
    assert "No LightRAG queries in the last 24 h" in html
    assert 'href="/search"' in html


def test_lightrag_queries_panel_with_only_good_queries_lists_no_problem(owner_api, project):
    make_query_run(project)
    html = partial(owner_api, "overview/queries")
    assert re.search(r'data-testid="queries-degraded"><strong>0.0%</strong> failed or degraded \(0\)', html)
    assert 'data-testid="query-problems"' not in html


# ---------------------------------------------------------------- completeness trend


def test_completeness_trend_keeps_each_days_last_run_per_connector(owner_api, project):
    today = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    yesterday = today - dt.timedelta(days=1)
    make_metric(project, "linear", 90.0, created_at=yesterday)
    make_metric(project, "linear", 95.0, created_at=yesterday + dt.timedelta(hours=1))  # that day's last
    make_metric(project, "portfolio", 96.0, created_at=yesterday + dt.timedelta(hours=1))
    make_metric(project, "linear", 99.5, created_at=today)
    make_metric(project, "portfolio", 99.0, created_at=today)
    make_metric(project, "linear", 10.0, created_at=today - dt.timedelta(days=45))  # beyond 30 days
    html = partial(owner_api, "overview/completeness")
    trend = json_data(html, "completeness-data")
    assert len(trend["days"]) == 2
    assert trend["series"] == {"portfolio": [96.0, 99.0], "linear": [95.0, 99.5]}
    assert list(trend["series"]) == ["portfolio", "linear"]  # portfolio first
    assert 'data-chart="completeness"' in html
    assert "<strong>portfolio</strong> 99.0%" in html


def test_completeness_empty_state_points_to_run_reconciliation(owner_api):
    html = partial(owner_api, "overview/completeness")
    assert "No reconciliation yet" in html
    assert 'href="/connectors#reconciliation"' in html
    assert "completeness-data" not in html


# ---------------------------------------------------------------- throughput


def test_throughput_charts_rows_fetched_per_finished_run_oldest_first(owner_api, project):
    start = timezone.now() - dt.timedelta(hours=2)
    make_sync_run(
        project, "chatwoot", started_at=start, counts={"messages": stream_counts(300), "contacts": stream_counts(20)}
    )
    make_sync_run(project, "linear", started_at=start + dt.timedelta(minutes=15), counts={"issues": stream_counts(40)})
    make_sync_run(project, "linear", started_at=start + dt.timedelta(minutes=30), status="running", counts={})
    data = json_data(partial(owner_api, "overview/throughput"), "throughput-data")
    assert [(p["connector"], p["fetched"]) for p in data["points"]] == [("chatwoot", 320), ("linear", 40)]
    assert data["points"][0]["rows_per_s"] == 160.0
    assert data["connectors"] == ["chatwoot", "linear"]


def test_throughput_empty_state(owner_api):
    assert "No finished sync runs yet" in partial(owner_api, "overview/throughput")


# ---------------------------------------------------------------- query counts


def _fill(project, rounds: int) -> None:
    """More of every row an overview panel reads."""
    for source in ("chatwoot", "linear", "attio"):
        if not project_has_config(project, source):
            make_config(project, source)
            make_state(project, source, status="ok", last_success_at=timezone.now())
            if source != "attio":  # registered webhooks, and a source without one
                make_endpoint(project, source, registered_at=timezone.now(), last_delivery_at=timezone.now())
        for _ in range(rounds):
            if source != "attio":
                endpoint = project_endpoint(project, source)
                make_delivery(endpoint, latency=1.5)
                make_delivery(endpoint, status="failed")
            make_sync_run(project, source)
            make_error(project, source)
            make_error(project, source, status="dead_letter")
            make_metric(project, source, 97.0)
            make_metric(project, "portfolio", 97.0)
            JobRun.objects.create(project=project, account_scope=project.account_scope, job=f"{source}_sync")
    make_chunks(project, rounds * 5)
    for _ in range(rounds):
        make_query_run(project)
        make_query_run(project, error="embedding provider: HTTP 503", llm_error="HTTP 503")


def project_endpoint(project, source: str):
    from connectors.models import WebhookEndpoint

    return WebhookEndpoint.objects.select_related("project").get(project=project, source=source)


def project_has_config(project, source: str) -> bool:
    from connectors.models import ConnectorConfig

    return ConnectorConfig.objects.filter(project=project, source=source).exists()


# session, user and project, then the panel's own reads
OVERVIEW_QUERIES = {
    "overview/freshness": 3 + 4,  # states, configs, last run per connector, webhooks with their deliveries
    "overview/errors": 3 + 1,  # unresolved errors grouped by connector and status
    "overview/embeddings": 3 + 2,  # chunks by status, last embeddings run
    "overview/queries": 3 + 1,  # the last 24 h of query runs, counted by outcome
    "overview/completeness": 3 + 1,  # 30 days of metrics
    "overview/throughput": 3 + 1,  # the newest finished runs
    "overview/runs": 3 + 1,
    "overview/pipeline": 3 + 2,  # open pipeline, this week's stage moves (the CRM page's tests fill the mirror)
}


@pytest.mark.parametrize(("name", "queries"), OVERVIEW_QUERIES.items())
def test_overview_panel_query_count_does_not_grow_with_rows(
    owner_api, project, django_assert_num_queries, name, queries
):
    _fill(project, 1)
    with django_assert_num_queries(queries):
        partial(owner_api, name)
    _fill(project, 4)
    with django_assert_num_queries(queries):
        partial(owner_api, name)


def test_overview_page_query_count_does_not_grow_with_rows(owner_api, project, django_assert_num_queries, monkeypatch):
    # session, user, active project; health 3 + every panel above but the shared session/user/project
    expected = 3 + 3 + sum(count - 3 for count in OVERVIEW_QUERIES.values())
    _fill(project, 1)
    monkeypatch.setattr(health, "_migrations_ok_until", 0.0)
    with django_assert_num_queries(expected):
        owner_api.get("/")
    _fill(project, 3)
    monkeypatch.setattr(health, "_migrations_ok_until", 0.0)
    with django_assert_num_queries(expected):
        owner_api.get("/")


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("seconds", "text"), [(None, "never"), (2, "just now"), (42, "42 s ago"), (720, "12 min ago"), (7200, "2 h ago"),
                          (90_000, "1 d ago"), (-300, "in 5 min")],
)  # fmt: skip
def test_ages_read_naturally(seconds, text):
    now = timezone.now()
    assert ago(None if seconds is None else now - dt.timedelta(seconds=seconds), now) == text


def test_completeness_changes_read_as_percentage_points():
    assert [signed_pct(v) for v in (None, 1.25, -0.4, 0)] == ["—", "+1.2 pp", "−0.4 pp", "±0.0 pp"]
