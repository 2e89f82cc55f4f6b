"""Connector endpoints: state, runs, errors, dead letters, retries and sync triggers (API.md)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from connectors import selectors
from connectors.api.serializers import (
    QUEUED_RESPONSES,
    ConnectorErrorSerializer,
    ConnectorStatesSerializer,
    QueuedSyncsSerializer,
    RetryRequestSerializer,
    SyncRequestSerializer,
    SyncRunSerializer,
    queued_response,
    run_entry,
    state_payload,
)
from connectors.models import ConnectorConfig, ErrorStatus, Source, SyncStatus
from connectors.services import queue
from connectors.sources import REGISTRY
from core.api.actors import request_actor_label
from core.api.errors import conflict, invalid_input, not_found
from core.api.schema import error_responses, path_choice, path_uuid, query_choice
from core.api.validation import parse_choice, parse_uuid


class ConnectorStateView(APIView):
    @extend_schema(responses={200: ConnectorStatesSerializer})
    def get(self, request):
        entries = selectors.connector_states(project=request.project)
        return Response({"connectors": [state_payload(entry) for entry in entries]})


@extend_schema(parameters=[query_choice("connector", Source.values), query_choice("status", SyncStatus.values)])
class SyncRunListView(ListAPIView):
    serializer_class = SyncRunSerializer

    def get_queryset(self):
        params = self.request.query_params
        source = parse_choice(params.get("connector"), field="connector", choices=Source.values)
        run_status = parse_choice(params.get("status"), field="status", choices=SyncStatus.values)
        return selectors.sync_runs(project=self.request.project, source=source, status=run_status)


@extend_schema(parameters=[query_choice("connector", Source.values), query_choice("status", ErrorStatus.values)])
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
    """Queue a retry of the project's due connector errors: 202 with the run (the retry runs on a worker)."""

    @extend_schema(request=RetryRequestSerializer, responses=QUEUED_RESPONSES)
    def post(self, request):
        serializer = RetryRequestSerializer(data=request.data)
        if not serializer.is_valid():
            raise invalid_input(serializer.errors)
        limit = serializer.validated_data["limit"]
        run = queue.errors_retry_queue(project=request.project, limit=limit, actor=request_actor_label(request))
        return queued_response(run)


class DeadLetterRetryView(APIView):
    """Queue a retry of one dead letter: 202 with the run; the outcome lands on the error row and the run."""

    @extend_schema(request=None, responses=QUEUED_RESPONSES, parameters=[path_uuid("error_id")])
    def post(self, request, error_id: str):
        pk = parse_uuid(error_id, field="id")
        error = selectors.dead_letters(project=request.project).filter(pk=pk).select_related("project").first()
        if error is None:
            raise not_found()
        run = queue.error_retry_queue(error=error, actor=request_actor_label(request))
        return queued_response(run, connector=error.source)


class SyncView(APIView):
    """Queue syncs: all configured connectors, or the one named in the URL."""

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

    @staticmethod
    def _queue(request, config, streams, full) -> dict:
        run = queue.sync_queue(
            project=request.project, source=config.source, trigger="manual", streams=streams, full=full,
            actor=request.user,
        )  # fmt: skip
        if run is None:
            return {"run_id": None, "connector": config.source, "status": "already_running"}
        return run_entry(run, connector=config.source)


# 503: the broker refused the queued sync.
SYNC_RESPONSES = {202: QueuedSyncsSerializer, **error_responses(503)}


def _validate_streams(configs, streams) -> None:
    known = {spec.name for config in configs for spec in REGISTRY[config.source].streams}
    unknown = [stream for stream in streams if stream not in known]
    if unknown:
        raise invalid_input({"streams": f"Unknown stream(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}."})


class SyncAllView(SyncView):
    @extend_schema(operation_id="connectors_sync_all", request=SyncRequestSerializer, responses=SYNC_RESPONSES)
    def post(self, request):
        return super().post(request)


class SyncOneView(SyncView):
    @extend_schema(
        operation_id="connector_sync",
        request=SyncRequestSerializer,
        responses=SYNC_RESPONSES,
        parameters=[path_choice("name", Source.values)],
    )
    def post(self, request, name: str):
        return super().post(request, name)


class JobSyncView(SyncView):
    @extend_schema(
        operation_id="jobs_connector_sync",
        request=SyncRequestSerializer,
        responses=SYNC_RESPONSES,
        parameters=[path_choice("name", Source.values)],
    )
    def post(self, request, name: str):
        return super().post(request, name)
