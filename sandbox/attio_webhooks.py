"""Attio's webhooks API (`/v2/webhooks`): create, list, get, update, delete, per workspace.

A webhook is `{id: {workspace_id, webhook_id}, target_url, subscriptions: [{event_type, filter}], status,
created_at}`; `secret` only in the create answer. Filters are null or `{"$and"|"$or": [{field, operator:
equals|not_equals, value}]}` (evaluated in webhooks.attio_filter). Invalid bodies answer 400
`validation_type`. Attio requires https target URLs; the sandbox also takes `http://` for local receivers.
"""

import secrets
import time
import uuid

from sandbox.base import Request, Response, json_response
from sandbox.dataset import iso_ns
from sandbox.webhooks import Subscription, valid_url

EVENT_TYPES = {
    *("call-recording.created", "comment.created", "comment.resolved", "comment.unresolved", "comment.deleted"),
    *("list.created", "list.updated", "list.deleted", "list-attribute.created", "list-attribute.updated"),
    *("list-entry.created", "list-entry.updated", "list-entry.deleted"),
    *("object-attribute.created", "object-attribute.updated"),
    *("note.created", "note-content.updated", "note.updated", "note.deleted"),
    *("record.created", "record.merged", "record.updated", "record.deleted"),
    *("task.created", "task.updated", "task.deleted", "workspace-member.created"),
}
OPERATORS = {"equals", "not_equals"}
LIST_DEFAULT, LIST_MAX = 10, 100


class AttioWebhooks:
    """Mixed into AttioApp: `request.tenant` is set by its dispatch; `invalid` and `not_found` are its answers."""

    def webhooks_list(self, request: Request) -> Response:
        limit, offset = request.int_arg("limit", LIST_DEFAULT), request.int_arg("offset", 0)
        if limit is None or not 1 <= limit <= LIST_MAX or offset is None or offset < 0:
            return self.invalid(f"limit must be between 1 and {LIST_MAX}; offset must be 0 or more.")
        subs = self.hub.hooks.subscriptions("attio", request.tenant.name)[offset : offset + limit]
        return json_response(200, {"data": [webhook_view(s) for s in subs]})

    def webhook_get(self, request: Request, webhook_id: str) -> Response:
        sub = self.hub.hooks.get("attio", request.tenant.name, webhook_id)
        if sub is None:
            return self.not_found(request, f'Webhook with ID "{webhook_id}" was not found.')
        return json_response(200, {"data": webhook_view(sub)})

    def webhook_create(self, request: Request) -> Response:
        data = _data(request)
        problem = _problem(data, required=True)
        if problem:
            return self.invalid(problem)
        workspace = request.tenant.dataset.attio.workspace["id"]
        sub = Subscription(
            service="attio",
            tenant=request.tenant.name,
            id=str(uuid.uuid4()),
            url=data["target_url"],
            secret=secrets.token_hex(32),
            kinds=[s["event_type"] for s in data["subscriptions"]],
            created_at=time.time(),
            extra={"workspace_id": workspace, "subscriptions": _subscriptions(data["subscriptions"])},
        )
        self.hub.hooks.add(sub)
        return json_response(200, {"data": {**webhook_view(sub), "secret": sub.secret}})

    def webhook_update(self, request: Request, webhook_id: str) -> Response:
        sub = self.hub.hooks.get("attio", request.tenant.name, webhook_id)
        if sub is None:
            return self.not_found(request, f'Webhook with ID "{webhook_id}" was not found.')
        data = _data(request)
        problem = _problem(data, required=False)
        if problem:
            return self.invalid(problem)
        sub.url = data.get("target_url", sub.url)
        if "subscriptions" in data:
            sub.extra["subscriptions"] = _subscriptions(data["subscriptions"])
            sub.kinds = [s["event_type"] for s in data["subscriptions"]]
        return json_response(200, {"data": webhook_view(sub)})

    def webhook_delete(self, request: Request, webhook_id: str) -> Response:
        if not self.hub.hooks.remove("attio", request.tenant.name, webhook_id):
            return self.not_found(request, "Webhook not found")
        return json_response(200, {})


def webhook_view(sub: Subscription) -> dict:
    return {
        "id": {"workspace_id": sub.extra["workspace_id"], "webhook_id": sub.id},
        "target_url": sub.url,
        "subscriptions": [dict(s) for s in sub.extra["subscriptions"]],
        "status": "active",
        "created_at": iso_ns(sub.created_at),
    }


def _data(request: Request):
    body = request.json
    return body.get("data") if isinstance(body, dict) else None


def _subscriptions(items: list) -> list[dict]:
    return [{"event_type": s["event_type"], "filter": s.get("filter")} for s in items]


def _problem(data, required: bool) -> str | None:
    """What is wrong with a create/update `data` object, or None."""
    if not isinstance(data, dict):
        return "Body must be an object with a `data` object."
    if (required or "target_url" in data) and not valid_url(data.get("target_url")):
        return "target_url must be a valid URL (https)."
    if required or "subscriptions" in data:
        items = data.get("subscriptions")
        if not isinstance(items, list):
            return "subscriptions must be an array."
        return next((p for p in map(_subscription_problem, items) if p), None)
    return None


def _subscription_problem(item) -> str | None:
    if not isinstance(item, dict) or item.get("event_type") not in EVENT_TYPES:
        return f"Unknown event_type in subscription {item!r}."
    if "filter" not in item:
        return "Each subscription needs a `filter` (null for none)."
    rule = item["filter"]
    if rule is None:
        return None
    joined = [k for k in ("$and", "$or") if isinstance(rule, dict) and k in rule]
    conditions = rule[joined[0]] if len(joined) == 1 and len(rule) == 1 else None
    if not isinstance(conditions, list) or not all(_condition_ok(c) for c in conditions):
        return 'filter must be null or {"$and"|"$or": [{field, operator: equals|not_equals, value}]}.'
    return None


def _condition_ok(condition) -> bool:
    return (
        isinstance(condition, dict)
        and isinstance(condition.get("field"), str)
        and condition.get("operator") in OPERATORS
        and isinstance(condition.get("value"), str)
    )
