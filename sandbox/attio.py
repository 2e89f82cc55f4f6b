"""Fake Attio REST v2 (`/v2/…`, `Authorization: Bearer <key>`).

Records come back with only their active values (as Attio does); the full history of an attribute is
at `GET /v2/objects/{object}/records/{id}/attributes/{attribute}/values?show_historic=true`.
Records query: `limit`/`offset` in the JSON body (default 500), filters `created_at`
(`$eq/$gt/$gte/$lt/$lte`), `record_id` (`$eq/$in` or shorthand), text shorthand (`{"name": "Acme"}`),
`$and/$or/$not`; sorts by `created_at` or any attribute's main field. Notes: `limit` in the query
string, default 10, more than 50 → 400. Errors: `{status_code, type, code, message}`.
Webhook subscriptions: attio_webhooks.py; their events: events_attio.py.
"""

from sandbox import attio_query as query
from sandbox.attio_webhooks import AttioWebhooks
from sandbox.base import Request, Response, ServiceApp, http_date, json_response

OBJECT = r"/v2/objects/([^/]+)"
RECORD = OBJECT + r"/records/([^/]+)"
NOTES_DEFAULT, NOTES_MAX = 10, 50


def attio_error(status: int, kind: str, code: str, message: str) -> Response:
    return json_response(status, {"status_code": status, "type": kind, "code": code, "message": message})


