"""Retention of the connector tables this app owns (registered from `ConnectorsConfig.ready()`).

- connector errors: only `resolved` ones, aged by `resolved_at` (open errors and dead letters are never deleted);
- sync runs: aged by `started_at`, never a `running` one nor the run a connector's live state points at
  (`ConnectorSyncState.current_run`, its last run), so nothing else changes when a run goes;
- reconciliation metrics: aged by `created_at`, never the latest of a (project, source), which dashboards show;
- webhook deliveries: aged by `received_at`, never one still `queued` or `applying` (its applier has not finished;
  the endpoint keeps `last_delivery_at` itself, so nothing reads an old delivery).
"""

from django.db.models import Exists, OuterRef, QuerySet

from connectors.models import (
    ConnectorError,
    ConnectorSyncState,
    DeliveryStatus,
    ErrorStatus,
    ReconciliationMetric,
    SyncRun,
    SyncStatus,
    WebhookDelivery,
)
from core.retention import RetentionTarget, retention_target_register


def connector_errors_deletable() -> QuerySet[ConnectorError]:
    return ConnectorError.objects.filter(status=ErrorStatus.RESOLVED, resolved_at__isnull=False)


def sync_runs_deletable() -> QuerySet[SyncRun]:
    current = ConnectorSyncState.objects.filter(current_run__isnull=False).values("current_run_id")
    return SyncRun.objects.exclude(status=SyncStatus.RUNNING).exclude(pk__in=current)


def reconciliation_metrics_deletable() -> QuerySet[ReconciliationMetric]:
    newer = ReconciliationMetric.objects.filter(
        project_id=OuterRef("project_id"), source=OuterRef("source"), created_at__gt=OuterRef("created_at")
    )
    return ReconciliationMetric.objects.filter(Exists(newer))


def webhook_deliveries_deletable() -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.exclude(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.APPLYING])


def retention_targets_register() -> None:
    retention_target_register(
        RetentionTarget(
            table=ConnectorError._meta.db_table,
            queryset=connector_errors_deletable,
            age_field="resolved_at",
            days_setting="RETENTION_CONNECTOR_ERRORS_DAYS",
        )
    )
    retention_target_register(
        RetentionTarget(
            table=SyncRun._meta.db_table,
            queryset=sync_runs_deletable,
            age_field="started_at",
            days_setting="RETENTION_SYNC_RUNS_DAYS",
        )
    )
    retention_target_register(
        RetentionTarget(
            table=ReconciliationMetric._meta.db_table,
            queryset=reconciliation_metrics_deletable,
            age_field="created_at",
            days_setting="RETENTION_RECONCILIATION_METRICS_DAYS",
        )
    )
    retention_target_register(
        RetentionTarget(
            table=WebhookDelivery._meta.db_table,
            queryset=webhook_deliveries_deletable,
            age_field="received_at",
            days_setting="RETENTION_WEBHOOK_DELIVERIES_DAYS",
        )
    )
