"""Admin for connectors: configs (secret write-only), states, runs, errors with retry/resolve actions, id checks.
Actions that start work (sync now, retry now) queue it for a worker and name the runs; none runs it inline."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone

from connectors.models import (
    ConnectorConfig,
    ConnectorError,
    ConnectorSyncState,
    ErrorStatus,
    HookFailure,
    IdCheck,
    SyncRun,
)
from connectors.services import errors as error_service
from connectors.services.configs import connector_unpause
from connectors.services.queue import error_retry_queue, sync_queue
from connectors.services.state import AlreadyRunning
from core.http import AddressNotAllowed, base_url_check


class ConnectorConfigForm(forms.ModelForm):
    base_url = forms.URLField(max_length=500, assume_scheme="https")
    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Write-only. Leave empty to keep the stored secret.",
    )

    class Meta:
        model = ConnectorConfig
        fields = [
            "project",
            "source",
            "base_url",
            "secret",
            "account_id",
            "enabled",
            "sync_interval_minutes",
            "rate_limit_per_second",
        ]

    def clean_base_url(self):
        base_url = self.cleaned_data.get("base_url")
        try:
            base_url_check(base_url or "", allow_private=settings.CONNECTOR_ALLOW_PRIVATE_ADDRESSES)
        except AddressNotAllowed as exc:
            raise forms.ValidationError(str(exc)) from None
        return base_url

    def clean_secret(self):
        secret = self.cleaned_data.get("secret")
        if not secret and self.instance.pk:
            return self.instance.secret
        if not secret:
            raise forms.ValidationError("A secret is required for a new connector.")
        return secret


@admin.register(ConnectorConfig)
class ConnectorConfigAdmin(admin.ModelAdmin):
    form = ConnectorConfigForm
    list_display = ["project", "source", "base_url", "account_id", "enabled", "sync_interval_minutes"]
    list_filter = ["source", "enabled", "project"]
    actions = ["sync_now"]

    @admin.action(description="Sync now (queued for a worker)", permissions=["change"])
    def sync_now(self, request, queryset):
        runs = [
            sync_queue(project=config.project, source=config.source, trigger="manual", actor=request.user)
            for config in queryset.filter(enabled=True).select_related("project")
        ]
        queued = sum(1 for run in runs if run is not None)
        busy = len(runs) - queued
        self.message_user(request, f"Queued {queued} sync(s); {busy} already running.", messages.INFO)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        connector_unpause(project=obj.project, source=obj.source)


@admin.register(ConnectorSyncState)
class ConnectorSyncStateAdmin(admin.ModelAdmin):
    list_display = ["project", "source", "status", "last_success_at", "consecutive_failures", "lease_owner"]
    list_filter = ["status", "source", "project"]
    readonly_fields = [f.name for f in ConnectorSyncState._meta.fields]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "project", "source", "status", "trigger", "duration_ms"]
    list_filter = ["source", "status", "trigger", "project"]
    readonly_fields = [f.name for f in SyncRun._meta.fields]


@admin.register(ConnectorError)
class ConnectorErrorAdmin(admin.ModelAdmin):
    list_display = [
        "updated_at",
        "project",
        "source",
        "stream",
        "source_ref",
        "error_kind",
        "attempt",
        "status",
        "next_retry_at",
    ]
    list_filter = ["status", "source", "error_kind", "project"]
    search_fields = ["dedupe_key", "message", "source_ref"]
    readonly_fields = [f.name for f in ConnectorError._meta.fields]
    actions = ["retry_now", "mark_resolved"]

    @admin.action(description="Retry now (queued for a worker)", permissions=["change"])
    def retry_now(self, request, queryset):
        runs, busy = [], 0
        for error in queryset.exclude(status=ErrorStatus.RESOLVED).select_related("project"):
            try:
                runs.append(error_retry_queue(error=error, actor=request.user))
            except AlreadyRunning:
                busy += 1
        ids = ", ".join(str(run.id) for run in runs) or "none"
        message = f"Queued {len(runs)} retry run(s): {ids}. The outcome shows on each error and in job runs."
        if busy:
            message += f" {busy} skipped: their connector's sync is running; retry when it finishes."
        self.message_user(request, message, messages.INFO)

    @admin.action(description="Mark resolved", permissions=["change"])
    def mark_resolved(self, request, queryset):
        count = 0
        for error in queryset.exclude(status=ErrorStatus.RESOLVED).select_related("project"):
            error_service.error_mark_resolved(error=error, how=f"resolved by {request.user.username} in admin")
            count += 1
        self.message_user(request, f"Marked {count} error(s) resolved.")


@admin.register(IdCheck)
class IdCheckAdmin(admin.ModelAdmin):
    """Read-only: records no source list shows, readable by id (present) or on their way out (not_found)."""

    list_display = ["project", "source", "stream", "external_id", "outcome", "strikes", "checked_at"]
    list_filter = ["source", "stream", "outcome"]
    search_fields = ["external_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HookFailure)
class HookFailureAdmin(admin.ModelAdmin):
    """Read-only: after-commit hooks that failed, with the records they missed, until a repair succeeds."""

    list_display = ["created_at", "project", "source", "stream", "hook", "attempts", "next_retry_at", "updated_at"]
    list_filter = ["source", "hook", "project"]
    readonly_fields = [f.name for f in HookFailure._meta.fields]
    actions = ["retry_soon"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Repair at the next minute's run (fresh attempts)", permissions=["change"])
    def retry_soon(self, request, queryset):
        count = queryset.update(next_retry_at=timezone.now(), attempts=1)
        self.message_user(request, f"{count} marker(s) due now: connectors_hook_failures_repair replays them.")
