"""Reads over connector state, runs and errors — always for one project."""

import datetime as dt
import json

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from connectors.models import (
    ConnectorConfig,
    ConnectorError,
    ConnectorSyncState,
    DeliveryStatus,
    ErrorStatus,
    HookFailure,
    Source,
    SyncRun,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookRejection,
)


def projects_with_enabled_connectors() -> list:
    """Every project with at least one enabled connector, by name (the scheduled jobs and commands walk these)."""
    from core.selectors import projects_with_ids

    ids = ConnectorConfig.objects.filter(enabled=True).values_list("project_id", flat=True).distinct()
    return list(projects_with_ids(ids).order_by("name"))


def connector_states(*, project) -> list[dict]:
    """One entry per source, configured or not, with its state and last run (3 queries)."""
    states = {s.source: s for s in ConnectorSyncState.objects.filter(project=project)}
    configs = {c.source: c for c in ConnectorConfig.objects.filter(project=project)}
    # One newest-run lookup per source through (project, source, -started_at), glued with UNION ALL: a
    # DISTINCT ON over the project's whole run history costs ~10 ms at 26k runs, this ~1 ms.
    newest = [
        SyncRun.objects.filter(project=project, source=source).order_by("-started_at")[:1] for source in Source.values
    ]
    last_runs = {run.source: run for run in newest[0].union(*newest[1:], all=True)}
    return [
        {
            "source": source,
            "state": states.get(source),
            "config": configs.get(source),
            "last_run": last_runs.get(source),
        }
        for source in Source.values
    ]


def sync_runs(*, project, source: str | None = None, status: str | None = None) -> QuerySet[SyncRun]:
    queryset = SyncRun.objects.filter(project=project).order_by("-started_at")
    if source:
        queryset = queryset.filter(source=source)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def connector_errors(*, project, status: str | None = None, source: str | None = None) -> QuerySet[ConnectorError]:
    queryset = ConnectorError.objects.filter(project=project).order_by("-updated_at")
    if status:
        queryset = queryset.filter(status=status)
    if source:
        queryset = queryset.filter(source=source)
    return queryset


def dead_letters(*, project) -> QuerySet[ConnectorError]:
    return connector_errors(project=project, status=ErrorStatus.DEAD_LETTER)


def hook_failures(*, project) -> list[HookFailure]:
    """The project's failed after-commit hooks awaiting repair, oldest first."""
    return list(HookFailure.objects.filter(project=project).order_by("created_at", "pk"))


def chatwoot_app_link(*, project) -> str:
    """`<base>/app/accounts/<id>`, the prefix of the project's Chatwoot conversation deep links ("" unbound)."""
    for entry in connector_states(project=project):
        config = entry["config"]
        if entry["source"] == "chatwoot" and config is not None:
            return f"{config.base_url.rstrip('/')}/app/accounts/{config.account_id}"
    return ""


def raw_rows(*, project, source: str, stream: str, external_ids=None, include_deleted: bool = False) -> QuerySet:
    """Raw rows of one stream of one project (other apps read raw data only through this)."""
    from connectors.models import RAW_MODELS

    queryset = RAW_MODELS[(source, stream)].objects.filter(project=project)
    if not include_deleted:
        queryset = queryset.filter(deleted_at__isnull=True)
    if external_ids is not None:
        queryset = queryset.filter(external_id__in=[str(i) for i in external_ids])
    return queryset


def reconciliation_latest(*, project) -> list:
    """The newest metric per connector (and portfolio)."""
    from connectors.models import ReconciliationMetric

    return list(
        ReconciliationMetric.objects.filter(project=project).order_by("source", "-created_at").distinct("source")
    )


def reconciliation_history(*, project, days: int, limit: int) -> list:
    """Metrics of the last `days` days, newest first, at most `limit` per connector."""
    import datetime as dt

    from django.utils import timezone

    from connectors.models import ReconciliationMetric

    since = timezone.now() - dt.timedelta(days=days)
    rows = ReconciliationMetric.objects.filter(project=project, created_at__gte=since).order_by("-created_at")
    kept, per_source = [], {}
    for row in rows.only("source", "completeness_pct", "total", "missing", "duplicates", "created_at", "run_id"):
        if per_source.get(row.source, 0) < limit:
            kept.append(row)
            per_source[row.source] = per_source.get(row.source, 0) + 1
    return kept


def reconciliation_previous(*, project, source: str, before) -> object | None:
    from connectors.models import ReconciliationMetric

    return (
        ReconciliationMetric.objects.filter(project=project, source=source, created_at__lt=before)
        .order_by("-created_at")
        .first()
    )


