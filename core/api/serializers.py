"""Request validation for the auth and project endpoints."""

from rest_framework import serializers

from core.api.fields import StrictCharField
from core.roles import Role


class LoginSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150, trim_whitespace=True)
    password = StrictCharField(max_length=256, trim_whitespace=False)


class ProjectCreateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200, trim_whitespace=True)
    account_scope = serializers.UUIDField(required=False)


def project_payload(project, role: str | None) -> dict:
    return {
        "id": str(project.id),
        "name": project.name,
        "account_scope": {"id": str(project.account_scope_id), "name": project.account_scope.name},
        "role": role,
        "created_at": project.created_at.isoformat(),
    }


class ApiKeyCreateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200)
    scope = serializers.ChoiceField(choices=["read", "write"], default="read")
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


def api_key_payload(key) -> dict:
    return {
        "id": str(key.id),
        "name": key.name,
        "prefix": key.prefix,
        "scope": key.scope,
        "created_at": key.created_at.isoformat(),
        "expires_at": key.expires_at.isoformat() if key.expires_at else None,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
        "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
        "parent_id": str(key.parent_id) if key.parent_id else None,
        "active": key.is_active,
    }


# ---------------------------------------------------------------- response shapes (the OpenAPI schema)


class ApiKeySerializer(serializers.Serializer):
    """`api_key_payload`."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    scope = serializers.ChoiceField(choices=["read", "write"])
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
    parent_id = serializers.UUIDField(allow_null=True, help_text="The key that minted this one, if any.")
    active = serializers.BooleanField()


class ApiKeyListSerializer(serializers.Serializer):
    keys = ApiKeySerializer(many=True)


class ApiKeyCreatedSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The key itself: shown this once, stored only as a hash.")
    api_key = ApiKeySerializer()


class ApiKeyRevokedSerializer(serializers.Serializer):
    api_key = ApiKeySerializer()


class NamedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class ProjectSerializer(serializers.Serializer):
    """`project_payload`."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    account_scope = NamedSerializer()
    role = serializers.ChoiceField(choices=Role.values, allow_null=True)
    created_at = serializers.DateTimeField()


class ProjectListSerializer(serializers.Serializer):
    projects = ProjectSerializer(many=True)
    active_project_id = serializers.CharField(allow_null=True)


class ProjectCreatedSerializer(serializers.Serializer):
    project = ProjectSerializer()


class ProjectSelectedSerializer(serializers.Serializer):
    active_project_id = serializers.UUIDField()
    project = ProjectSerializer()


class MeUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.values, allow_null=True)
    is_superuser = serializers.BooleanField()


class MeSerializer(serializers.Serializer):
    """`GET /api/auth/me` and a successful login."""

    authenticated = serializers.BooleanField()
    user = MeUserSerializer(allow_null=True)
    active_project = NamedSerializer(allow_null=True)
    csrf_token = serializers.CharField(help_text="Send it as X-CSRF-Token on POST/PUT/PATCH/DELETE.")


class OkSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
