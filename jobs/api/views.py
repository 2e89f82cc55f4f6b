"""Scheduler and job status endpoints (API.md): `/api/jobs/scheduler`, `/tick`, `/<name>/resume`, `/status`."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.actors import request_actor, request_is_staff
from core.api.errors import ApiError, invalid_input
from core.api.idempotency import idempotent
from core.api.schema import error_responses, path_choice
from core.api.validation import parse_json_int
from jobs import supervision
from jobs.api.serializers import (
    MAX_TICK_LIMIT,
    JobsStatusSerializer,
    SchedulerJobSerializer,
    SchedulerSerializer,
    TickRequestSerializer,
    TickSerializer,
)
from jobs.schedules import SCHEDULES
from jobs.status import jobs_status

RESUME_NEEDS_STAFF = (
    "Resuming a scheduled job needs a staff account: schedules are shared by every project "
    "(API keys act for one project and never count as staff)."
)


class SchedulerView(APIView):
    """Every schedule; their error text and suspension reasons only for staff (schedules are global)."""

    @extend_schema(operation_id="jobs_scheduler", responses={200: SchedulerSerializer})
    def get(self, request):
        return Response({"jobs": supervision.scheduler_jobs(show_errors=request_is_staff(request))})


class SchedulerTickView(APIView):
    """Start what is due now for the active project (owners, PMs and write keys)."""

    # 503: the broker refused a run it started.
    @extend_schema(
        operation_id="jobs_scheduler_tick",
        request=TickRequestSerializer,
        responses={200: TickSerializer, **error_responses(503)},
    )
    @idempotent
    def post(self, request):
        body = request.data
        if not isinstance(body, dict):
            raise invalid_input({"body": 'Must be a JSON object, e.g. {"limit": 10}.'})
        unknown = sorted(set(body) - {"limit"})
        if unknown:
            raise invalid_input(dict.fromkeys(unknown, "Unknown field; only `limit` is accepted."))
        limit = parse_json_int(body.get("limit"), field="limit", minimum=1, maximum=MAX_TICK_LIMIT, default=10)
        runs = supervision.scheduler_tick(project=request.project, limit=limit, actor=request_actor(request))
        return Response({"started": [supervision.tick_entry(run) for run in runs]})


class SchedulerResumeView(APIView):
    """Resume a suspended scheduled job. Schedules are shared by every project, so only staff may (on a session
    whose role in the active project may make changes)."""

    @extend_schema(
        operation_id="jobs_scheduler_resume",
        request=None,
        responses={200: SchedulerJobSerializer},
        parameters=[path_choice("name", SCHEDULES.names())],
    )
    def post(self, request, name: str):
        if not request_is_staff(request):
            raise ApiError("forbidden", RESUME_NEEDS_STAFF, status.HTTP_403_FORBIDDEN)
        supervision.job_resume(name, actor=request_actor(request), project=request.project)
        job = next(job for job in supervision.scheduler_jobs(show_errors=True) if job["name"] == name)
        return Response(job)


class JobsStatusView(APIView):
    """The project's latest runs and counts; the database size and the schedules' errors only for staff."""

    @extend_schema(operation_id="jobs_status", responses={200: JobsStatusSerializer})
    def get(self, request):
        return Response(jobs_status(project=request.project, staff=request_is_staff(request)))
