"""Admin for tenancy. API keys: the raw key is shown once, right after creation; only the hash is kept.

Every admin action that changes rows names the permission it needs (`@admin.action(permissions=["change"])`),
so Django hides and refuses it for staff who may only view; `actions_need` does the same for a library's admin.
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages

from core.models import AccountScope, ApiKey, Membership, MetricCounter, Project, api_key_hash
from core.services import api_key_revoke


def actions_need(admin_class: type[admin.ModelAdmin], *permissions: str) -> type[admin.ModelAdmin]:
    """A subclass of a library's ModelAdmin whose actions (named by string) need `permissions`, for libraries
    whose actions change rows without naming a permission."""
    guarded: dict = {"__module__": __name__}
    for name in admin_class.actions or ():
        original = getattr(admin_class, name)

        def action(self, request, queryset, _original=original):
            return _original(self, request, queryset)

        action.__name__ = name
        action.short_description = getattr(original, "short_description", name.replace("_", " "))
        action.allowed_permissions = permissions
        guarded[name] = action
    return type(admin_class.__name__, (admin_class,), guarded)


# django-axes' "Clean up expired attempts" deletes rows: it needs the delete permission.
if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, actions_need(AccessAttemptAdmin, "delete"))


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
    readonly_fields = ["prefix", "created_by", "parent", "created_at", "revoked_at", "last_used_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # A saved key keeps its project, scope and expiry: moving or widening it would outrun what its creator
        # (or its parent key) was allowed; revoke it and make another instead. Its name stays editable.
        if obj is not None:
            return [*self.readonly_fields, "project", "scope", "expires_at"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.prefix, raw = ApiKey.generate()
            obj.key_hash = api_key_hash(raw)
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            messages.warning(request, f"Copy this key now, it is not shown again: {raw}")
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke selected keys (and the keys they minted)", permissions=["change"])
    def revoke(self, request, queryset):
        keys = list(queryset.filter(revoked_at__isnull=True).select_related("project"))
        for key in keys:
            api_key_revoke(key=key, actor=request.user)
        self.message_user(request, f"Revoked {len(keys)} key(s) and the keys they minted.")


@admin.register(MetricCounter)
class MetricCounterAdmin(admin.ModelAdmin):
    list_display = ["name", "value", "updated_at"]
    readonly_fields = ["name", "value", "updated_at"]

    def has_add_permission(self, request):
        return False
