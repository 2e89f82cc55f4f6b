"""API keys of the active project: list, create (the key is in the response once), revoke.

A request made with a write key mints keys under it (never outliving nor outranking it) and may revoke only
itself and the keys it minted; a read key does neither (it never writes). Revoking a key revokes what it minted.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core import selectors, services
from core.api.actors import request_actor
from core.api.errors import ApiError, invalid_input, not_found
from core.api.schema import path_uuid
from core.api.serializers import (
    ApiKeyCreatedSerializer,
    ApiKeyCreateSerializer,
    ApiKeyListSerializer,
    ApiKeyRevokedSerializer,
    api_key_payload,
)
from core.api.validation import parse_uuid
from core.models import ApiKey

KEY_REVOKES_ONLY_ITS_OWN = "An API key may revoke only itself and the keys it minted."


class ApiKeysView(APIView):
    @extend_schema(responses={200: ApiKeyListSerializer})
    def get(self, request):
        keys = ApiKey.objects.filter(project=request.project).order_by("-created_at")
        return Response({"keys": [api_key_payload(key) for key in keys]})

    @extend_schema(request=ApiKeyCreateSerializer, responses={201: ApiKeyCreatedSerializer})
    def post(self, request):
        serializer = ApiKeyCreateSerializer(data=request.data)
        if not serializer.is_valid():
            raise invalid_input(serializer.errors)
        data = serializer.validated_data
        if data.get("expires_at") and data["expires_at"] <= timezone.now():
            raise invalid_input({"expires_at": "Must be in the future."})
        key, raw = services.api_key_create(
            project=request.project,
            name=data["name"],
            scope=data["scope"],
            created_by=request.user,
            expires_at=data.get("expires_at"),
            parent=request.auth if isinstance(request.auth, ApiKey) else None,
        )
        return Response({"key": raw, "api_key": api_key_payload(key)}, status=status.HTTP_201_CREATED)


def _own_or_minted(caller: ApiKey, key: ApiKey) -> bool:
    """Whether `key` is the calling key itself or one it minted (directly or not)."""
    return key.pk == caller.pk or key.pk in {each.pk for each in selectors.api_key_descendants(caller)}


class ApiKeyRevokeView(APIView):
    @extend_schema(request=None, responses={200: ApiKeyRevokedSerializer}, parameters=[path_uuid("key_id")])
    def post(self, request, key_id: str):
        key = ApiKey.objects.filter(project=request.project, pk=parse_uuid(key_id, field="id")).first()
        if key is None:
            raise not_found()
        if isinstance(request.auth, ApiKey) and not _own_or_minted(request.auth, key):
            raise ApiError("forbidden", KEY_REVOKES_ONLY_ITS_OWN, status.HTTP_403_FORBIDDEN)
        services.api_key_revoke(key=key, actor=request_actor(request))
        key.refresh_from_db()
        return Response({"api_key": api_key_payload(key)})
