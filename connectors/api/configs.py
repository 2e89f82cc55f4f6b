"""How the active project reaches its sources: list, create, change, delete, and test a connection.

Owners and PMs (and write keys) change configs; every member reads them. The token is write-only: it is set or
replaced, never returned; a config says only whether one is set and when it changed."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from connectors.models import ConnectorConfig, Source
from connectors.services.configs import connector_config_delete, connector_config_save
from connectors.services.connection_check import connection_check, connection_check_saved
from core.api.actors import request_actor
from core.api.errors import conflict, invalid_input, not_found
from core.http import AddressNotAllowed

MAX_SYNC_INTERVAL_MINUTES = 24 * 60


class ConnectorConfigSerializer(serializers.Serializer):
    """The fields a person sets. `token` is write-only; on create `base_url` and `token` are required."""

    source = serializers.ChoiceField(choices=Source.choices, required=False)
    base_url = serializers.URLField(max_length=500, required=False)
    account_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    token = serializers.CharField(max_length=4000, required=False, write_only=True, trim_whitespace=True)
    enabled = serializers.BooleanField(required=False)
    sync_interval_minutes = serializers.IntegerField(min_value=1, max_value=MAX_SYNC_INTERVAL_MINUTES, required=False)
    rate_limit_per_second = serializers.FloatField(min_value=0.1, max_value=1000, required=False)


class ConnectorConfigCreateSerializer(ConnectorConfigSerializer):
    """Creating a connection: the source, where it is and its token are required (Chatwoot also its account id)."""

    source = serializers.ChoiceField(choices=Source.choices)
    base_url = serializers.URLField(max_length=500)
    token = serializers.CharField(max_length=4000, write_only=True, trim_whitespace=True)


class ConnectorConfigOutSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=Source.choices)
    base_url = serializers.URLField()
    account_id = serializers.CharField(allow_blank=True)
    token_set = serializers.BooleanField()
    token_changed_at = serializers.DateTimeField(allow_null=True)
    enabled = serializers.BooleanField()
    sync_interval_minutes = serializers.IntegerField()
    rate_limit_per_second = serializers.FloatField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


ConnectionCheckSerializer = inline_serializer(
    "ConnectionCheck",
    {
        "ok": serializers.BooleanField(),
        "outcome": serializers.ChoiceField(["ok", "bad_token", "wrong_account", "unreachable", "unexpected"]),
        "detail": serializers.CharField(),
        "account_name": serializers.CharField(allow_blank=True),
    },
)


def config_payload(config: ConnectorConfig) -> dict:
    return {
        "source": config.source,
        "base_url": config.base_url,
        "account_id": config.account_id,
        "token_set": bool(config.secret),
        "token_changed_at": config.secret_changed_at,
        "enabled": config.enabled,
        "sync_interval_minutes": config.sync_interval_minutes,
        "rate_limit_per_second": config.rate_limit_per_second,
        "created_at": config.created_at,
        "updated_at": config.updated_at,
    }


def _changes(request, *, creating: bool) -> dict:
    """The validated fields of the body as model fields (`token` → `secret`); 400 naming each bad field."""
    serializer = ConnectorConfigSerializer(data=request.data)
    if not serializer.is_valid():
        raise invalid_input(serializer.errors)
    data = dict(serializer.validated_data)
    data.pop("source", None)
    if "token" in data:
        data["secret"] = data.pop("token")
        if not data["secret"]:
            raise invalid_input({"token": "May not be blank."})
    if creating:
        missing = {field: "This field is required." for field in ("base_url", "token") if field not in request.data}
        if missing:
            raise invalid_input(missing)
    return data


def _source_or_404(source: str) -> str:
    if source not in Source.values:
        raise not_found(f"No source {source!r}: one of {', '.join(Source.values)}.")
    return source


def _config_or_404(project, source: str) -> ConnectorConfig:
    config = ConnectorConfig.objects.filter(project=project, source=_source_or_404(source)).first()
    if config is None:
        raise not_found(f"No {source} connection in this project.")
    return config


def _save(request, source: str, changes: dict) -> tuple[ConnectorConfig, bool]:
    if source == Source.CHATWOOT and "account_id" in changes and not changes["account_id"]:
        raise invalid_input({"account_id": "Chatwoot needs the account id (a number in the app's URL)."})
    try:
        return connector_config_save(project=request.project, source=source, changes=changes,
                                     actor=request_actor(request))  # fmt: skip
    except AddressNotAllowed as exc:
        raise invalid_input({"base_url": str(exc)}) from exc


class ConnectorConfigListView(APIView):
    @extend_schema(
        operation_id="connector_configs_list",
        responses={200: inline_serializer("ConnectorConfigs", {"configs": ConnectorConfigOutSerializer(many=True)})},
    )
    def get(self, request):
        configs = ConnectorConfig.objects.filter(project=request.project).order_by("source")
        return Response({"configs": [config_payload(config) for config in configs]})

    @extend_schema(request=ConnectorConfigCreateSerializer, responses={201: ConnectorConfigOutSerializer})
    def post(self, request):
        source = request.data.get("source") if isinstance(request.data, dict) else None
        if source not in Source.values:
            raise invalid_input({"source": f"One of {', '.join(Source.values)}."})
        if ConnectorConfig.objects.filter(project=request.project, source=source).exists():
            raise conflict("already_exists", f"This project already has a {source} connection: PATCH it.")
        changes = _changes(request, creating=True)
        if source == Source.CHATWOOT and not changes.get("account_id"):
            raise invalid_input({"account_id": "Chatwoot needs the account id (a number in the app's URL)."})
        config, _ = _save(request, source, changes)
        return Response(config_payload(config), status=status.HTTP_201_CREATED)


class ConnectorConfigDetailView(APIView):
    @extend_schema(operation_id="connector_config_retrieve", responses={200: ConnectorConfigOutSerializer})
    def get(self, request, source: str):
        return Response(config_payload(_config_or_404(request.project, source)))

    @extend_schema(request=ConnectorConfigSerializer, responses={200: ConnectorConfigOutSerializer})
    def patch(self, request, source: str):
        _config_or_404(request.project, source)
        config, _ = _save(request, source, _changes(request, creating=False))
        return Response(config_payload(config))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, source: str):
        connector_config_delete(config=_config_or_404(request.project, source), actor=request_actor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConnectorConfigTestView(APIView):
    """Test the saved connection, or the values in the body over it (to check them before saving)."""

    @extend_schema(request=ConnectorConfigSerializer, responses={200: ConnectionCheckSerializer})
    def post(self, request, source: str):
        _source_or_404(source)
        saved = ConnectorConfig.objects.filter(project=request.project, source=source).first()
        changes = _changes(request, creating=saved is None)
        if not changes.keys() & {"base_url", "secret", "account_id"} and saved is not None:
            return Response(connection_check_saved(config=saved).as_dict())
        candidate = ConnectorConfig(project=request.project, source=source, rate_limit_per_second=10.0)
        for field in ("base_url", "secret", "account_id"):
            setattr(candidate, field, changes.get(field, getattr(saved, field, "")))
        return Response(connection_check(config=candidate).as_dict())
