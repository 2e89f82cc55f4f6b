"""LightRAG endpoints (API.md): query (and its `/api/search` alias), status, refresh, feedback, embeddings run."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.actors import request_actor_label, request_user
from core.api.errors import invalid_input
from core.api.idempotency import idempotent
from core.api.schema import error_responses
from rag import selectors
from rag.api.permissions import IsProjectMember
from rag.api.serializers import (
    FeedbackRequestSerializer,
    FeedbackSerializer,
    LightragStatusSerializer,
    QueryRequestSerializer,
    QueryResponseSerializer,
    QueuedRunSerializer,
    RefreshRequestSerializer,
)
from rag.api.validation import feedback_from, query_params_from
from rag.providers import chat_model_configured
from rag.services.cascade import embeddings_queue
from rag.services.feedback import feedback_create
from rag.services.query import lightrag_query

QUERY_RESPONSES = {200: QueryResponseSerializer}
QUEUE_RESPONSES = {202: QueuedRunSerializer, **error_responses(503)}  # 503: the broker refused the run


class QueryView(APIView):
    """Any member may ask (a question changes nothing but the run log), so POST is allowed to viewers and to
    read keys: the query run it records is the product's own log, not something stored for the caller."""

    permission_classes = [IsProjectMember]
    post_only_reads = True

    def throttle_scope_for(self, request) -> str:
        """`llm` when a chat model answers (API_THROTTLE_LLM); an extractive answer costs a read."""
        return "llm" if chat_model_configured() else "read"

    @extend_schema(operation_id="lightrag_query", request=QueryRequestSerializer, responses=QUERY_RESPONSES)
    def post(self, request):
        params = query_params_from(request.data)
        user, label = request_user(request), request_actor_label(request)
        result = lightrag_query(project=request.project, params=params, user=user, actor_label=label)
        return Response(result)


class SearchView(QueryView):
    @extend_schema(operation_id="search", request=QueryRequestSerializer, responses=QUERY_RESPONSES)
    def post(self, request):
        return super().post(request)


class StatusView(APIView):
    @extend_schema(operation_id="lightrag_status", responses={200: LightragStatusSerializer})
    def get(self, request):
        return Response(selectors.lightrag_status(project=request.project))


class FeedbackView(APIView):
    """Rate an answer: any member, or a write key (a read key only reads)."""

    permission_classes = [IsProjectMember]

    # 404: no query run of that id in the project.
    @extend_schema(
        operation_id="lightrag_feedback",
        request=FeedbackRequestSerializer,
        responses={201: FeedbackSerializer, **error_responses(404)},
    )
    @idempotent
    def post(self, request):
        run_id, rating, comment = feedback_from(request.data)
        user = request_user(request)
        feedback = feedback_create(
            project=request.project,
            query_run_id=run_id,
            rating=rating,
            comment=comment,
            user=user,
            actor_label=request_actor_label(request),
        )
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
        serializer = RefreshRequestSerializer(data=request.data)
        if not serializer.is_valid():
            raise invalid_input(serializer.errors)
        return serializer.validated_data

    def post(self, request):
        options = self._options(request)
        run = embeddings_queue(
            project=request.project, trigger="manual", actor=request.user, action=self.action, **options
        )
        return Response({"run_id": str(run.id), "status": "queued"}, status=status.HTTP_202_ACCEPTED)


class RefreshView(QueueEmbeddingsView):
    @extend_schema(operation_id="lightrag_refresh", request=RefreshRequestSerializer, responses=QUEUE_RESPONSES)
    def post(self, request):
        return super().post(request)


class EmbeddingsRunView(QueueEmbeddingsView):
    action = "lightrag.embeddings_run_requested"

    @extend_schema(operation_id="jobs_embeddings_run", request=RefreshRequestSerializer, responses=QUEUE_RESPONSES)
    def post(self, request):
        return super().post(request)
