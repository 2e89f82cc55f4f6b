"""Connector endpoints: state, runs, errors, dead letters, retries and sync triggers (API.md)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import audit_record
from connectors import selectors
from connectors.api.serializers import (
    ConnectorErrorSerializer,
    RetryRequestSerializer,
    SyncRequestSerializer,
    SyncRunSerializer,
    state_payload,
)
from connectors.models import ConnectorConfig, ErrorStatus, Source, SyncStatus
from connectors.services import retry as retry_service
from connectors.services.state import state_for
from connectors.sources import REGISTRY
from core.api.errors import ApiError, conflict, invalid_input, not_found
from core.api.validation import parse_choice, parse_uuid
from jobs.services import QueueUnavailable, job_run_queue_and_dispatch


def _audit(request, action: str, **kwargs):
    audit_record(action=action, actor=request.user, project=request.project, request_id=request.request_id, **kwargs)


class ConnectorStateView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        entries = selectors.connector_states(project=request.project)
        return Response({"connectors": [state_payload(entry) for entry in entries]})


class SyncRunListView(ListAPIView):
    serializer_class = SyncRunSerializer

    def get_queryset(self):
        params = self.request.query_params
        source = parse_choice(params.get("connector"), field="connector", choices=Source.values)
        run_status = parse_choice(params.get("status"), field="status", choices=SyncStatus.values)
        return selectors.sync_runs(project=self.request.project, source=source, status=run_status)


class ConnectorErrorListView(ListAPIView):
    serializer_class = ConnectorErrorSerializer

    def get_queryset(self):
        params = self.request.query_params
        source = parse_choice(params.get("connector"), field="connector", choices=Source.values)
        error_status = parse_choice(params.get("status"), field="status", choices=ErrorStatus.values)
        return selectors.connector_errors(project=self.request.project, status=error_status, source=source)


class DeadLetterListView(ListAPIView):
    serializer_class = ConnectorErrorSerializer

    def get_queryset(self):
        return selectors.dead_letters(project=self.request.project)


class ErrorsRetryView(APIView):
    @extend_schema(request=RetryRequestSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        serializer = RetryRequestSerializer(data=request.data)
        if not serializer.is_valid():
            raise invalid_input(serializer.errors)
        result = retry_service.errors_retry_due(project=request.project, limit=serializer.validated_data["limit"])
        _audit(request, "connector.errors_retry", payload={k: v for k, v in result.items() if k != "retried"})
        return Response(result)


class DeadLetterRetryView(APIView):
    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, error_id: str):
        pk = parse_uuid(error_id, field="id")
        error = selectors.dead_letters(project=request.project).filter(pk=pk).select_related("project").first()
        if error is None:
            raise not_found()
        outcome = retry_service.error_retry(error=error)
        if outcome == retry_service.BUSY:
            raise conflict("already_running", f"{error.source} sync is running; retry when it finishes.")
        error.refresh_from_db()
        _audit(
            request,
            "connector.dead_letter_retry",
            entity_type="connector_error",
            entity_id=str(error.id),
            status="ok" if outcome == retry_service.RESOLVED else "failed",
            payload={"outcome": outcome},
        )
        return Response({"error": ConnectorErrorSerializer(error).data, "outcome": outcome})


class SyncView(APIView):
    """Queue syncs: all configured connectors, or the one named in the URL."""

    @extend_schema(request=SyncRequestSerializer, responses={202: OpenApiTypes.OBJECT})
    def post(self, request, name: str | None = None):
        if name is not None and name not in Source.values:
            raise not_found()
        serializer = SyncRequestSerializer(data=request.data)
        if not serializer.is_valid():
            raise invalid_input(serializer.errors)
        streams, full = serializer.validated_data.get("streams"), serializer.validated_data["full"]
        configs = self._configs(request.project, name)
        if streams:
            _validate_streams(configs, streams)
        runs = [self._queue(request, config, streams, full) for config in configs]
        if name is not None and runs[0]["status"] == "already_running":
            raise conflict("already_running", f"{name} sync is already running for this project.")
        return Response({"runs": runs}, status=status.HTTP_202_ACCEPTED)

    @staticmethod
    def _configs(project, name):
        configs = ConnectorConfig.objects.filter(project=project, enabled=True).select_related("project")
        if name is not None:
            configs = configs.filter(source=name)
        configs = list(configs.order_by("source"))
        if not configs:
            raise conflict("not_configured", "No enabled connector is configured for this project.")
        return configs

    def _queue(self, request, config, streams, full) -> dict:
        from connectors.tasks import connector_sync_task

        state = state_for(project=request.project, source=config.source)
        if state.status == SyncStatus.RUNNING and not state.lease_is_stale():
            return {"run_id": None, "connector": config.source, "status": "already_running"}
        try:
            job_run = job_run_queue_and_dispatch(
                job=f"{config.source}_sync",
                project=request.project,
                trigger="manual",
                task=connector_sync_task,
                args=(str(request.project.id), config.source, streams, full, "manual"),
            )
        except QueueUnavailable as exc:
            raise ApiError("unavailable", "The job queue is unavailable; try again shortly.", 503) from exc
        _audit(
            request,
            "connector.sync_requested",
            entity_type="connector",
            entity_id=config.source,
            payload={"streams": streams or [], "full": full, "job_run": str(job_run.id)},
        )
        return {"run_id": str(job_run.id), "connector": config.source, "status": "queued"}


def _validate_streams(configs, streams) -> None:
    known = {spec.name for config in configs for spec in REGISTRY[config.source].streams}
    unknown = [stream for stream in streams if stream not in known]
    if unknown:
        raise invalid_input({"streams": f"Unknown stream(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}."})


class SyncAllView(SyncView):
    @extend_schema(
        operation_id="connectors_sync_all", request=SyncRequestSerializer, responses={202: OpenApiTypes.OBJECT}
    )
    def post(self, request):
        return super().post(request)


class SyncOneView(SyncView):
    @extend_schema(operation_id="connector_sync", request=SyncRequestSerializer, responses={202: OpenApiTypes.OBJECT})
    def post(self, request, name: str):
        return super().post(request, name)


class JobSyncView(SyncView):
    @extend_schema(
        operation_id="jobs_connector_sync", request=SyncRequestSerializer, responses={202: OpenApiTypes.OBJECT}
    )
    def post(self, request, name: str):
        return super().post(request, name)
