"""Fake Chatwoot application API (`/api/v1/accounts/{account_id}/…`, header `api_access_token`).

Behaviour copied from the server where it differs from the spec (see CONTRACTS.md §1):
conversation lists default to `status=open`, 25 per page, `sort_by` accepted; contacts list only
"resolved" contacts, 15 per page, `meta.current_page` echoes the `page` parameter as given;
messages page by id (`after` → 100 ascending, `before` → 20, none → latest 20); errors are
`{"error": …}`; a throttled request gets 429 `text/plain` "Retry later".
Tenant isolation: a valid token used with another tenant's account id → 401 "You are not authorized
to access this account" (Chatwoot's answer for accounts the user is not a member of); an account id
that does not exist → 404. Webhook subscriptions: chatwoot_webhooks.py; their events: events_chatwoot.py.
"""

from sandbox import chatwoot_filter as filters
from sandbox import chatwoot_views as views
from sandbox.base import Request, Response, ServiceApp, json_response, text_response
from sandbox.chatwoot_webhooks import ChatwootWebhooks

ACCOUNT = r"/api/v1/accounts/(\d+)"
CONVERSATIONS_PER_PAGE = 25
CONTACTS_PER_PAGE = 15
SORTS = {
    "last_activity_at_desc": ("last_activity_at", True),
    "last_activity_at_asc": ("last_activity_at", False),
    "created_at_desc": ("created_at", True),
    "created_at_asc": ("created_at", False),
}
STATUSES = {"all", "open", "resolved", "pending", "snoozed"}


