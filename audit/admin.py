from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "status", "actor_label", "project", "entity_type", "entity_id"]
    list_filter = ["action", "status", "project"]
    search_fields = ["action", "actor_label", "entity_id", "request_id"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False
