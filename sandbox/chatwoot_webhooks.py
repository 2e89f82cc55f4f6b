"""Chatwoot's account webhooks API (`/api/v1/accounts/{account_id}/webhooks`), as the server answers it.

The server wraps what the swagger shows bare: the list is `{"payload": {"webhooks": [...]}}`, create and
update `{"payload": {"webhook": {...}}}` (app/views/api/v1/accounts/webhooks/*.jbuilder); delete answers
200 with an empty body. A webhook is `{id, name, url, account_id, subscriptions, secret}`. The body may be
bare `{url, name, subscriptions}` or wrapped in `webhook` (Rails wraps JSON params). Validation errors
are 422 `{"message": "Url is invalid, …", "attributes": [...]}` (record-invalid handler); subscriptions
left out default to the column default below. Local `http://` URLs are accepted.
"""

import secrets
import time

from sandbox.base import Request, Response, json_response
from sandbox.webhooks import Subscription, valid_url

EVENTS = [
    "conversation_created",
    "conversation_status_changed",
    "conversation_updated",
    "contact_created",
    "contact_updated",
    "message_created",
    "message_updated",
    "webwidget_triggered",
    "conversation_typing_on",
    "conversation_typing_off",
]
DEFAULT_EVENTS = EVENTS[:8]  # the `subscriptions` column default: every event but typing


class ChatwootWebhooks:
    """Mixed into ChatwootApp: `request.tenant` is set and the account checked by its dispatch."""

    def webhooks_list(self, request: Request, account_id: str) -> Response:
        subs = self.hub.hooks.subscriptions("chatwoot", request.tenant.name)
        return json_response(200, {"payload": {"webhooks": [webhook_view(s) for s in subs]}})

    def webhook_create(self, request: Request, account_id: str) -> Response:
        body = _params(request)
        fields = {"url": body.get("url"), "subscriptions": body.get("subscriptions", DEFAULT_EVENTS)}
        invalid = self._invalid(request, fields, None)
        if invalid:
            return invalid
        sub = Subscription(
            service="chatwoot",
            tenant=request.tenant.name,
            id=self.hub.hooks.next_number(),
            url=fields["url"],
            secret=secrets.token_urlsafe(18),
            kinds=list(dict.fromkeys(fields["subscriptions"])),
            created_at=time.time(),
            extra={"name": body.get("name"), "account_id": request.tenant.chatwoot_account_id},
        )
        self.hub.hooks.add(sub)
        return json_response(200, {"payload": {"webhook": webhook_view(sub)}})

    def webhook_update(self, request: Request, account_id: str, webhook_id: str) -> Response:
        sub = self.hub.hooks.get("chatwoot", request.tenant.name, int(webhook_id))
        if sub is None:
            return self.not_found(request)
        body = _params(request)
        fields = {k: body[k] for k in ("url", "subscriptions") if k in body}
        invalid = self._invalid(request, fields, sub)
        if invalid:
            return invalid
        sub.url = fields.get("url", sub.url)
        sub.kinds = list(dict.fromkeys(fields.get("subscriptions", sub.kinds)))
        if "name" in body:
            sub.extra["name"] = body["name"]
        return json_response(200, {"payload": {"webhook": webhook_view(sub)}})

    def webhook_delete(self, request: Request, account_id: str, webhook_id: str) -> Response:
        if not self.hub.hooks.remove("chatwoot", request.tenant.name, int(webhook_id)):
            return self.not_found(request)
        return Response(200)

    def _invalid(self, request: Request, fields: dict, current) -> Response | None:
        """The model's validations, in Rails' full-message form; None when valid."""
        errors = []
        if "url" in fields:
            taken = [s for s in self.hub.hooks.subscriptions("chatwoot", request.tenant.name) if s is not current]
            if not valid_url(fields["url"]):
                errors.append(("url", "Url is invalid"))
            elif any(s.url == fields["url"] for s in taken):
                errors.append(("url", "Url has already been taken"))
        events = fields.get("subscriptions", EVENTS)
        if not isinstance(events, list) or not events or not set(map(str, events)) <= set(EVENTS):
            errors.append(("subscriptions", "Subscriptions Invalid events"))
        if not errors:
            return None
        message = ", ".join(text for _, text in errors)
        return json_response(422, {"message": message, "attributes": list(dict.fromkeys(a for a, _ in errors))})


def webhook_view(sub: Subscription) -> dict:
    return {
        "id": sub.id,
        "name": sub.extra.get("name"),
        "url": sub.url,
        "account_id": sub.extra["account_id"],
        "subscriptions": list(sub.kinds),
        "secret": sub.secret,
    }


def _params(request: Request) -> dict:
    body = request.json if isinstance(request.json, dict) else {}
    return body["webhook"] if isinstance(body.get("webhook"), dict) else body
