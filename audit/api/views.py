"""`GET /api/audit`: the active project's audit events, newest first, filterable by action."""

from rest_framework import serializers
from rest_framework.generics import ListAPIView

from audit.models import AuditEvent
from audit.selectors import audit_events_for


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


class AuditEventListView(ListAPIView):
    serializer_class = AuditEventSerializer

    def get_queryset(self):
        return audit_events_for(project=self.request.project, action=self.request.query_params.get("action"))
