"""Connector gauges computed from the database at scrape time (every web process reports the same)."""

from django.db import connection
from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

from connectors.models import (
    ConnectorConfig,
    ConnectorError,
    ConnectorSyncState,
    DeliveryStatus,
    ErrorStatus,
    HookFailure,
    Source,
    SyncRun,
    SyncStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from connectors.selectors import reconciliation_latest_all
from connectors.services.webhooks import COUNTER_PREFIX, RESULTS
from core.counters import counter_values

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
    yield from _hook_failure_families()
    yield from _completeness_families()
    yield from _last_change_family()
    yield from webhook_families()


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


def _hook_failure_families():
    """Failed after-commit hooks waiting for a repair (`retrying`) or past HOOK_REPAIR_MAX_ATTEMPTS (`exhausted`)."""
    family = GaugeMetricFamily(
        "app_connector_hook_failures",
        "After-commit hooks (CRM mirror, chunks) that failed and await a repair, by state.",
        labels=[*LABELS, "state"],
    )
    counts = {
        key: {"retrying": 0, "exhausted": 0}
        for key in ConnectorConfig.objects.values_list("project_id", "source").order_by("project_id", "source")
    }
    rows = HookFailure.objects.values("project_id", "source", "next_retry_at").annotate(n=Count("id"))
    for row in rows:
        state = "exhausted" if row["next_retry_at"] is None else "retrying"
        counts.setdefault((row["project_id"], row["source"]), {"retrying": 0, "exhausted": 0})[state] += row["n"]
    for (project_id, source), tally in counts.items():
        for state, value in tally.items():
            family.add_metric([str(project_id), source, state], value)
    yield family


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


# ---------------------------------------------------------------- a sync found changes

# How far back the newest sync run that changed rows is looked for (served by `syncrun_started_idx`).
LAST_CHANGE_WINDOW_HOURS = 24


def _last_change_family():
    """Per (project, connector): when the newest sync run of the last 24 h that inserted, updated or deleted rows
    started. With healthy webhooks the changes arrive first and a sync finds its records unchanged."""
    family = GaugeMetricFamily(
        "app_connector_last_change_timestamp_seconds",
        f"Start of the newest sync run (last {LAST_CHANGE_WINDOW_HOURS} h) that inserted, updated or deleted rows.",
        labels=LABELS,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT project_id, source, extract(epoch FROM max(started_at)) FROM {SyncRun._meta.db_table} run "
            "WHERE started_at > now() - make_interval(hours => %s) AND finished_at IS NOT NULL "
            "AND EXISTS (SELECT 1 FROM jsonb_each(run.counts) AS stream(name, n) WHERE jsonb_typeof(n) = 'object' "
            "AND coalesce((n->>'inserted')::bigint, 0) + coalesce((n->>'updated')::bigint, 0) "
            "+ coalesce((n->>'deleted')::bigint, 0) > 0) "
            "GROUP BY project_id, source",
            [LAST_CHANGE_WINDOW_HOURS],
        )
        for project_id, source, started in cursor.fetchall():
            family.add_metric([str(project_id), source], float(started))
    yield family


# ---------------------------------------------------------------- webhooks

# Source change → searchable, seconds.
FRESHNESS_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60, 300)
FRESHNESS_WINDOW_MINUTES = 60
# Deliveries applied in the window are looked for among those received this long ago at most (an index range on
# `received_at`); one that waited longer than that to be applied is left out.
FRESHNESS_RECEIVED_WINDOW_MINUTES = 180
# A registered endpoint's usual quiet period: the longest gap between its newest deliveries, at most this many,
# within this many days (an index range on (endpoint, received_at) per registered endpoint).
QUIET_SAMPLE = 200
QUIET_WINDOW_DAYS = 7


def webhook_families():
    """Deliveries by source and result (shared counters), source change → searchable latency of the last hour,
    and per registered endpoint its last delivery and usual quiet period."""
    yield _deliveries_family()
    yield _freshness_family()
    yield from _endpoint_families()


