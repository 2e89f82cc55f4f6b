"""Request shapes for the OpenAPI schema (validation itself is in `rag.api.validation`)."""

from rest_framework import serializers


class QueryRequestSerializer(serializers.Serializer):
    query = serializers.CharField(max_length=4000, help_text="The question, 1 to 4000 characters.")
    topK = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)
    sourceLimit = serializers.IntegerField(required=False, min_value=1, max_value=25, default=8)
    sourceFilter = serializers.ListField(
        child=serializers.ChoiceField(choices=["messages", "issues", "deals", "chunks"]), required=False
    )
    date_from = serializers.CharField(required=False, help_text="ISO 8601 date or date-time (inclusive).")
    date_to = serializers.CharField(required=False, help_text="ISO 8601 date (inclusive) or date-time (exclusive).")


class FeedbackRequestSerializer(serializers.Serializer):
    query_run_id = serializers.UUIDField()
    rating = serializers.ChoiceField(choices=[-1, 0, 1])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RefreshRequestSerializer(serializers.Serializer):
    rebuild = serializers.BooleanField(required=False, default=False, help_text="Re-chunk every source first.")
    requeue_failed = serializers.BooleanField(
        required=False, default=False, help_text="Give failed chunks a fresh set of attempts first."
    )
