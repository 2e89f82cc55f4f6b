"""One error shape for the whole API: `{"error": code, "detail": ..., "request_id": ...}`."""

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.errors import DomainError


class ApiError(exceptions.APIException):
    """An error with an explicit code, status and detail."""

    def __init__(self, code: str, detail, status_code: int = status.HTTP_400_BAD_REQUEST, headers=None):
        self.code = code
        self.detail_value = detail
        self.status_code = status_code
        self.headers = headers or {}
        super().__init__(detail=str(detail), code=code)


def invalid_input(detail: dict) -> ApiError:
    """400 naming the offending fields: `{field: "message"}`, also from a serializer's `errors` (lists of messages,
    nested fields), which are flattened like any DRF validation error."""
    return ApiError("invalid_input", _flatten(detail), status.HTTP_400_BAD_REQUEST)


def not_found(detail: str = "Not found.") -> ApiError:
    return ApiError("not_found", detail, status.HTTP_404_NOT_FOUND)


def conflict(code: str, detail) -> ApiError:
    return ApiError(code, detail, status.HTTP_409_CONFLICT)


def error_body(code: str, detail, request) -> dict:
    return {"error": code, "detail": detail, "request_id": getattr(request, "request_id", None)}


def error_response(code: str, detail, status_code: int, request, headers=None) -> JsonResponse:
    response = JsonResponse(error_body(code, detail, request), status=status_code)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _flatten(detail):
    """DRF validation detail → {field: "first message"} (nested fields joined with dots)."""
    if isinstance(detail, dict):
        flat = {}
        for field, value in detail.items():
            inner = _flatten(value)
            if isinstance(inner, dict):
                flat.update({f"{field}.{key}": msg for key, msg in inner.items()})
            else:
                flat[str(field)] = inner
        return flat
    if isinstance(detail, list):
        if detail and all(isinstance(item, dict) for item in detail):
            merged = {}
            for index, item in enumerate(detail):
                merged.update({f"{index}.{k}": v for k, v in _flatten(item).items()})
            return merged
        return str(detail[0]) if detail else ""
    return str(detail)


def _classify(exc) -> tuple[str, object, int, dict]:
    """Map an exception to (code, detail, status, headers)."""
    if isinstance(exc, ApiError):
        return exc.code, exc.detail_value, exc.status_code, exc.headers
    if isinstance(exc, DomainError):
        return exc.code, exc.detail, exc.status, {}
    if isinstance(exc, exceptions.ParseError):
        return "invalid_input", {"body": "Malformed JSON: the request body could not be parsed."}, 400, {}
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return "invalid_input", _flatten(detail), 400, {}
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "unsupported_media_type", {"content_type": "Send JSON (application/json)."}, 415, {}
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return "not_authenticated", str(exc.detail), 401, {}
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, math.ceil(exc.wait or 1))  # never invite a retry before the window has room
        return "throttled", f"Too many requests. Retry in {wait} s.", 429, {"Retry-After": str(wait)}
    if isinstance(exc, exceptions.PermissionDenied | DjangoPermissionDenied):
        return "forbidden", str(getattr(exc, "detail", "") or "Forbidden."), 403, {}
    if isinstance(exc, exceptions.NotFound | Http404):
        return "not_found", "Not found.", 404, {}
    if isinstance(exc, exceptions.MethodNotAllowed):
        return "method_not_allowed", str(exc.detail), 405, {}
    if isinstance(exc, RequestDataTooBig):
        return "payload_too_large", {"body": "Request body is too large."}, 413, {}
    return "", None, 0, {}


def exception_handler(exc, context):
    """DRF exception handler producing the project's error shape."""
    code, detail, status_code, headers = _classify(exc)
    if not code:
        # Imported here: rest_framework.views imports the authentication classes that import this module.
        from rest_framework.views import exception_handler as drf_exception_handler

        return drf_exception_handler(exc, context)
    request = context.get("request")
    response = Response(error_body(code, detail, request), status=status_code)
    for name, value in headers.items():
        response[name] = value
    if status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: JSON for the API, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return error_response("csrf_failed", "CSRF token missing or incorrect (send X-CSRF-Token).", 403, request)
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason)


def axes_lockout(request, credentials, *args, **kwargs):
    """django-axes lockout response: 429 with the same message whatever the cause."""
    seconds = _lockout_seconds()
    return error_response(
        "throttled", "Too many failed logins. Try again later.", 429, request, {"Retry-After": str(seconds)}
    )


def _lockout_seconds() -> int:
    from django.conf import settings

    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def handler404(request, exception=None):
    if request.path.startswith("/api/"):
        return error_response("not_found", "Not found.", 404, request)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return error_response("server_error", "Internal error; quote the request id.", 500, request)
    from django.views.defaults import server_error

    return server_error(request)
