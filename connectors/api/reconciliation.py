"""Reconciliation endpoints: latest/trend/series, the diff with re-sync links, run now and targeted re-sync (both
queued for a worker: 202 with the run)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from connectors import selectors
from connectors.api.serializers import (
    QUEUED_RESPONSES,
    ReconciliationDiffSerializer,
    ReconciliationSerializer,
    queued_response,
)
from connectors.models import PORTFOLIO, ConnectorConfig, Source
from connectors.services import queue
from connectors.services.reconciliation import parse_resync_ids
from connectors.sources import REGISTRY
from core.api.actors import request_actor_label
from core.api.errors import conflict, invalid_input, not_found
from core.api.fields import StrictCharField
from core.api.schema import path_choice, query_int
from core.api.validation import parse_int


def metric_payload(metric, *, with_ids: bool = False) -> dict:
    payload = {
        "connector": metric.source,
        "run_id": str(metric.run_id),
        "total": metric.total,
        "missing": metric.missing,
        "deleted_at_source": metric.deleted_at_source,
        "not_listable": metric.not_listable,
        "duplicates": metric.duplicates,
        "orphans": metric.orphans,
        "completeness_pct": metric.completeness_pct,
        "created_at": metric.created_at.isoformat(),
    }
    if with_ids:
        payload.update(
            missing_ids=metric.missing_ids,
            deleted_ids=metric.deleted_ids,
            duplicate_ids=metric.duplicate_ids,
            orphan_ids=metric.orphan_ids,
            details=metric.details,
            error=metric.error,
        )
    return payload


MAX_DAYS, MAX_LIMIT = 365, 1000


class ReconciliationView(APIView):
    @extend_schema(
        responses={200: ReconciliationSerializer},
        parameters=[
            query_int("days", minimum=1, maximum=MAX_DAYS, default=30, description="History window."),
            query_int("limit", minimum=1, maximum=MAX_LIMIT, default=90, description="Metrics in the history."),
        ],
    )
    def get(self, request):
        days = parse_int(request.query_params.get("days"), field="days", minimum=1, maximum=MAX_DAYS, default=30)
        limit = parse_int(request.query_params.get("limit"), field="limit", minimum=1, maximum=MAX_LIMIT, default=90)
        history = selectors.reconciliation_history(project=request.project, days=days, limit=limit)
        trend = {}
        for metric in history:  # newest first: the first seen per day is that day's last run
            if metric.source == PORTFOLIO:
                trend.setdefault(metric.created_at.date().isoformat(), metric.completeness_pct)
        series = {}
        for metric in reversed(history):
            series.setdefault(metric.source, []).append(
                {"at": metric.created_at.isoformat(), "completeness_pct": metric.completeness_pct}
            )
        return Response(
            {
                "latest": [
                    metric_payload(m, with_ids=True) for m in selectors.reconciliation_latest(project=request.project)
                ],
                "trend": [{"date": day, "completeness_pct": pct} for day, pct in sorted(trend.items())],
                "by_connector": [{"connector": source, "points": points} for source, points in sorted(series.items())],
            }
        )


class ReconciliationDiffView(APIView):
    @extend_schema(responses={200: ReconciliationDiffSerializer})
    def get(self, request):
        diff = []
        for metric in selectors.reconciliation_latest(project=request.project):
            if metric.source == PORTFOLIO:
                continue
            previous = selectors.reconciliation_previous(
                project=request.project, source=metric.source, before=metric.created_at
            )
            previous_pct = previous.completeness_pct if previous else None
            diff.append(
                {
                    "connector": metric.source,
                    "current_pct": metric.completeness_pct,
                    "previous_pct": previous_pct,
                    "delta_pct": round(metric.completeness_pct - previous_pct, 2) if previous else None,
                    "missing": metric.missing,
                    "deleted_at_source": metric.deleted_at_source,
                    "not_listable": metric.not_listable,
                    "missing_ids": metric.missing_ids,
                    "deleted_ids": metric.deleted_ids,
                    "duplicate_ids": metric.duplicate_ids,
                    "resync_url": f"/api/connectors/{metric.source}/resync",
                    "resync_body": {"ids": metric.missing_ids},
                }
            )
        return Response({"diff": diff})


class ReconciliationRunView(APIView):
    """Queue the project's reconciliation: 202 with the run; the metrics land in `GET …/reconciliation`."""

    @extend_schema(request=None, responses=QUEUED_RESPONSES)
    def post(self, request):
        run = queue.reconciliation_queue(project=request.project, actor=request_actor_label(request))
        return queued_response(run)


class ResyncSerializer(serializers.Serializer):
    ids = serializers.ListField(child=StrictCharField(max_length=200), min_length=1, max_length=5000)


class ResyncView(APIView):
    """Queue a re-read of exactly the listed records (`"stream:id"` entries, as the diff lists them): 202 with the
    run; ids are checked before anything is queued."""

    @extend_schema(
        request=ResyncSerializer, responses=QUEUED_RESPONSES, parameters=[path_choice("name", Source.values)]
    )
    def post(self, request, name: str):
        if name not in Source.values:
            raise not_found()
        serializer = ResyncSerializer(data=request.data)
        if not serializer.is_valid():
            raise invalid_input(serializer.errors)
        if not ConnectorConfig.objects.filter(project=request.project, source=name, enabled=True).exists():
            raise conflict("not_configured", f"{name} is not configured for this project.")
        try:
            connector = REGISTRY[name]
            grouped = parse_resync_ids(
                serializer.validated_data["ids"], streams=connector.reconciled_streams, valid_id=connector.valid_id
            )
        except ValueError as exc:
            raise invalid_input({"ids": str(exc)}) from exc
        run = queue.resync_queue(project=request.project, source=name, ids=grouped, actor=request_actor_label(request))
        return queued_response(run, connector=name)
