"""What the OpenAPI schema promises beyond the views' own shapes, in one place (docs/security.md, "API contract").

- The authenticators' security schemes (drf-spectacular extensions, loaded in AppConfig.ready).
- `ApiAutoSchema` (DEFAULT_SCHEMA_CLASS): every operation lists the error responses it can really give, in the
  one error envelope (`Error`), derived from the view — its authenticators, permissions, throttles, inputs and
  path — so no view repeats them: 400 where input is read (a body, parameters), 401 where credentials are
  read, 403 on guarded changes (role, key scope, CSRF), 404 on paths with ids and paginated lists, 409 where an
  active project is required or an `Idempotency-Key` may conflict, 413/415 on bodies, 429 where throttled. A
  view adds what only it knows with `error_responses(...)` (503 where it queues work, login's 401/403).
- Request strings say what the server accepts: `minLength: 1` and a non-blank pattern where blanks are refused,
  and no NUL character anywhere (PostgreSQL cannot store one; DRF refuses it).
- A request serializer whose view refuses unknown fields says so (`refuses_unknown_fields = True`:
  `additionalProperties: false`).
- `X-Request-ID` on every response, `Retry-After` on 429.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.authentication import SessionAuthentication

from core.api.authentication import ApiKeyAuthentication
from core.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from core.api.idempotency import SAFE_KEY_PATTERN

# A string the server keeps after trimming: not empty, not only whitespace, no NUL.
NON_BLANK_PATTERN = r"^[^\x00]*[^\s\x00][^\x00]*$"
NO_NUL_PATTERN = r"^[^\x00]*$"
# A blank-allowed field's non-empty branch (drf-spectacular adds `oneOf: [this, maxLength 0]`).
NON_EMPTY_NO_NUL_PATTERN = r"^[^\x00]+$"

# Each error status: (response component name, description). The body is always the `Error` envelope.
ERRORS = {
    400: ("InvalidInput", "`invalid_input`: `detail` maps each offending field (or header, or `body`) to a message."),
    401: ("NotAuthenticated", "`not_authenticated`: no credentials, or an unknown, expired or revoked API key."),
    403: (
        "Forbidden",
        "`forbidden` (role, key scope, project) or `csrf_failed` (a session's change, no X-CSRF-Token).",
    ),
    404: ("NotFound", "`not_found`: no such object (in the active project), or a page past the last."),
    409: (
        "Conflict",
        "`active_project_required` (select a project first), `conflict` (an Idempotency-Key reused with another "
        "request), `already_running` or `not_configured`.",
    ),
    413: ("PayloadTooLarge", "`payload_too_large`: a body over MAX_REQUEST_BODY_BYTES."),
    415: ("UnsupportedMediaType", "`unsupported_media_type`: send JSON (`application/json`)."),
    429: ("Throttled", "`throttled`: over the rate limit; `Retry-After` says when to try again."),
    503: ("Unavailable", "`unavailable`: a service the request needs (the job queue's broker) is down; try again."),
}
HEADERS = {
    "X-Request-ID": ("RequestId", {"schema": {"type": "string"}, "required": True, "description": "The request's id."}),
    "Retry-After": (
        "RetryAfter",
        {
            "schema": {"type": "integer", "minimum": 1},
            "required": True,
            "description": "Seconds to wait before trying again.",
        },
    ),
}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Project API key (or header X-API-Key)."}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.authentication.CsrfSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": "A message."},
            {"type": "object", "additionalProperties": {"type": "string"}, "description": "Field → message."},
        ]
    }
)
class ErrorDetailField(serializers.JSONField):
    pass


class ErrorSerializer(serializers.Serializer):
    """The API's one error envelope (API.md, "Errors")."""

    error = serializers.CharField(help_text="Machine-readable code, e.g. `invalid_input`.")
    detail = ErrorDetailField()
    request_id = serializers.CharField(allow_null=True, help_text="The response's X-Request-ID.")

    class Meta:
        ref_name = "Error"


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Error responses a view declares itself, beside its success: `responses={202: X, **error_responses(503)}`
    (a status also derived from the view is documented once)."""
    return {status: OpenApiResponse(ErrorSerializer, description=ERRORS[status][1]) for status in statuses}


def path_uuid(name: str, description: str = "") -> OpenApiParameter:
    """A path id the view parses as a UUID (a malformed one is a 400 naming `id`)."""
    return OpenApiParameter(name, {"type": "string", "format": "uuid"}, OpenApiParameter.PATH, description=description)


def path_choice(name: str, choices, description: str = "") -> OpenApiParameter:
    """A path segment that names one of `choices` (anything else is a 404)."""
    schema = {"type": "string", "enum": sorted(choices)}
    return OpenApiParameter(name, schema, OpenApiParameter.PATH, description=description)


# Marks a query parameter the view reads as absent when it is empty (`?stage=`): `allowEmptyValue: true`.
EMPTY_IS_ABSENT = "x-empty-is-absent"


def query_parameter(name: str, schema: dict, description: str = "") -> OpenApiParameter:
    """A query filter read with `core.api.validation` (`parse_choice`, `parse_int`, `parse_text`): empty is absent."""
    return OpenApiParameter(name, schema, description=description, extensions={EMPTY_IS_ABSENT: True})


def query_choice(name: str, choices, description: str = "") -> OpenApiParameter:
    return query_parameter(name, {"type": "string", "enum": sorted(choices)}, description)


def query_int(name: str, *, minimum: int, maximum: int, default: int, description: str = "") -> OpenApiParameter:
    return query_parameter(
        name, {"type": "integer", "minimum": minimum, "maximum": maximum, "default": default}, description
    )


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus the promises above (module docstring)."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter.pop(EMPTY_IS_ABSENT, False):
                parameter["allowEmptyValue"] = True
        responses = operation["responses"]
        for status in self.error_statuses(operation):
            responses.setdefault(str(status), self._error_response(status))
        for code, response in responses.items():
            if response.get("description") == ERRORS.get(int(code), (None, None))[1]:  # from error_responses()
                responses[code] = self._error_response(int(code))
            elif "$ref" not in response:
                response["headers"] = {**response.get("headers", {}), **self._headers(code)}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_response(self, status: int) -> dict:
        name, description = ERRORS[status]
        content = {"application/json": {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}}
        schema = {"description": description, "headers": self._headers(str(status)), "content": content}
        return self._component(name, ResolvedComponent.RESPONSE, schema)

    def _headers(self, code: str) -> dict:
        names = ["X-Request-ID", "Retry-After"] if code == "429" else ["X-Request-ID"]
        return {name: self._component(HEADERS[name][0], ResolvedComponent.HEADER, HEADERS[name][1]) for name in names}

    def _component(self, name: str, type: str, schema: dict) -> dict:
        component = ResolvedComponent(name=name, type=type, schema=schema, object=name)
        self.registry.register_on_missing(component)
        return component.ref

    def error_statuses(self, operation: dict) -> set[int]:
        """The error statuses this operation can give, read from its view (module docstring)."""
        view, unsafe = self.view, self.method not in permissions.SAFE_METHODS
        authenticators, guards = view.get_authenticators(), view.get_permissions()
        guarded = any(not isinstance(guard, permissions.AllowAny) for guard in guards)
        locations = {parameter["in"] for parameter in operation.get("parameters", [])}
        statuses = set()
        if unsafe or locations:
            statuses.add(400)
        if authenticators or guarded:
            statuses.add(401)
        if unsafe and (guarded or any(isinstance(a, SessionAuthentication) for a in authenticators)):
            statuses.add(403)
        if "path" in locations or (self._is_list_view() and self._get_paginator()):
            statuses.add(404)
        if any(getattr(guard, "requires_active_project", False) for guard in guards) or self.is_idempotent():
            statuses.add(409)
        if unsafe:
            statuses.update((413, 415))
        if view.get_throttles() or any(isinstance(a, ApiKeyAuthentication) for a in authenticators):
            statuses.add(429)
        return statuses

    def is_idempotent(self) -> bool:
        return getattr(getattr(self.view, self.method.lower(), None), "idempotent", False)

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.is_idempotent():
            description = "Replays the first answer to a repeat; the same key with another request is a 409."
            schema = {"type": "string", "pattern": SAFE_KEY_PATTERN}
            header = OpenApiParameter(IDEMPOTENCY_HEADER, schema, OpenApiParameter.HEADER, description=description)
            parameters.append(header)
        return parameters

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and isinstance(field, serializers.ListField) and not field.allow_empty:
            schema.setdefault("minItems", 1)
        shaped = {"format", "pattern", "anyOf", "oneOf", "enum"} & set(schema)  # already says what it accepts
        if direction == "request" and isinstance(field, serializers.CharField) and not shaped:
            if field.allow_blank:
                schema["pattern"] = NON_EMPTY_NO_NUL_PATTERN
            else:
                schema["pattern"] = NON_BLANK_PATTERN if field.trim_whitespace else NO_NUL_PATTERN
        return schema

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and getattr(serializer, "refuses_unknown_fields", False):
            schema["additionalProperties"] = False
        return schema

    def _get_serializer_name(self, serializer, direction, bypass_extensions=False) -> str:
        # Request serializers already named `…Request` keep their name (not `…RequestRequest`).
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        return name.replace("RequestRequest", "Request")