def reconciliation_latest_all() -> list:
    """The newest metric per (project, connector), for every project (metrics export)."""
    from connectors.models import ReconciliationMetric

    return list(
        ReconciliationMetric.objects.order_by("project_id", "source", "-created_at")
        .distinct("project_id", "source")
        .only(
            "project_id",
            "source",
            "completeness_pct",
            "missing",
            "deleted_at_source",
            "not_listable",
            "duplicates",
            "orphans",
        )
    )


def entity_counts(*, project) -> dict:
    """Live (not deleted) raw rows per `source.stream` (one query)."""
    from django.db import connection

    from connectors.models import RAW_MODELS

    parts, params = [], []
    for (source, stream), model in RAW_MODELS.items():
        parts.append(f"SELECT %s, count(*) FROM {model._meta.db_table} WHERE project_id = %s AND deleted_at IS NULL")
        params += [f"{source}.{stream}", project.pk]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return dict(cursor.fetchall())


def sync_cursors(*, project) -> dict:
    """Each connector's stream cursors and last success."""
    return {
        state.source: {"cursors": state.cursors, "last_success_at": state.last_success_at, "status": state.status}
        for state in ConnectorSyncState.objects.filter(project=project).order_by("source")
    }


def status_block(*, project) -> dict:
    """The connectors' part of `/api/jobs/status`: raw entity counts and sync cursors."""
    return {"entities": {"raw": entity_counts(project=project)}, "cursors": sync_cursors(project=project)}


# ---------------------------------------------------------------- webhooks

WEBHOOK_COUNTS_HOURS = 24
WEBHOOK_FRESHNESS_MINUTES = 60


def webhook_overview(*, project, now=None) -> dict[str, dict]:
    """Per source with a webhook endpoint: `registered_at` (None: not registered), `last_delivery_at`, the
    deliveries received in the last 24 h by status (`deliveries`: {status: n}, every status present), and the
    source change → searchable seconds of those applied in the last hour (`applied_hour`, `p50`, `p95`: None
    without any), from `applied_at − coalesce(event_at, received_at)` (one query).

    Rejected deliveries are not stored: `rejections` ({reason: n}, last 24 h) counts those refused at the
    endpoint (bad signature, malformed, throttled, too large); an unknown token has no project, and is only
    counted per source on /metrics."""
    now = now or timezone.now()
    statuses = list(DeliveryStatus.values)
    counts = ", ".join("count(d.id) FILTER (WHERE d.status = %s)" for _ in statuses)
    applied = "d.status = %s AND d.applied_at >= %s"
    seconds = "greatest(0, extract(epoch FROM d.applied_at - coalesce(d.event_at, d.received_at)))"
    hour_ago = now - dt.timedelta(minutes=WEBHOOK_FRESHNESS_MINUTES)
    rejections = (
        "(SELECT coalesce(jsonb_object_agg(r.result, r.n), '{}'::jsonb) FROM (SELECT result, sum(count) AS n"
        f" FROM {WebhookRejection._meta.db_table} WHERE endpoint_id = e.id AND hour >= %s GROUP BY result) r)"
    )
    day_ago = now - dt.timedelta(hours=WEBHOOK_COUNTS_HOURS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.source, e.registered_at, e.last_delivery_at, {rejections}, {counts},"
            f" count(d.id) FILTER (WHERE {applied}),"
            f" percentile_cont(0.5) WITHIN GROUP (ORDER BY {seconds}) FILTER (WHERE {applied}),"
            f" percentile_cont(0.95) WITHIN GROUP (ORDER BY {seconds}) FILTER (WHERE {applied})"
            f" FROM {WebhookEndpoint._meta.db_table} e"
            f" LEFT JOIN {WebhookDelivery._meta.db_table} d ON d.endpoint_id = e.id AND d.received_at >= %s"
            " WHERE e.project_id = %s GROUP BY e.id, e.source, e.registered_at, e.last_delivery_at",
            [day_ago, *statuses, *[DeliveryStatus.APPLIED, hour_ago] * 3, day_ago, project.pk],
        )  # fmt: skip
        rows = cursor.fetchall()
    overview = {}
    for source, registered_at, last_delivery_at, rejected, *figures in rows:
        by_status, (applied_hour, p50, p95) = figures[: len(statuses)], figures[len(statuses) :]
        overview[source] = {
            "registered_at": registered_at,
            "last_delivery_at": last_delivery_at,
            # Django leaves jsonb from a raw cursor undecoded (its JSONField decodes): decode it here.
            "rejections": {result: int(n) for result, n in json.loads(rejected or "{}").items()},
            "deliveries": dict(zip(statuses, by_status, strict=True)),
            "applied_hour": applied_hour,
            "p50": p50,
            "p95": p95,
        }
    return overview
