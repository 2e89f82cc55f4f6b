"""`GET /api/audit`: the active project's audit events, newest first, filterable by action."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from audit.models import AuditEvent
from audit.selectors import audit_events_for
from core.api.schema import NO_NUL_PATTERN, query_parameter
from core.api.validation import parse_text

ACTION_MAX_LENGTH = AuditEvent._meta.get_field("action").max_length


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label")

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "action",
            "actor",
            "status",
            "entity_type",
            "entity_id",
            "request_id",
            "payload",
            "created_at",
        ]


ACTION_PARAMETER = query_parameter(
    "action",
    {"type": "string", "maxLength": ACTION_MAX_LENGTH, "pattern": NO_NUL_PATTERN},
    "Only events of this action (exact), e.g. `crm.stage_moved`.",
)


@extend_schema(parameters=[ACTION_PARAMETER])
class AuditEventListView(ListAPIView):
    serializer_class = AuditEventSerializer

    def get_queryset(self):
        action = parse_text(self.request.query_params.get("action"), field="action", max_length=ACTION_MAX_LENGTH)
        return audit_events_for(project=self.request.project, action=action)
