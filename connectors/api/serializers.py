"""Response shapes for the connector endpoints (API.md) and request validation."""

from rest_framework import serializers, status
from rest_framework.response import Response

from connectors.models import ConnectorError, Source, SyncRun
from core.api.fields import StrictBooleanField, StrictCharField, StrictIntegerField
from core.api.schema import error_responses


class SyncRequestSerializer(serializers.Serializer):
    streams = serializers.ListField(child=StrictCharField(max_length=50), required=False, allow_empty=False)
    full = StrictBooleanField(required=False, default=False)


class RetryRequestSerializer(serializers.Serializer):
    limit = StrictIntegerField(required=False, min_value=1, max_value=500, default=100)


class SyncRunSerializer(serializers.ModelSerializer):
    connector = serializers.CharField(source="source")

    class Meta:
        model = SyncRun
        fields = [
            "id",
            "connector",
            "status",
            "trigger",
            "full",
            "started_at",
            "finished_at",
            "duration_ms",
            "counts",
            "error",
        ]


class ConnectorErrorSerializer(serializers.ModelSerializer):
    connector = serializers.CharField(source="source")

    class Meta:
        model = ConnectorError
        fields = [
            "id",
            "connector",
            "stream",
            "operation",
            "source_ref",
            "error_kind",
            "message",
            "attempt",
            "status",
            "next_retry_at",
            "created_at",
            "updated_at",
            "resolved_at",
            "history",
        ]


def state_payload(entry: dict) -> dict:
    """One connector's state for `GET /api/connectors/state`; never includes credentials."""
    state, config, last_run = entry["state"], entry["config"], entry["last_run"]
    lease = None
    if state is not None and state.lease_owner:
        lease = {"owner": state.lease_owner, "heartbeat_at": _iso(state.lease_heartbeat_at)}
    return {
        "connector": entry["source"],
        "configured": config is not None,
        "enabled": bool(config and config.enabled),
        "status": state.status if state else "idle",
        "last_attempt_at": _iso(state.last_attempt_at) if state else None,
        "last_success_at": _iso(state.last_success_at) if state else None,
        "lag_seconds": state.lag_seconds if state else None,
        "consecutive_failures": state.consecutive_failures if state else 0,
        "last_error": state.last_error if state else "",
        "paused_reason": state.paused_reason if state else "",
        "cursors": state.cursors if state else {},
        "progress": state.progress if state and state.status == "running" else {},
        "lease": lease,
        "last_run": SyncRunSerializer(last_run).data if last_run else None,
    }


def _iso(value):
    return value.isoformat() if value else None


def run_entry(run, *, connector: str | None = None) -> dict:
    """One queued run as every endpoint that starts work answers it (the sync endpoints' `runs` entries)."""
    return {"run_id": str(run.id), "connector": connector, "status": "queued"}


def queued_response(run, *, connector: str | None = None) -> Response:
    """202 with the queued run, in the sync endpoints' shape: `{"runs": [{"run_id", "connector", "status"}]}`
    (`connector` null for work that spans the project's connectors)."""
    return Response({"runs": [run_entry(run, connector=connector)]}, status=status.HTTP_202_ACCEPTED)


# ---------------------------------------------------------------- response shapes (the OpenAPI schema)


class LeaseSerializer(serializers.Serializer):
    owner = serializers.CharField()
    heartbeat_at = serializers.DateTimeField(allow_null=True)


class ConnectorStateSerializer(serializers.Serializer):
    """`state_payload`."""

    connector = serializers.ChoiceField(choices=Source.choices)
    configured = serializers.BooleanField()
    enabled = serializers.BooleanField()
    status = serializers.CharField()
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    lag_seconds = serializers.FloatField(allow_null=True)
    consecutive_failures = serializers.IntegerField()
    last_error = serializers.CharField(allow_blank=True)
    paused_reason = serializers.CharField(allow_blank=True)
    cursors = serializers.DictField()
    progress = serializers.DictField()
    lease = LeaseSerializer(allow_null=True)
    last_run = SyncRunSerializer(allow_null=True)


