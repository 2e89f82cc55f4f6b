"""The Connectors page and its partials: state with lease and progress, runs, errors, dead letters,
reconciliation diff — scoped to the active project, with empty states, and at a fixed query cost."""

import datetime as dt
import html as html_lib
import json
import re

import pytest
from django.utils import timezone

from connectors.services.sync import connector_sync
from ops_dashboard.tests.factories import (
    make_config,
    make_error,
    make_metric,
    make_state,
    make_sync_run,
    stream_counts,
)

pytestmark = pytest.mark.django_db

CONNECTOR_PARTIALS = {
    "connectors/state": "job_completed connector_sync_progress data_changed",
    "connectors/runs": "job_completed connector_sync_progress data_changed",
    "connectors/errors": "job_completed connector_sync_progress data_changed",
    "connectors/dead-letters": "job_completed data_changed",
    "connectors/webhooks": "job_completed connector_sync_progress data_changed",
    "connectors/reconciliation": "job_completed data_changed",
}


def partial(api, name: str, **params) -> str:
    response = api.get(f"/partials/{name}", params)
    assert response.status_code == 200, response.content
    return response.content.decode()


def row(html: str, attribute: str, value: str) -> str:
    match = re.search(rf'<tr {attribute}="{re.escape(value)}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row {attribute}={value}"
    return match.group(1)


def test_page_declares_its_partials_actions_and_filters(owner_api):
    html = owner_api.get("/connectors").content.decode()
    for name, events in CONNECTOR_PARTIALS.items():
        assert f'data-partial-url="/partials/{name}" data-partial-events="{events}"' in html
    assert 'data-action="sync" data-url="/api/connectors/sync"' in html
    assert 'data-action="reconcile" data-url="/api/connectors/reconciliation/run"' in html
    assert 'data-testid="error-filters"' in html
    assert "ops_dashboard/connectors.js" in html
    assert '<a href="/connectors" aria-current="page">' in html


def test_page_without_active_project_goes_to_projects(api, make_user, make_project):
    user = make_user("nina-no-project")
    make_project("One", members={user: "pm"})
    make_project("Two", members={user: "pm"})
    api.login(user.username)
    response = api.get("/connectors")
    assert (response.status_code, response["Location"]) == (302, "/projects")


# ---------------------------------------------------------------- state


def test_state_shows_a_running_sync_with_its_lease_and_progress(owner_api, project):
    make_config(project, "chatwoot")
    run = make_sync_run(project, "chatwoot", status="running", counts={})
    make_state(
        project,
        "chatwoot",
        status="running",
        lease_owner="worker-1:42:abcd",
        lease_heartbeat_at=timezone.now() - dt.timedelta(seconds=20),
        current_run=run,
        progress={
            "run_id": str(run.id),
            "stream": "messages",
            "counts": {"inboxes": stream_counts(3), "messages": stream_counts(1200)},
        },
    )
    html = partial(owner_api, "connectors/state")
    chatwoot = row(html, "data-connector", "chatwoot")
    assert 'data-status="running"' in html
    assert "syncing <strong>messages</strong> · 1,203 rows fetched" in chatwoot
    assert "lease worker-1:42:abcd · heartbeat 20 s ago" in chatwoot
    assert re.search(r'data-testid="sync-chatwoot"[^>]*disabled', chatwoot), "no second sync while one runs"


def test_state_flags_a_stale_lease_and_a_paused_connector(owner_api, project):
    make_config(project, "linear")
    make_config(project, "attio", enabled=False)
    make_state(
        project,
        "linear",
        status="running",
        lease_owner="gone:1:dead",
        lease_heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    html = partial(owner_api, "connectors/state")
    assert "(stale: recovered at the next sync cycle)" in row(html, "data-connector", "linear")
    attio = row(html, "data-connector", "attio")
    assert ">disabled<" in attio
    assert re.search(r'data-testid="sync-attio"[^>]*disabled', attio)
    assert "connect it on the Sources page" in row(html, "data-connector", "chatwoot")


def test_state_offers_sync_now_per_enabled_connector(owner_api, project):
    make_config(project, "linear")
    html = partial(owner_api, "connectors/state")
    button = re.search(r'<button[^>]*data-testid="sync-linear"[^>]*>', html).group(0)
    assert 'data-url="/api/connectors/linear/sync"' in button
    assert "disabled" not in button
    assert "never-rendered-secret" not in html


def test_state_without_connectors_says_how_to_add_one(owner_api):
    html = partial(owner_api, "connectors/state")
    assert "No connectors configured — connect Chatwoot, Linear or Attio on the" in html
    assert '<a href="/settings/sources">Sources</a>' in html


# ---------------------------------------------------------------- runs


def test_runs_show_per_stream_counts_of_a_real_sync(owner_api, project, make_tenant, bind, sleep):
    bind(project, make_tenant(), sources=["linear"])
    run = connector_sync(project=project, source="linear", sleep=sleep)
    html = partial(owner_api, "connectors/runs")
    linear = row(html, "data-sync-run-id", str(run.id))
    issues = run.counts["issues"]
    assert ">ok<" in linear
    assert f"<td>{sum(c['fetched'] for c in run.counts.values()):,}</td>" in linear
    assert re.search(rf'<tr data-stream="issues"><td>issues</td><td>{issues["fetched"]:,} fetched</td>', html)


def test_runs_of_another_project_are_not_shown(owner_api, project, other_project):
    mine = make_sync_run(project, "linear")
    theirs = make_sync_run(other_project, "linear")
    html = partial(owner_api, "connectors/runs")
    assert str(mine.id) in html
    assert str(theirs.id) not in html


def test_runs_empty_state_says_how_to_start_one(owner_api):
    assert "Press <strong>Sync now</strong>" in partial(owner_api, "connectors/runs")


# ---------------------------------------------------------------- errors


def test_errors_filter_by_status_and_connector(owner_api, project, other_project):
    open_linear = make_error(project, "linear")
    dead_linear = make_error(project, "linear", status="dead_letter")
    open_attio = make_error(project, "attio")
    foreign = make_error(other_project, "linear")
    everything = partial(owner_api, "connectors/errors")
    assert all(str(e.id) in everything for e in (open_linear, dead_linear, open_attio))
    assert str(foreign.id) not in everything
    filtered = partial(owner_api, "connectors/errors", status="open", connector="linear")
    assert str(open_linear.id) in filtered
    assert str(dead_linear.id) not in filtered
    assert str(open_attio.id) not in filtered
    assert "1 error matching the filters" in filtered


def test_errors_with_an_unknown_filter_say_it_was_ignored(owner_api, project):
    make_error(project, "linear")
    html = partial(owner_api, "connectors/errors", status="exploded")
    assert "Ignored unknown filter: status=exploded" in html
    assert "1 error." in html


def test_page_filters_are_carried_into_the_errors_partial_url(owner_api):
    html = owner_api.get("/connectors", {"status": "dead_letter", "connector": "attio", "poll": "3"}).content.decode()
    assert 'data-partial-url="/partials/connectors/errors?status=dead_letter&amp;connector=attio"' in html
    assert '<option value="dead_letter" selected>' in html
    assert '<option value="attio" selected>' in html


def test_errors_list_is_bounded_and_says_how_many_match(owner_api, project):
    for _ in range(55):
        make_error(project, "chatwoot")
    html = partial(owner_api, "connectors/errors")
    assert html.count("<tr data-error-id=") == 50
    assert "Newest 50 of 55 errors" in html


def test_errors_empty_states(owner_api):
    assert "No connector errors" in partial(owner_api, "connectors/errors")
    assert "No errors match these filters" in partial(owner_api, "connectors/errors", status="open")


# ---------------------------------------------------------------- dead letters


def test_dead_letters_each_have_a_retry_button(owner_api, project, other_project):
    dead = make_error(project, "linear", status="dead_letter")
    make_error(project, "linear")  # open: retried by the schedule, not listed here
    foreign = make_error(other_project, "linear", status="dead_letter")
    html = partial(owner_api, "connectors/dead-letters")
    assert html.count("<tr data-error-id=") == 1
    button = re.search(r'<button[^>]*data-action="retry-dead-letter"[^>]*>', html).group(0)
    assert f'data-url="/api/connectors/errors/dead-letter/{dead.id}/retry"' in button
    assert str(foreign.id) not in html


def test_dead_letters_empty_state(owner_api):
    assert "No dead letters" in partial(owner_api, "connectors/dead-letters")


# ---------------------------------------------------------------- reconciliation


def test_reconciliation_diff_offers_a_resync_of_the_missing_ids(owner_api, project):
    earlier = timezone.now() - dt.timedelta(days=1)
    make_metric(project, "attio", 99.0, created_at=earlier)
    missing = [f"deals:deal-{n}" for n in range(25)]
    make_metric(project, "attio", 75.0, missing_ids=missing, duplicates=1, duplicate_ids=["people:p-1"])
    make_metric(project, "linear", 100.0)
    make_metric(project, "portfolio", 80.0)
    html = partial(owner_api, "connectors/reconciliation")
    attio = row(html, "data-connector", "attio")
    assert "75.0%" in attio
    assert "status failed" in attio
    assert "−24.0 pp" in attio
    assert "(was 99.0%)" in attio
    button = re.search(r'<button[^>]*data-action="resync"[^>]*>', attio).group(0)
    assert 'data-url="/api/connectors/attio/resync"' in button
    body = json.loads(html_lib.unescape(re.search(r'data-body="([^"]*)"', button).group(1)))
    assert body == {"ids": missing}
    shown = re.search(r"missing: <code>(.*?)</code>", html).group(1).split()
    assert shown == missing[:20]
    assert "and 5 more" in html
    assert "duplicates: <code>people:p-1</code>" in html
    linear = row(html, "data-connector", "linear")
    assert 'data-action="resync"' not in linear  # nothing missing, nothing to re-sync
    assert 'data-connector="portfolio"' not in html


def test_reconciliation_shows_deleted_at_source_and_not_listable_apart_from_missing(owner_api, project):
    deleted = ["contacts:41", "conversations:7"]
    make_metric(project, "chatwoot", 100.0, deleted_at_source=2, deleted_ids=deleted, not_listable=37)
    html = partial(owner_api, "connectors/reconciliation")
    chatwoot = row(html, "data-connector", "chatwoot")
    assert re.search(r'data-testid="missing-chatwoot">0<', chatwoot)
    assert re.search(r'data-testid="deleted-chatwoot">2<', chatwoot)
    assert re.search(r'data-testid="not-listable-chatwoot">37<', chatwoot)
    assert "deleted at source: <code>contacts:41 conversations:7</code>" in html
    assert 'data-action="resync"' not in chatwoot  # deletions are applied, not re-synced


def test_reconciliation_empty_state_says_what_a_run_does(owner_api):
    html = partial(owner_api, "connectors/reconciliation")
    assert "No reconciliation yet" in html
    assert "Run reconciliation" in html


# ---------------------------------------------------------------- query counts


def _fill(project, rounds: int) -> None:
    for source in ("chatwoot", "linear", "attio"):
        for _ in range(rounds):
            make_sync_run(project, source, counts={"a": stream_counts(5), "b": stream_counts(7)})
            make_error(project, source, status="open")
            make_error(project, source, status="dead_letter")
            make_metric(project, source, 96.0, missing_ids=["x:1"])
            make_metric(project, "portfolio", 96.0)


def _configure(project) -> None:
    for source in ("chatwoot", "linear", "attio"):
        make_config(project, source)
        make_state(project, source, status="ok", last_success_at=timezone.now())


# session, user, project, then the partial's own reads
CONNECTOR_QUERIES = {
    "connectors/state": 3 + 3,  # states, configs, last run per connector
    "connectors/runs": 3 + 1,
    "connectors/reconciliation": 3 + 1 + 3,  # latest per connector, then the previous one of each (3 sources)
}


@pytest.mark.parametrize(("name", "queries"), CONNECTOR_QUERIES.items())
def test_connector_partial_query_count_does_not_grow_with_rows(
    owner_api, project, django_assert_num_queries, name, queries
):
    _configure(project)
    _fill(project, 2)
    with django_assert_num_queries(queries):
        partial(owner_api, name)
    _fill(project, 20)
    with django_assert_num_queries(queries):
        partial(owner_api, name)


@pytest.mark.parametrize("name", ["connectors/errors", "connectors/dead-letters"])
def test_error_lists_cost_one_query_plus_a_count_once_they_are_cut(owner_api, project, django_assert_num_queries, name):
    _fill(project, 2)
    with django_assert_num_queries(3 + 1):  # everything fits: no count needed
        partial(owner_api, name)
    _fill(project, 20)  # 60 of each status: the list is cut at 50
    with django_assert_num_queries(3 + 2):
        partial(owner_api, name)
    _fill(project, 20)
    with django_assert_num_queries(3 + 2):
        partial(owner_api, name)
