"""Request shapes for the OpenAPI schema (validation itself is in `rag.api.validation`)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import StrictBooleanField
from rag.constants import DEFAULT_MODE, QUERY_MODES


@extend_schema_field({"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]})
class DateOrDateTimeField(serializers.CharField):
    """An ISO 8601 date (`2026-10-01`) or date-time (`2026-10-01T09:30:00Z`) that exists (rag.api.validation)."""


class QueryRequestSerializer(serializers.Serializer):
    """A question and its options; an option sent as null is the same as one left out."""

    query = serializers.CharField(max_length=4000, help_text="The question, 1 to 4000 characters.")
    mode = serializers.ChoiceField(
        choices=list(QUERY_MODES),
        required=False,
        allow_null=True,
        default=DEFAULT_MODE,
        help_text="naive: chunks only; local: the linked entities' records and neighbours; global: relations "
        "across the project; hybrid: local + global; mix: all three fused (default).",
    )
    topK = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=50, default=10)
    sourceLimit = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=25, default=8)
    sourceFilter = serializers.ListField(
        child=serializers.ChoiceField(choices=["messages", "issues", "deals", "chunks"]),
        required=False,
        allow_null=True,
    )
    date_from = DateOrDateTimeField(
        required=False, allow_null=True, help_text="ISO 8601 date or date-time (inclusive)."
    )
    date_to = DateOrDateTimeField(
        required=False,
        allow_null=True,
        help_text="ISO 8601 date (inclusive) or date-time (exclusive); later than date_from.",
    )


class FeedbackRequestSerializer(serializers.Serializer):
    query_run_id = serializers.UUIDField()
    rating = serializers.ChoiceField(choices=[-1, 0, 1])
    comment = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=2000)


class RefreshRequestSerializer(serializers.Serializer):
    rebuild = StrictBooleanField(
        required=False, default=False, help_text="Re-chunk every source and rebuild the knowledge graph first."
    )
    requeue_failed = StrictBooleanField(
        required=False, default=False, help_text="Give failed chunks a fresh set of attempts first."
    )


# ---------------------------------------------------------------- response shapes (the OpenAPI schema)


class QueryStatsSerializer(serializers.Serializer):
    chunks = serializers.IntegerField()
    messages = serializers.IntegerField()
    issues = serializers.IntegerField()
    deals = serializers.IntegerField()
    evidence = serializers.IntegerField()
    vector_candidates = serializers.IntegerField()
    keyword_candidates = serializers.IntegerField()
    timings_ms = serializers.DictField()


class QueryResponseSerializer(serializers.Serializer):
    """`rag.services.query.lightrag_query`."""

    query = serializers.CharField()
    mode = serializers.ChoiceField(choices=list(QUERY_MODES), help_text="The retrieval mode that ran.")
    answer = serializers.CharField(allow_blank=True)
    answer_mode = serializers.ChoiceField(choices=["llm", "extractive", "extractive_fallback"])
    citations = serializers.ListField(child=serializers.CharField(), help_text="Evidence ids (`E1`, …).")
    entities = serializers.ListField(
        child=serializers.DictField(),
        help_text="Entities the question names: {kind, name, key, score, match (exact|fuzzy)}.",
    )
    evidence = serializers.ListField(
        child=serializers.DictField(),
        help_text="Per source record: id, source_type, source_id, title, snippet, url, score, entity (the linked "
        "entity or client that brought it, or null), client ({id: CRM account id, name} or null), facts.",
    )
    chunks = serializers.ListField(child=serializers.DictField())
    stats = QueryStatsSerializer()
    quality_score = serializers.FloatField(min_value=0, max_value=1)
    source_diversity = serializers.FloatField(min_value=0, max_value=1)
    degraded = serializers.BooleanField()
    duration_ms = serializers.IntegerField()
    query_run_id = serializers.UUIDField()


class LightragStatusSerializer(serializers.Serializer):
    """`rag.selectors.lightrag_status`."""

    embeddings = serializers.DictField(child=serializers.IntegerField(), help_text="Chunks by status.")
    sources = serializers.DictField(child=serializers.DictField())
    provider = serializers.CharField()
    model = serializers.CharField(allow_blank=True)
    dimensions = serializers.IntegerField()
    answers = serializers.CharField()
    last_run = serializers.DictField(allow_null=True)
    query_runs = serializers.IntegerField()


class QueuedRunSerializer(serializers.Serializer):
    run_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=["queued"])


class FeedbackSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    query_run_id = serializers.UUIDField()
    rating = serializers.ChoiceField(choices=[-1, 0, 1])
    comment = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
