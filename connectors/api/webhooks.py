"""`POST /api/webhooks/<source>/<token>`: where the sources deliver. No session, no CSRF, no API key (the token
in the path and the source's signature are the credentials), and answered without calling any source."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from connectors.services.webhooks import delivery_receive
from core.api.errors import error_response


class WebhookReceiveView(APIView):
    authentication_classes = []  # exempt from session/CSRF: the token and the signature authenticate
    permission_classes = [AllowAny]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            202: OpenApiResponse(OpenApiTypes.OBJECT, description="Stored and queued (or ignored: names nothing)."),
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Already received (a retry or a replay)."),
            400: OpenApiResponse(description="Not valid JSON, or not a delivery of this source."),
            401: OpenApiResponse(description="Signature missing, wrong or stale."),
            404: OpenApiResponse(description="Unknown or rotated token, or the connector is disabled."),
            413: OpenApiResponse(description="Body over MAX_REQUEST_BODY_BYTES."),
            429: OpenApiResponse(description="Flood from this endpoint; Retry-After says when."),
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