class ConnectorStatesSerializer(serializers.Serializer):
    connectors = ConnectorStateSerializer(many=True)


class QueuedSyncSerializer(serializers.Serializer):
    run_id = serializers.UUIDField(allow_null=True, help_text="None when a sync of that connector is running.")
    connector = serializers.ChoiceField(choices=Source.choices)
    status = serializers.ChoiceField(choices=["queued", "already_running"])


class QueuedSyncsSerializer(serializers.Serializer):
    runs = QueuedSyncSerializer(many=True)


class QueuedWorkSerializer(serializers.Serializer):
    """`run_entry`: work queued for a worker; its outcome arrives with `job_completed` and in the job run."""

    run_id = serializers.UUIDField()
    connector = serializers.ChoiceField(choices=Source.choices, allow_null=True,
                                        help_text="None for work that spans the project's connectors.")  # fmt: skip
    status = serializers.ChoiceField(choices=["queued"])


class QueuedWorkListSerializer(serializers.Serializer):
    runs = QueuedWorkSerializer(many=True)


# Work queued for a worker: 202 with its run; 409 while the same work runs, 503 when the broker refuses it.
QUEUED_RESPONSES = {202: QueuedWorkListSerializer, **error_responses(409, 503)}


class WebhookStatusSerializer(serializers.Serializer):
    """`webhooks_status` (one source)."""

    source = serializers.ChoiceField(choices=Source.choices)
    configured = serializers.BooleanField()
    registered = serializers.BooleanField()
    registered_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(allow_blank=True)
    signed = serializers.BooleanField()
    last_delivery_at = serializers.DateTimeField(allow_null=True)
    deliveries_24h = serializers.DictField(child=serializers.IntegerField())
    rejections_24h = serializers.DictField(child=serializers.IntegerField())


class WebhooksStatusSerializer(serializers.Serializer):
    webhooks = WebhookStatusSerializer(many=True)


class WebhookRegistrationSerializer(serializers.Serializer):
    webhook = WebhookStatusSerializer()


class ReconciliationMetricSerializer(serializers.Serializer):
    """`metric_payload` (the id lists and details only in `latest`)."""

    connector = serializers.CharField()
    run_id = serializers.UUIDField()
    total = serializers.IntegerField()
    missing = serializers.IntegerField()
    deleted_at_source = serializers.IntegerField()
    not_listable = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    orphans = serializers.IntegerField()
    completeness_pct = serializers.FloatField()
    created_at = serializers.DateTimeField()


class TrendPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    completeness_pct = serializers.FloatField()


class SeriesPointSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    completeness_pct = serializers.FloatField()


class ConnectorSeriesSerializer(serializers.Serializer):
    connector = serializers.CharField()
    points = SeriesPointSerializer(many=True)


class ReconciliationSerializer(serializers.Serializer):
    latest = ReconciliationMetricSerializer(many=True)
    trend = TrendPointSerializer(many=True)
    by_connector = ConnectorSeriesSerializer(many=True)


class ReconciliationDiffEntrySerializer(serializers.Serializer):
    connector = serializers.ChoiceField(choices=Source.choices)
    current_pct = serializers.FloatField()
    previous_pct = serializers.FloatField(allow_null=True)
    delta_pct = serializers.FloatField(allow_null=True)
    missing = serializers.IntegerField()
    deleted_at_source = serializers.IntegerField()
    not_listable = serializers.IntegerField()
    missing_ids = serializers.ListField(child=serializers.CharField())
    deleted_ids = serializers.ListField(child=serializers.CharField())
    duplicate_ids = serializers.ListField(child=serializers.CharField())
    resync_url = serializers.CharField()
    resync_body = serializers.DictField()


class ReconciliationDiffSerializer(serializers.Serializer):
    diff = ReconciliationDiffEntrySerializer(many=True)