def _deliveries_family():
    family = CounterMetricFamily(
        "app_webhook_deliveries",
        "Webhook deliveries received, by source and result (all processes; rejections included).",
        labels=["source", "result"],
    )
    # Every (source, result) reports from the start, 0 included, so the first event is an increase.
    values = {(source, result): 0 for source in Source.values for result in RESULTS}
    values[("unknown", "unknown_token")] = 0  # a path naming no source we know
    for name, value in counter_values(COUNTER_PREFIX).items():
        source, _, result = name.removeprefix(COUNTER_PREFIX).partition(":")
        if source and result:
            values[(source, result)] = value
    for (source, result), value in sorted(values.items()):
        family.add_metric([source, result], value)
    return family


def _freshness_family():
    """A histogram of the deliveries applied in the last hour (a sliding window recomputed at every scrape: read
    its buckets as they are, `rate()` means nothing here)."""
    family = HistogramMetricFamily(
        "app_webhook_freshness_seconds",
        f"Source change to searchable (applied_at - event time, or receipt), deliveries applied in the last "
        f"{FRESHNESS_WINDOW_MINUTES} min.",
        labels=["project", "source"],
    )
    buckets = ", ".join("count(*) FILTER (WHERE seconds <= %s)" for _ in FRESHNESS_BUCKETS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT project_id, source, count(*), coalesce(sum(seconds), 0), {buckets} FROM ("
            "  SELECT project_id, source,"
            "         greatest(0, extract(epoch FROM applied_at - coalesce(event_at, received_at))) AS seconds"
            f" FROM {WebhookDelivery._meta.db_table}"
            "  WHERE received_at > now() - make_interval(mins => %s)"
            "    AND applied_at > now() - make_interval(mins => %s) AND status = %s"
            ") applied GROUP BY project_id, source ORDER BY project_id, source",
            [*FRESHNESS_BUCKETS, FRESHNESS_RECEIVED_WINDOW_MINUTES, FRESHNESS_WINDOW_MINUTES, DeliveryStatus.APPLIED],
        )
        for project_id, source, total, seconds, *counts in cursor.fetchall():
            points = [(_le(bound), n) for bound, n in zip(FRESHNESS_BUCKETS, counts, strict=True)]
            family.add_metric([str(project_id), source], [*points, ("+Inf", total)], float(seconds))
    return family


def _le(bound: float) -> str:
    return str(float(bound))


def _endpoint_families():
    """Registered endpoints of enabled configs only: an unregistered one is expected to be silent."""
    last = GaugeMetricFamily(
        "app_webhook_last_delivery_timestamp_seconds",
        "Last delivery to a registered webhook (its registration while none has arrived).",
        labels=LABELS,
    )
    quiet = GaugeMetricFamily(
        "app_webhook_quiet_period_seconds",
        f"Longest gap between a registered webhook's last {QUIET_SAMPLE} deliveries ({QUIET_WINDOW_DAYS} d); "
        "0 before two.",
        labels=LABELS,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.project_id, e.source, extract(epoch FROM coalesce(e.last_delivery_at, e.registered_at)),"
            "       coalesce(gaps.longest, 0)"
            f" FROM {WebhookEndpoint._meta.db_table} e"
            f" JOIN {ConnectorConfig._meta.db_table} c ON c.id = e.config_id AND c.enabled"
            " LEFT JOIN LATERAL ("
            "   SELECT extract(epoch FROM max(received_at - previous)) AS longest FROM ("
            "     SELECT received_at, lag(received_at) OVER (ORDER BY received_at) AS previous FROM ("
            f"      SELECT received_at FROM {WebhookDelivery._meta.db_table} d"
            "       WHERE d.endpoint_id = e.id AND d.received_at > now() - make_interval(days => %s)"
            "       ORDER BY d.received_at DESC LIMIT %s) newest) pairs) gaps ON true"
            " WHERE e.registered_at IS NOT NULL ORDER BY e.project_id, e.source",
            [QUIET_WINDOW_DAYS, QUIET_SAMPLE],
        )
        for project_id, source, last_at, longest in cursor.fetchall():
            last.add_metric([str(project_id), source], float(last_at))
            quiet.add_metric([str(project_id), source], float(longest))
    yield last
    yield quiet
