"""Admin for LightRAG: chunks (read-only, with a re-queue action), query runs and feedback (read-only)."""

from django.contrib import admin, messages
from django.utils import timezone

from rag.models import Chunk, ChunkStatus, Feedback, QueryRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the product, inspected here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Chunk)
class ChunkAdmin(ReadOnlyAdmin):
    list_display = ["id", "project", "source_type", "source_id", "ordinal", "status", "attempts", "token_count"]
    list_filter = ["status", "source_type", "project"]
    search_fields = ["source_id", "title"]
    exclude = ["embedding", "search"]
    actions = ["requeue"]
    show_full_result_count = False  # counting a large table on every page view is not worth it

    def has_requeue_permission(self, request) -> bool:
        # The admin is read-only for editing rows, but re-queueing writes: it needs the change permission.
        return request.user.has_perm("rag.change_chunk")

    @admin.action(description="Re-queue for embedding (fresh attempts)", permissions=["requeue"])
    def requeue(self, request, queryset):
        count = queryset.update(
            status=ChunkStatus.PENDING, attempts=0, claimed_at=None, embedding=None, updated_at=timezone.now()
        )
        self.message_user(request, f"{count} chunk(s) re-queued; the next embeddings run picks them up.", messages.INFO)


@admin.register(QueryRun)
class QueryRunAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "project", "actor_label", "query", "degraded", "answer_mode", "duration_ms"]
    list_filter = ["degraded", "answer_mode", "project"]
    search_fields = ["query"]
    date_hierarchy = "created_at"


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "project", "query_run", "rating", "actor_label", "comment"]
    list_filter = ["rating", "project"]
