"""Scheduler and job status endpoints (API.md): `/api/jobs/scheduler`, `/tick`, `/<name>/resume`, `/status`."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import audit_record
from connectors import selectors as connector_selectors
from core.api.errors import ApiError, invalid_input, not_found
from core.api.idempotency import idempotent
from core.api.validation import parse_int
from core.models import ApiKey, Role
from crm import selectors as crm_selectors
from jobs import supervision
from jobs.selectors import job_run_summary, latest_job_runs, storage_use
from jobs.services import QueueUnavailable
from rag import selectors as rag_selectors

MAX_TICK_LIMIT = 50


def _actor(request):
    return f"api key {request.auth.prefix}" if isinstance(request.auth, ApiKey) else request.user


class SchedulerView(APIView):
    @extend_schema(operation_id="jobs_scheduler", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response({"jobs": supervision.scheduler_jobs()})


class SchedulerTickView(APIView):
    """Start what is due now for the active project (owners, PMs and write keys)."""

    @extend_schema(
        operation_id="jobs_scheduler_tick", request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}
    )
    @idempotent
    def post(self, request):
        body = request.data if request.data else {}
        if not isinstance(body, dict):
            raise invalid_input({"body": 'Must be a JSON object, e.g. {"limit": 10}.'})
        unknown = sorted(set(body) - {"limit"})
        if unknown:
            raise invalid_input(dict.fromkeys(unknown, "Unknown field; only `limit` is accepted."))
        limit = parse_int(body.get("limit"), field="limit", minimum=1, maximum=MAX_TICK_LIMIT, default=10)
        try:
            runs = supervision.scheduler_tick(project=request.project, limit=limit)
        except QueueUnavailable:
            raise ApiError("unavailable", "The job queue is unavailable; try again shortly.", 503) from None
        started = [{"job": run.job, "run_id": str(run.id), "status": run.status} for run in runs]
        audit_record(
            action="jobs.tick",
            actor=_actor(request),
            project=request.project,
            request_id=getattr(request, "request_id", ""),
            payload={"started": started, "limit": limit},
        )
        return Response({"started": started})


class SchedulerResumeView(APIView):
    """Resume a suspended scheduled job. Schedules are shared by every project, so only owners may."""

    @extend_schema(operation_id="jobs_scheduler_resume", request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, name: str):
        if request.role != Role.OWNER and not getattr(request.user, "is_staff", False):
            raise ApiError("forbidden", "Only a project owner can resume a scheduled job.", status.HTTP_403_FORBIDDEN)
        try:
            supervision.job_resume(name, actor=_actor(request), project=request.project)
        except supervision.UnknownJob:
            raise not_found(f"No scheduled job named {name!r}.") from None
        job = next(job for job in supervision.scheduler_jobs() if job["name"] == name)
        return Response(job)


class JobsStatusView(APIView):
    @extend_schema(operation_id="jobs_status", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        project = request.project
        return Response(
            {
                "jobs": [{**job_run_summary(run), "run_id": str(run.id)} for run in latest_job_runs(project=project)],
                "scheduler": supervision.scheduler_jobs(),
                "rag_counts": rag_selectors.chunk_counts(project=project),
                "entities": {
                    "raw": connector_selectors.entity_counts(project=project),
                    "crm": crm_selectors.entity_counts(project=project),
                },
                "storage": storage_use(),
                "cursors": connector_selectors.sync_cursors(project=project),
            }
        )
