"""`POST /api/webhooks/<source>/<token>`: where the sources deliver. No session, no CSRF, no API key (the token
in the path and the source's signature are the credentials), and answered without calling any source."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from connectors.api.serializers import WebhookRegistrationSerializer, WebhooksStatusSerializer
from connectors.models import ConnectorConfig, Source
from connectors.services.webhook_registration import webhook_register, webhook_unregister, webhooks_status
from connectors.services.webhooks import delivery_receive
from core.api.errors import conflict, error_response, not_found
from core.api.schema import ErrorSerializer, path_choice


class WebhookReceiveView(APIView):
    authentication_classes = []  # exempt from session/CSRF: the token and the signature authenticate
    permission_classes = [AllowAny]
    throttle_classes = []  # the sources deliver in bursts: limited per endpoint (WEBHOOK_MAX_DELIVERIES_PER_SECOND)

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        parameters=[path_choice("source", Source.values)],
        responses={
            202: OpenApiResponse(OpenApiTypes.OBJECT, description="Stored and queued (or ignored: names nothing)."),
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Already received (a retry or a replay)."),
            400: OpenApiResponse(ErrorSerializer, description="Not valid JSON, or not a delivery of this source."),
            401: OpenApiResponse(ErrorSerializer, description="Signature missing, wrong or stale."),
            404: OpenApiResponse(ErrorSerializer, description="Unknown or rotated token, or a disabled connector."),
            413: OpenApiResponse(ErrorSerializer, description="Body over MAX_REQUEST_BODY_BYTES."),
            429: OpenApiResponse(ErrorSerializer, description="Flood from this endpoint; Retry-After says when."),
        },
    )
    def post(self, request, source: str, token: str):
        received = delivery_receive(source=source, token=token, headers=request.headers, body=request.body)
        if received.code:
            headers = {"Retry-After": "1"} if received.status == 429 else None
            return error_response(received.code, received.detail, received.status, request, headers=headers)
        body = {"status": received.detail, "request_id": getattr(request, "request_id", None)}
        if received.delivery_id is not None:
            body["delivery"] = received.delivery_id
        return Response(body, status=received.status)


class WebhookStatusView(APIView):
    """Per source of the active project: registered or not, last delivery, deliveries in 24 h by status."""

    @extend_schema(responses={200: WebhooksStatusSerializer})
    def get(self, request):
        return Response({"webhooks": webhooks_status(project=request.project)})


class WebhookRegisterView(APIView):
    """Register (or re-register) the source's subscription to this project's endpoint (owner/PM, write key)."""

    action = "register"

    @extend_schema(
        request=None, responses={200: WebhookRegistrationSerializer}, parameters=[path_choice("name", Source.values)]
    )
    def post(self, request, name: str):
        if name not in Source.values:
            raise not_found()
        config = ConnectorConfig.objects.filter(project=request.project, source=name, enabled=True).first()
        if config is None:
            raise conflict("not_configured", f"{name} is not configured for this project.")
        if self.action == "register":
            webhook_register(config=config, actor=request.user)
        else:
            webhook_unregister(config=config, actor=request.user)
        row = next(row for row in webhooks_status(project=request.project) if row["source"] == name)
        return Response({"webhook": row})


class WebhookUnregisterView(WebhookRegisterView):
    action = "unregister"
