"""Admin for tenancy. API keys: the raw key is shown once, right after creation; only the hash is kept."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from core.models import AccountScope, ApiKey, Membership, MetricCounter, Project, api_key_hash


@admin.register(AccountScope)
class AccountScopeAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    filter_horizontal = ["owners"]
    search_fields = ["name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "account_scope", "created_at"]
    list_filter = ["account_scope"]
    search_fields = ["name"]
    inlines = [MembershipInline]


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["project", "name", "scope", "expires_at"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = [
        "name",
        "prefix",
        "project",
        "scope",
        "created_by",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["scope", "project"]
    readonly_fields = ["prefix", "created_by", "created_at", "revoked_at", "last_used_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.prefix, raw = ApiKey.generate()
            obj.key_hash = api_key_hash(raw)
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            messages.warning(request, f"Copy this key now, it is not shown again: {raw}")
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke selected keys")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} key(s).")


@admin.register(MetricCounter)
class MetricCounterAdmin(admin.ModelAdmin):
    list_display = ["name", "value", "updated_at"]
    readonly_fields = ["name", "value", "updated_at"]

    def has_add_permission(self, request):
        return False
