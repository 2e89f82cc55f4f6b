"""API keys (`Authorization: Bearer` or `X-API-Key`) and session auth with a JSON CSRF refusal."""

from django.utils import timezone
from rest_framework import authentication, exceptions

from core import selectors
from core.api.errors import ApiError
from core.api.throttling import failed_authentication_count
from core.models import API_KEY_PREFIX, ApiKey, api_key_hash


def _raw_key(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.META.get("HTTP_X_API_KEY", "").strip() or None


def api_key_lookup(raw_key: str) -> ApiKey | None:
    """The key matching `raw_key` if it works right now, or None (one query).

    It works while it is neither revoked nor expired and its creator is an active user who still holds, in the
    key's project, a role the key's scope needs (`ApiKey.creator_roles_allowed`: owner or PM for a write key, any
    role for a read key). A key never carries more than the person who made it has today.
    """
    if not raw_key.startswith(API_KEY_PREFIX):
        return None
    prefix = raw_key[len(API_KEY_PREFIX) :].split("_", 1)[0]
    key = selectors.api_key_by_prefix(prefix)
    if key is None or key.key_hash != api_key_hash(raw_key) or not key.is_active:
        return None
    if not key.created_by.is_active or key.creator_role not in key.creator_roles_allowed():
        return None
    return key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """A project-bound key; `request.auth` is the ApiKey and implies the project."""

    def authenticate(self, request):
        raw = _raw_key(request)
        if raw is None:
            return None
        key = api_key_lookup(raw)
        if key is None:
            failed_authentication_count(request)  # guessing keys is throttled per client IP
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked API key.")
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        return key.created_by, key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """Session auth whose CSRF refusal uses the `csrf_failed` code."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise ApiError("csrf_failed", "CSRF token missing or incorrect (send X-CSRF-Token).", 403) from exc
