"""LightRAG endpoints (API.md): query (and its `/api/search` alias), status, refresh, feedback, embeddings run."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import audit_record
from core.api.errors import ApiError, invalid_input, not_found
from core.api.idempotency import idempotent
from core.models import ApiKey
from rag import selectors
from rag.api.permissions import IsProjectMember
from rag.api.serializers import FeedbackRequestSerializer, QueryRequestSerializer, RefreshRequestSerializer
from rag.api.validation import feedback_from, query_params_from
from rag.services.cascade import QueueUnavailable, embeddings_queue
from rag.services.feedback import QueryRunNotFound, feedback_create
from rag.services.query import lightrag_query


def actor_label(request) -> str:
    if isinstance(request.auth, ApiKey):
        return f"api key {request.auth.prefix}"
    return request.user.get_username()


class QueryView(APIView):
    """Any member may ask (a question changes nothing but the run log), so POST is allowed to viewers."""

    permission_classes = [IsProjectMember]

    @extend_schema(operation_id="lightrag_query", request=QueryRequestSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        params = query_params_from(request.data)
        user = request.user if not isinstance(request.auth, ApiKey) else None
        result = lightrag_query(project=request.project, params=params, user=user, actor_label=actor_label(request))
        return Response(result)


class SearchView(QueryView):
    @extend_schema(operation_id="search", request=QueryRequestSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        return super().post(request)


class StatusView(APIView):
    @extend_schema(operation_id="lightrag_status", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(selectors.lightrag_status(project=request.project))


class FeedbackView(APIView):
    permission_classes = [IsProjectMember]

    @extend_schema(
        operation_id="lightrag_feedback", request=FeedbackRequestSerializer, responses={201: OpenApiTypes.OBJECT}
    )
    @idempotent
    def post(self, request):
        run_id, rating, comment = feedback_from(request.data)
        user = request.user if not isinstance(request.auth, ApiKey) else None
        try:
            feedback = feedback_create(
                project=request.project,
                query_run_id=run_id,
                rating=rating,
                comment=comment,
                user=user,
                actor_label=actor_label(request),
                request_id=getattr(request, "request_id", ""),
            )
        except QueryRunNotFound:
            raise not_found() from None
        body = {
            "id": str(feedback.id),
            "query_run_id": str(feedback.query_run_id),
            "rating": feedback.rating,
            "comment": feedback.comment,
            "created_at": feedback.created_at.isoformat().replace("+00:00", "Z"),
        }
        return Response(body, status=status.HTTP_201_CREATED)


class QueueEmbeddingsView(APIView):
    """Queue an embeddings run for the active project: 202 with the run id."""

    action = "lightrag.refresh"

    def _options(self, request) -> dict:
        serializer = RefreshRequestSerializer(data=request.data or {})
        if not serializer.is_valid():
            raise invalid_input(serializer.errors)
        return serializer.validated_data

    def post(self, request):
        options = self._options(request)
        try:
            run = embeddings_queue(project=request.project, trigger="manual", **options)
        except QueueUnavailable:
            raise ApiError("unavailable", "The job queue is unavailable; try again shortly.", 503) from None
        audit_record(
            action=self.action,
            actor=request.user,
            project=request.project,
            entity_type="job_run",
            entity_id=str(run.id),
            request_id=getattr(request, "request_id", ""),
            payload=options,
        )
        return Response({"run_id": str(run.id), "status": "queued"}, status=status.HTTP_202_ACCEPTED)


class RefreshView(QueueEmbeddingsView):
    @extend_schema(
        operation_id="lightrag_refresh", request=RefreshRequestSerializer, responses={202: OpenApiTypes.OBJECT}
    )
    def post(self, request):
        return super().post(request)


class EmbeddingsRunView(QueueEmbeddingsView):
    action = "lightrag.embeddings_run_requested"

    @extend_schema(
        operation_id="jobs_embeddings_run", request=RefreshRequestSerializer, responses={202: OpenApiTypes.OBJECT}
    )
    def post(self, request):
        return super().post(request)
