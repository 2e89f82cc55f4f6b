"""Request validation for the auth and project endpoints."""

from rest_framework import serializers


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=True)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class ProjectCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, trim_whitespace=True)
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
    name = serializers.CharField(max_length=200)
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
