"""Response shapes for the connector endpoints (API.md) and request validation."""

from rest_framework import serializers, status
from rest_framework.response import Response

from connectors.models import ConnectorError, SyncRun


class SyncRequestSerializer(serializers.Serializer):
    streams = serializers.ListField(child=serializers.CharField(max_length=50), required=False, allow_empty=False)
    full = serializers.BooleanField(required=False, default=False)


class RetryRequestSerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)


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
