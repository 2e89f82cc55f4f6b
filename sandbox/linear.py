"""Fake Linear GraphQL API (`POST /graphql`, `Authorization: <key>` or `Bearer <key>`).

graphql-core executes `linear_schema.graphql`, a field-for-field subset of Linear's published SDL
(see linear_sdl.py). Every answer carries `X-RateLimit-Requests-*` and `X-RateLimit-Complexity-*`
headers (resets in epoch milliseconds); the limits are counted per key per hour but never enforced
(use a `rate_limit` fault for that). Errors use Linear's `extensions {code, type, userError,
userPresentableMessage}`; input errors (e.g. `first` > 250) answer HTTP 400.
Webhook subscriptions: linear_webhooks.py; their events: events_linear.py.
"""

import threading
import time
from functools import cache
from pathlib import Path

from graphql import GraphQLError, build_schema, graphql_sync, parse, validate

from sandbox import linear_resolvers
from sandbox.base import Request, Response, ServiceApp, json_response

SCHEMA_FILE = Path(__file__).with_name("linear_schema.graphql")
COMPLEXITY_LIMIT = 3_000_000
COMPLEXITY_PER_REQUEST = 100
WINDOW_MS = 3_600_000


@cache
def schema():
    return build_schema(SCHEMA_FILE.read_text())


def gql_error(message: str, code: str, kind: str, user_message: str | None = None) -> dict:
    return {
        "message": message,
        "extensions": {
            "code": code,
            "type": kind,
            "userError": True,
            "userPresentableMessage": user_message or message,
        },
    }


class LinearApp(ServiceApp):
    name = "linear"
    routes = [("POST", "/graphql", "graphql")]

    def __init__(self, hub) -> None:
        super().__init__(hub)
        self._windows: dict[str, list] = {}  # key -> [window start ms, requests in window]
        self._window_lock = threading.Lock()

    # ------------------------------------------------------------ errors

    def not_found(self, request: Request) -> Response:
        return json_response(404, {"errors": [gql_error("Not found", "NOT_FOUND", "invalid input")]})

    def unauthorized(self, request: Request) -> Response:
        return json_response(
            401,
            {
                "errors": [
                    gql_error(
                        "Authentication required, not authenticated",
                        "AUTHENTICATION_ERROR",
                        "authentication error",
                        "You need to authenticate to access this operation.",
                    )
                ]
            },
        )

    def error(self, request: Request, status: int) -> Response:
        if status == 401:
            return self.unauthorized(request)
        if status == 403:
            body = gql_error("Forbidden", "FORBIDDEN", "forbidden", "You don't have access to this resource.")
        elif status >= 500:
            body = gql_error("Internal server error", "INTERNAL_ERROR", "internal error")
        else:
            body = gql_error("Bad request", "INVALID_INPUT", "invalid input")
        return json_response(status, {"errors": [body]})

    def rate_limited(self, request: Request, rule) -> Response:
        body = gql_error(
            "Rate limit exceeded", "RATELIMITED", "ratelimited", "Too many requests. Please try again later."
        )
        response = json_response(rule.status or 429, {"errors": [body]})
        reset = int(time.time() * 1000) + (rule.linear_reset_ms if rule.linear_reset_ms is not None else 60_000)
        response.headers.update(self.retry_after_headers(rule))
        response.headers["X-RateLimit-Requests-Remaining"] = "0"
        response.headers["X-RateLimit-Requests-Reset"] = str(reset)
        return response

    # ------------------------------------------------------------ hooks

    def operation(self, request: Request) -> str | None:
        body = request.json
        return body.get("query") if isinstance(body, dict) and isinstance(body.get("query"), str) else None

    def finish(self, request: Request, response: Response) -> Response:
        """Rate-limit headers on every answer, counted per key per hour."""
        key = _api_key(request) or "anonymous"
        now = int(time.time() * 1000)
        with self._window_lock:
            window = self._windows.setdefault(key, [now, 0])
            if now >= window[0] + WINDOW_MS:
                window[:] = [now, 0]
            window[1] += 1
            start, used = window
        limit = self.hub.linear_requests_limit
        headers = {
            "X-RateLimit-Requests-Limit": str(limit),
            "X-RateLimit-Requests-Remaining": str(max(0, limit - used)),
            "X-RateLimit-Requests-Reset": str(start + WINDOW_MS),
            "X-RateLimit-Complexity-Limit": str(COMPLEXITY_LIMIT),
            "X-RateLimit-Complexity-Remaining": str(max(0, COMPLEXITY_LIMIT - used * COMPLEXITY_PER_REQUEST)),
            "X-RateLimit-Complexity-Reset": str(start + WINDOW_MS),
        }
        headers.update(response.headers)  # a rate-limit fault's own values win
        response.headers = headers
        return response

    # ------------------------------------------------------------ the endpoint

    def graphql(self, request: Request) -> Response:
        tenant = self.hub.tenant_for_token("linear", _api_key(request))
        if tenant is None:
            return self.unauthorized(request)
        body = request.json
        if request.bad_json or not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return json_response(
                400, {"errors": [gql_error("Must provide query string.", "GRAPHQL_PARSE_FAILED", "graphql error")]}
            )
        try:
            document = parse(body["query"])
        except GraphQLError as exc:
            return json_response(400, {"errors": [_format(exc, "GRAPHQL_PARSE_FAILED", "graphql error")]})
        problems = validate(schema(), document)
        if problems:
            errors = [_format(p, "GRAPHQL_VALIDATION_FAILED", "graphql error") for p in problems]
            return json_response(400, {"errors": errors})
        viewer = tenant.dataset.linear.users[0]["id"]
        context = linear_resolvers.Context(tenant.dataset, viewer, tenant=tenant, webhooks=self.hub.hooks)
        with tenant.dataset.lock:
            result = graphql_sync(
                schema(),
                body["query"],
                variable_values=body.get("variables") or None,
                operation_name=body.get("operationName"),
                context_value=context,
                field_resolver=linear_resolvers.resolve,
            )
        payload = {"data": js_numbers(result.data)}
        if result.errors:
            payload["errors"] = [_format(e, "INTERNAL_ERROR", "internal error") for e in result.errors]
            codes = {e["extensions"]["code"] for e in payload["errors"]}
            if result.data is None and codes & {"INVALID_INPUT", "GRAPHQL_VALIDATION_FAILED"}:
                return json_response(400, payload)
        return json_response(200, payload)


def js_numbers(value):
    """Integral floats as integers, as Linear's JavaScript server prints them (`"number": 4`, not 4.0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: js_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [js_numbers(v) for v in value]
    return value


def _api_key(request: Request) -> str | None:
    value = (request.headers.get("authorization") or "").strip()
    return value[7:].strip() if value.lower().startswith("bearer ") else (value or None)


def _format(error: GraphQLError, code: str, kind: str) -> dict:
    """graphql-core's error with Linear's extensions (errors raised by resolvers bring their own)."""
    formatted = error.formatted
    extensions = dict(formatted.get("extensions") or {})
    if "code" not in extensions:
        extensions = {
            "code": code,
            "type": kind,
            "userError": code != "INTERNAL_ERROR",
            "userPresentableMessage": error.message,
        }
    formatted["extensions"] = extensions
    return formatted