class AttioApp(AttioWebhooks, ServiceApp):
    name = "attio"
    routes = [
        ("GET", "/v2/self", "self_info"),
        ("GET", "/v2/objects", "objects"),
        ("GET", OBJECT, "object"),
        ("GET", OBJECT + "/attributes", "attributes"),
        ("POST", OBJECT + "/records/query", "records_query"),
        ("GET", RECORD, "record"),
        ("GET", RECORD + r"/attributes/([^/]+)/values", "record_values"),
        ("GET", "/v2/notes", "notes"),
        ("GET", r"/v2/notes/([^/]+)", "note"),
        ("GET", "/v2/workspace_members", "members"),
        ("GET", r"/v2/workspace_members/([^/]+)", "member"),
        ("GET", "/v2/webhooks", "webhooks_list"),
        ("POST", "/v2/webhooks", "webhook_create"),
        ("GET", r"/v2/webhooks/([^/]+)", "webhook_get"),
        ("PATCH", r"/v2/webhooks/([^/]+)", "webhook_update"),
        ("DELETE", r"/v2/webhooks/([^/]+)", "webhook_delete"),
    ]

    # ------------------------------------------------------------ errors

    def not_found(self, request: Request, message: str = "Not found.") -> Response:
        return attio_error(404, "invalid_request_error", "not_found", message)

    def invalid(self, message: str) -> Response:
        return attio_error(400, "invalid_request_error", "validation_type", message)

    def unauthorized(self, request: Request) -> Response:
        return attio_error(401, "auth_error", "unauthorized", "Invalid or expired access token.")

    def error(self, request: Request, status: int) -> Response:
        if status == 401:
            return self.unauthorized(request)
        if status == 403:
            return attio_error(403, "auth_error", "billing_error", "The workspace's plan does not allow this.")
        if status == 404:
            return self.not_found(request)
        if status < 500:
            return attio_error(status, "invalid_request_error", "validation_type", "Request is invalid.")
        return attio_error(status, "api_error", "internal_server_error", "An unexpected error occurred.")

    def rate_limited(self, request: Request, rule) -> Response:
        response = attio_error(
            rule.status or 429,
            "rate_limit_error",
            "rate_limit_exceeded",
            "Rate limit exceeded, please try again later.",
        )
        headers = self.retry_after_headers(rule) if rule.retry_after is not None else {}
        # Attio always sends Retry-After as an HTTP date (usually the next second).
        response.headers.update(headers or {"Retry-After": http_date(rule.retry_after_seconds)})
        return response

    # ------------------------------------------------------------ auth

    def dispatch(self, request: Request) -> Response:
        header = request.headers.get("authorization") or ""
        token = header[7:].strip() if header.lower().startswith("bearer ") else None
        tenant = self.hub.tenant_for_token("attio", token)
        if tenant is None:
            return self.unauthorized(request)
        request.tenant = tenant
        with tenant.dataset.lock:
            return super().dispatch(request)

    def _object(self, request: Request, identifier: str) -> str | None:
        """Object slug from a slug or an object id."""
        objects = request.tenant.dataset.attio.objects
        if identifier in objects:
            return identifier
        return next((s for s, o in objects.items() if o["id"]["object_id"] == identifier), None)

    def _missing_object(self, request: Request, identifier: str) -> Response:
        return self.not_found(request, f'Object with slug/ID "{identifier}" not found.')

    # ------------------------------------------------------------ workspace and objects

    def self_info(self, request: Request) -> Response:
        tenant = request.tenant
        data = tenant.dataset.attio
        workspace = data.workspace
        return json_response(
            200,
            {
                "active": True,
                "scope": "record_permission:read object_configuration:read note:read user_management:read",
                "client_id": f"sandbox-{tenant.name}",
                "token_type": "Bearer",
                "exp": None,
                "iat": 1790000000,
                "sub": workspace["id"],
                "aud": f"sandbox-{tenant.name}",
                "iss": "attio.com",
                "authorized_by_workspace_member_id": data.members[0]["id"]["workspace_member_id"],
                "workspace_id": workspace["id"],
                "workspace_name": workspace["name"],
                "workspace_slug": workspace["slug"],
                "workspace_logo_url": None,
            },
        )

    def objects(self, request: Request) -> Response:
        return json_response(200, {"data": list(request.tenant.dataset.attio.objects.values())})

    def object(self, request: Request, identifier: str) -> Response:
        slug = self._object(request, identifier)
        if slug is None:
            return self._missing_object(request, identifier)
        return json_response(200, {"data": request.tenant.dataset.attio.objects[slug]})

    def attributes(self, request: Request, identifier: str) -> Response:
        slug = self._object(request, identifier)
        if slug is None:
            return self._missing_object(request, identifier)
        return json_response(200, {"data": query.attributes(request.tenant.dataset.attio, slug)})

    def members(self, request: Request) -> Response:
        return json_response(200, {"data": request.tenant.dataset.attio.members})

    def member(self, request: Request, member_id: str) -> Response:
        members = request.tenant.dataset.attio.members
        found = next((m for m in members if m["id"]["workspace_member_id"] == member_id), None)
        return json_response(200, {"data": found}) if found else self.not_found(request)

    # ------------------------------------------------------------ records

    def records_query(self, request: Request, identifier: str) -> Response:
        slug = self._object(request, identifier)
        if slug is None:
            return self._missing_object(request, identifier)
        body = request.json if request.json is not None else {}
        if request.bad_json or not isinstance(body, dict):
            return attio_error(400, "invalid_request_error", "validation_type", "Body must be a JSON object.")
        limit, offset = body.get("limit", 500), body.get("offset", 0)
        if not _count(limit) or not _count(offset):
            return attio_error(
                400, "invalid_request_error", "validation_type", "limit and offset must be non-negative numbers."
            )
        data = request.tenant.dataset.attio
        try:
            rows = query.select(data, slug, body.get("filter"), body.get("sorts"))
        except query.QueryError as exc:
            return attio_error(400, "invalid_request_error", "filter_error", str(exc))
        chunk = rows[int(offset) : int(offset) + int(limit)]
        index = query.reverse_index(data)
        return json_response(200, {"data": [query.render(data, slug, r, index) for r in chunk]})

    def record(self, request: Request, identifier: str, record_id: str) -> Response:
        slug = self._object(request, identifier)
        if slug is None:
            return self._missing_object(request, identifier)
        data = request.tenant.dataset.attio
        found = data.records[slug].get(record_id)
        if found is None:
            return self.not_found(request, f'Record with ID "{record_id}" not found.')
        return json_response(200, {"data": query.render(data, slug, found, query.reverse_index(data))})

    def record_values(self, request: Request, identifier: str, record_id: str, attribute: str) -> Response:
        slug = self._object(request, identifier)
        if slug is None:
            return self._missing_object(request, identifier)
        data = request.tenant.dataset.attio
        found = data.records[slug].get(record_id)
        if found is None:
            return self.not_found(request, f'Record with ID "{record_id}" not found.')
        values = query.render(data, slug, found, query.reverse_index(data), historic=True)["values"]
        if attribute not in values:
            return self.not_found(request, f'Attribute with slug/ID "{attribute}" not found.')
        historic = (request.arg("show_historic") or "").lower() == "true"
        chosen = values[attribute] if historic else [v for v in values[attribute] if v["active_until"] is None]
        return json_response(200, {"data": chosen})

    # ------------------------------------------------------------ notes

    def notes(self, request: Request) -> Response:
        limit = request.int_arg("limit", NOTES_DEFAULT)
        offset = request.int_arg("offset", 0)
        if limit is None or not 1 <= limit <= NOTES_MAX or offset is None or offset < 0:
            return attio_error(
                400,
                "invalid_request_error",
                "validation_type",
                f"limit must be between 1 and {NOTES_MAX}; offset must be 0 or more.",
            )
        data = request.tenant.dataset.attio
        rows = list(data.notes.values())
        parent_object = request.arg("parent_object")
        if parent_object:
            slug = self._object(request, parent_object)
            if slug is None:
                return self._missing_object(request, parent_object)
            rows = [n for n in rows if n["parent_object"] == slug]
        parent_record = request.arg("parent_record_id")
        if parent_record:
            rows = [n for n in rows if n["parent_record_id"] == parent_record]
        return json_response(200, {"data": rows[offset : offset + limit]})

    def note(self, request: Request, note_id: str) -> Response:
        found = request.tenant.dataset.attio.notes.get(note_id)
        if found is None:
            return self.not_found(request, f'Note with ID "{note_id}" was not found.')
        return json_response(200, {"data": found})


def _count(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