class ChatwootApp(ChatwootWebhooks, ServiceApp):
    name = "chatwoot"
    routes = [
        ("GET", ACCOUNT, "account"),
        ("GET", ACCOUNT + "/inboxes", "inboxes"),
        ("GET", ACCOUNT + r"/inboxes/(\d+)", "inbox"),
        ("GET", ACCOUNT + "/agents", "agents"),
        ("GET", ACCOUNT + "/contacts", "contacts"),
        ("POST", ACCOUNT + "/contacts/filter", "contacts_filter"),
        ("GET", ACCOUNT + r"/contacts/(\d+)", "contact"),
        ("GET", ACCOUNT + r"/contacts/(\d+)/conversations", "contact_conversations"),
        ("GET", ACCOUNT + "/conversations", "conversations"),
        ("GET", ACCOUNT + "/conversations/meta", "conversations_meta"),
        ("POST", ACCOUNT + "/conversations/filter", "conversations_filter"),
        ("GET", ACCOUNT + r"/conversations/(\d+)", "conversation"),
        ("GET", ACCOUNT + r"/conversations/(\d+)/messages", "messages"),
        ("GET", ACCOUNT + "/webhooks", "webhooks_list"),
        ("POST", ACCOUNT + "/webhooks", "webhook_create"),
        ("PATCH", ACCOUNT + r"/webhooks/(\d+)", "webhook_update"),
        ("PUT", ACCOUNT + r"/webhooks/(\d+)", "webhook_update"),
        ("DELETE", ACCOUNT + r"/webhooks/(\d+)", "webhook_delete"),
    ]

    # ------------------------------------------------------------ errors

    def not_found(self, request: Request) -> Response:
        return json_response(404, {"error": "Resource could not be found"})

    def unauthorized(self, request: Request) -> Response:
        if not request.headers.get("api_access_token"):
            return json_response(401, {"errors": ["You need to sign in or sign up before continuing."]})
        return json_response(401, {"error": "Invalid Access Token"})

    def error(self, request: Request, status: int) -> Response:
        messages = {
            403: "You are not authorized to do this action",
            404: "Resource could not be found",
            422: "Unprocessable Entity",
            500: "Internal Server Error",
        }
        if status == 401:
            return self.unauthorized(request)
        return json_response(status, {"error": messages.get(status, "Error")})

    def rate_limited(self, request: Request, rule) -> Response:
        response = text_response(rule.status or 429, "Retry later\n")
        response.headers.update(self.retry_after_headers(rule))
        return response

    # ------------------------------------------------------------ auth

    def dispatch(self, request: Request) -> Response:
        """Authenticate and resolve the account before routing."""
        if not request.path.startswith("/api/v1/accounts/"):
            return self.not_found(request)
        tenant = self.hub.tenant_for_token("chatwoot", request.headers.get("api_access_token"))
        if tenant is None:
            return self.unauthorized(request)
        account = request.path.split("/")[4]
        if not account.isdigit() or self.hub.tenant_for_account(int(account)) is None:
            return self.not_found(request)
        if int(account) != tenant.chatwoot_account_id:
            return json_response(401, {"error": "You are not authorized to access this account"})
        request.tenant = tenant
        with tenant.dataset.lock:
            return super().dispatch(request)

    # ------------------------------------------------------------ account, inboxes, agents

    def account(self, request: Request, account_id: str) -> Response:
        return json_response(200, views.account(request.tenant))

    def inboxes(self, request: Request, account_id: str) -> Response:
        ds = request.tenant.dataset
        return json_response(200, {"payload": [views.inbox(ds, i) for i in ds.inboxes]})

    def inbox(self, request: Request, account_id: str, inbox_id: str) -> Response:
        ds = request.tenant.dataset
        found = [views.inbox(ds, i) for i in ds.inboxes if i["id"] == int(inbox_id)]
        return json_response(200, found[0]) if found else self.not_found(request)

    def agents(self, request: Request, account_id: str) -> Response:
        tenant = request.tenant
        return json_response(200, [views.agent(tenant, s) for s in tenant.dataset.staff])

    # ------------------------------------------------------------ contacts

    def contacts(self, request: Request, account_id: str) -> Response:
        ds = request.tenant.dataset
        rows = sort_contacts(ds.resolved_contacts(), request.arg("sort") or "-last_activity_at")
        return self._contact_page(request, rows)

    def contacts_filter(self, request: Request, account_id: str) -> Response:
        ds = request.tenant.dataset
        conditions = (request.json or {}).get("payload") if isinstance(request.json, dict) else None
        try:
            rows = filters.apply(list(ds.contacts.values()), conditions, filters.contact_value)
        except filters.FilterError as exc:
            return json_response(422, {"error": str(exc)})
        return self._contact_page(request, sorted(rows, key=lambda c: c.id))

    def _contact_page(self, request: Request, rows: list) -> Response:
        page = max(1, request.int_arg("page", 1) or 1)
        chunk = rows[(page - 1) * CONTACTS_PER_PAGE : page * CONTACTS_PER_PAGE]
        ds = request.tenant.dataset
        # The server echoes `params[:page]` (a string) when given, else 1.
        current_page = request.arg("page") if request.arg("page") is not None else 1
        return json_response(
            200,
            {
                "meta": {"count": len(rows), "current_page": current_page},
                "payload": [views.contact(ds, c) for c in chunk],
            },
        )

    def contact(self, request: Request, account_id: str, contact_id: str) -> Response:
        ds = request.tenant.dataset
        found = ds.contacts.get(int(contact_id))
        return json_response(200, {"payload": views.contact(ds, found)}) if found else self.not_found(request)

    def contact_conversations(self, request: Request, account_id: str, contact_id: str) -> Response:
        ds = request.tenant.dataset
        if int(contact_id) not in ds.contacts:
            return self.not_found(request)
        rows = [c for c in ds.conversations.values() if c.contact_id == int(contact_id)]
        rows.sort(key=lambda c: (c.last_activity_at, c.id), reverse=True)
        return json_response(200, {"payload": [views.conversation(request.tenant, c) for c in rows]})

    # ------------------------------------------------------------ conversations

    def conversations(self, request: Request, account_id: str) -> Response:
        ds = request.tenant.dataset
        status = request.arg("status") or "open"  # ConversationFinder DEFAULT_STATUS
        rows = list(ds.conversations.values())
        if status != "all":
            rows = [c for c in rows if c.status == (status if status in STATUSES else "open")]
        inbox_id = request.int_arg("inbox_id")
        if inbox_id is not None:
            rows = [c for c in rows if c.inbox_id == inbox_id]
        labels = request.query.get("labels[]") or request.query.get("labels")
        if labels:
            rows = [c for c in rows if set(labels) & set(c.labels)]
        if request.arg("q"):
            needle = request.arg("q").lower()
            rows = [c for c in rows if any(needle in m.content.lower() for m in c.messages)]
        return self._conversation_page(request, rows, request.arg("assignee_type") or "all")

    def conversations_meta(self, request: Request, account_id: str) -> Response:
        ds = request.tenant.dataset
        status = request.arg("status") or "open"
        rows = [c for c in ds.conversations.values() if status == "all" or c.status == status]
        return json_response(200, {"meta": self._counts(request, rows)})

    def conversations_filter(self, request: Request, account_id: str) -> Response:
        ds = request.tenant.dataset
        if request.bad_json or not isinstance(request.json, dict):
            return json_response(422, {"error": "Invalid filter payload"})
        try:
            rows = filters.apply(
                list(ds.conversations.values()), request.json.get("payload"), filters.conversation_value
            )
        except filters.FilterError as exc:
            return json_response(422, {"error": str(exc)})
        return self._conversation_page(request, rows, "all")

    def _counts(self, request: Request, rows: list) -> dict:
        me = 1  # the token belongs to the tenant's administrator, agent 1
        assigned = sum(1 for c in rows if c.assignee_id)
        return {
            "mine_count": sum(1 for c in rows if c.assignee_id == me),
            "assigned_count": assigned,
            "unassigned_count": len(rows) - assigned,
            "all_count": len(rows),
        }

    def _conversation_page(self, request: Request, rows: list, assignee_type: str) -> Response:
        meta = self._counts(request, rows)
        if assignee_type == "me":
            rows = [c for c in rows if c.assignee_id == 1]
        elif assignee_type == "unassigned":
            rows = [c for c in rows if not c.assignee_id]
        elif assignee_type == "assigned":
            rows = [c for c in rows if c.assignee_id]
        key, descending = SORTS.get(request.arg("sort_by") or "", SORTS["last_activity_at_desc"])
        rows.sort(key=lambda c: (getattr(c, key), c.id), reverse=descending)
        page = max(1, request.int_arg("page", 1) or 1)
        chunk = rows[(page - 1) * CONVERSATIONS_PER_PAGE : page * CONVERSATIONS_PER_PAGE]
        payload = [views.conversation(request.tenant, c) for c in chunk]
        return json_response(200, {"data": {"meta": meta, "payload": payload}})

    def conversation(self, request: Request, account_id: str, conversation_id: str) -> Response:
        found = request.tenant.dataset.conversations.get(int(conversation_id))
        if found is None:
            return self.not_found(request)
        return json_response(200, views.conversation(request.tenant, found))

    # ------------------------------------------------------------ messages

    def messages(self, request: Request, account_id: str, conversation_id: str) -> Response:
        found = request.tenant.dataset.conversations.get(int(conversation_id))
        if found is None:
            return self.not_found(request)
        after, before = request.int_arg("after"), request.int_arg("before")
        chosen = page_messages(found.messages, after, before)
        return json_response(
            200,
            {
                "meta": views.messages_meta(request.tenant, found),
                "payload": [views.message(request.tenant, found, m) for m in chosen],
            },
        )


def page_messages(messages: list, after: int | None, before: int | None) -> list:
    """Chatwoot's MessageFinder: ids ascend with time inside a conversation."""
    if after is not None and before is not None:
        return [m for m in messages if after <= m.id < before][:1000]
    if before is not None:
        return [m for m in messages if m.id < before][-20:]
    if after is not None:
        return [m for m in messages if m.id > after][:100]
    return messages[-20:]


def sort_contacts(rows: list, sort: str) -> list:
    """`sort` = name|email|phone_number|last_activity_at, `-` prefix for descending; nulls last."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in ("name", "email", "phone_number", "last_activity_at"):
        key, descending = "last_activity_at", True
    attr = {"phone_number": "phone"}.get(key, key)
    present = [c for c in rows if getattr(c, attr) is not None]
    missing = [c for c in rows if getattr(c, attr) is None]
    present.sort(key=lambda c: c.id)
    present.sort(key=lambda c: getattr(c, attr), reverse=descending)
    return present + sorted(missing, key=lambda c: c.id)
