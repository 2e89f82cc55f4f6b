"""Connector gauges computed from the database at scrape time (every web process reports the same)."""

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from connectors.models import ConnectorConfig, ConnectorError, ConnectorSyncState, ErrorStatus, SyncStatus
from connectors.selectors import reconciliation_latest_all

LABELS = ["project", "connector"]


def connector_families():
    """Per (project, connector): last success, lag, failures, state; errors and dead letters; completeness."""
    last_success = GaugeMetricFamily("app_connector_last_success_timestamp_seconds", "Last ok sync.", labels=LABELS)
    lag = GaugeMetricFamily("app_connector_lag_seconds", "Seconds since the last ok sync.", labels=LABELS)
    failures = GaugeMetricFamily("app_connector_consecutive_failures", "Failed runs in a row.", labels=LABELS)
    state = GaugeMetricFamily("app_connector_state", "1 for the connector's current state.", labels=[*LABELS, "state"])
    now = timezone.now()
    for row in ConnectorSyncState.objects.all().values(
        "project_id", "source", "status", "last_success_at", "consecutive_failures"
    ):
        labels = [str(row["project_id"]), row["source"]]
        if row["last_success_at"]:
            last_success.add_metric(labels, row["last_success_at"].timestamp())
            lag.add_metric(labels, (now - row["last_success_at"]).total_seconds())
        failures.add_metric(labels, row["consecutive_failures"])
        for value in SyncStatus.values:
            state.add_metric([*labels, value], 1 if row["status"] == value else 0)
    yield from (last_success, lag, failures, state)
    yield from _error_families()
    yield from _completeness_families()


def _error_families():
    open_errors = GaugeMetricFamily("app_connector_open_errors", "Unresolved connector errors.", labels=LABELS)
    dead = GaugeMetricFamily("app_connector_dead_letters", "Connector errors in the dead-letter queue.", labels=LABELS)
    # Every configured connector gets a sample, 0 included: "no errors" must not read as "no data".
    counts = {
        key: {"open": 0, "dead": 0}
        for key in ConnectorConfig.objects.values_list("project_id", "source").order_by("project_id", "source")
    }
    rows = (
        ConnectorError.objects.exclude(status=ErrorStatus.RESOLVED)
        .values("project_id", "source", "status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        kind = "dead" if row["status"] == ErrorStatus.DEAD_LETTER else "open"
        counts.setdefault((row["project_id"], row["source"]), {"open": 0, "dead": 0})[kind] += row["n"]
    for (project_id, source), tally in counts.items():
        open_errors.add_metric([str(project_id), source], tally["open"])
        dead.add_metric([str(project_id), source], tally["dead"])
    yield open_errors
    yield dead


RECONCILIATION_CATEGORIES = {
    "missing": "The source has it, we do not (latest reconciliation).",
    "deleted_at_source": "Gone at the source, applied or pending (latest reconciliation).",
    "not_listable": "Not in the source's lists, readable by id: present (latest reconciliation).",
    "duplicates": "Duplicate ids or contact e-mails (latest reconciliation).",
    "orphans": "Deals without company, conversations without contact (latest reconciliation).",
}


def _completeness_families():
    completeness = GaugeMetricFamily(
        "app_reconciliation_completeness_pct", "Latest reconciliation completeness.", labels=LABELS
    )
    categories = {
        name: GaugeMetricFamily(f"app_reconciliation_{name}", help_text, labels=LABELS)
        for name, help_text in RECONCILIATION_CATEGORIES.items()
    }
    for metric in reconciliation_latest_all():
        labels = [str(metric.project_id), metric.source]
        completeness.add_metric(labels, metric.completeness_pct)
        for name, family in categories.items():
            family.add_metric(labels, getattr(metric, name))
    return [completeness, *categories.values()]
