from django.contrib import admin, messages
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from core.admin import actions_need
from jobs.models import JobRun, ScheduledJobState
from jobs.supervision import job_resume

# django-celery-beat's enable/disable/toggle/run actions change schedules or start work: they need "change".
if admin.site.is_registered(PeriodicTask):
    admin.site.unregister(PeriodicTask)
    admin.site.register(PeriodicTask, actions_need(PeriodicTaskAdmin, "change"))


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "job", "project", "status", "trigger", "duration_ms"]
    list_filter = ["job", "status", "trigger", "project"]
    readonly_fields = [f.name for f in JobRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ScheduledJobState)
class ScheduledJobStateAdmin(admin.ModelAdmin):
    """Supervision of the periodic jobs; intervals and enabling live in "Periodic tasks" (django-celery-beat)."""

    list_display = [
        "name",
        "last_status",
        "consecutive_failures",
        "suspended_at",
        "backoff_until",
        "last_success_at",
        "last_failure_at",
    ]
    list_filter = ["last_status"]
    readonly_fields = [f.name for f in ScheduledJobState._meta.fields]
    actions = ["resume"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Resume (re-enable, clear failures and backoff)", permissions=["change"])
    def resume(self, request, queryset):
        for state in queryset:
            job_resume(state.name, actor=request.user)
        self.message_user(request, f"Resumed {queryset.count()} job(s).", messages.SUCCESS)
