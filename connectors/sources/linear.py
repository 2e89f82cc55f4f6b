"""Linear (GraphQL): teams, workflow states, cycles, projects, issues and comments.

Incremental on `updatedAt`: `filter: {updatedAt: {gte: cursor}}`, `orderBy: updatedAt` (ascending), so
the cursor (the highest `updatedAt` stored) moves with every page; `gte` re-reads rows at the cursor,
which the upsert de-duplicates by id. `RATELIMITED` is a rate limit whatever the HTTP status, and the
`X-RateLimit-*-Reset` headers are epoch milliseconds.
"""

from collections.abc import Iterator

from connectors.constants import TombstoneReason
from connectors.sources.base import Child, Connector, Identity, Page, StreamSpec, WrongAccount, from_iso, text
from core.http import AuthError, PermanentError, RateLimitedError, TransientError, parse_reset_ms

PAGE_SIZE = 100
AUTH_CODES = {"AUTHENTICATION_ERROR", "FORBIDDEN", "FEATURE_NOT_ACCESSIBLE"}

# Selections per stream: root field and the node fields we store.
SELECTIONS = {
    "teams": ("teams", "id key name createdAt updatedAt archivedAt"),
    "workflow_states": (
        "workflowStates",
        "id name type color position createdAt updatedAt archivedAt team { id }",
    ),
    "cycles": (
        "cycles",
        "id number name startsAt endsAt completedAt createdAt updatedAt archivedAt team { id }",
    ),
    "projects": (
        "projects",
        "id name description url createdAt updatedAt archivedAt startDate targetDate status { id name type }",
    ),
    "issues": (
        "issues",
        "id identifier number title description priority priorityLabel estimate createdAt updatedAt archivedAt "
        "startedAt completedAt canceledAt dueDate trashed url state { id name type } project { id } "
        "cycle { id number name } assignee { id name displayName } creator { id } team { id } parent { id } "
        "labels { nodes { id } }",
    ),
    "comments": (
        "comments",
        "id body url createdAt updatedAt editedAt archivedAt issue { id } user { id name displayName }",
    ),
}


def _query(root: str, fields: str, *, incremental: bool) -> str:
    """A page query; incremental ones filter on `updatedAt >= $since` (ascending by `updatedAt`)."""
    since_var = ", $since: DateTimeOrDuration" if incremental else ""
    since_filter = ", filter: { updatedAt: { gte: $since } }" if incremental else ""
    return (
        f"query Sync($after: String, $first: Int{since_var}) {{ "
        f"{root}(first: $first, after: $after, includeArchived: true, orderBy: updatedAt{since_filter}) "
        f"{{ nodes {{ {fields} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    )


def _ids_query(root: str) -> str:
    return (
        f"query Ids($after: String) {{ {root}(first: 250, after: $after, includeArchived: true) "
        f"{{ nodes {{ id }} pageInfo {{ hasNextPage endCursor }} }} }}"
    )


def classify_graphql(response, body):
    """GraphQL errors arrive with 200/400/429: map their `extensions.code` to our error classes."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not errors:
        return None
    first = errors[0] if isinstance(errors[0], dict) else {}
    extensions = first.get("extensions") or {}
    code = str(extensions.get("code") or "").upper()
    message = f"linear: {extensions.get('userPresentableMessage') or first.get('message') or code}"[:300]
    if code == "RATELIMITED" or response.status_code == 429:
        wait = parse_reset_ms(response.headers.get("X-RateLimit-Requests-Reset"))
        if wait is None:
            wait = parse_reset_ms(response.headers.get("X-RateLimit-Complexity-Reset"))
        return RateLimitedError(message, status=response.status_code, retry_after=wait)
    if code in AUTH_CODES or response.status_code in (401, 403):
        return AuthError(message, status=response.status_code)
    if response.status_code >= 500 or code in {"INTERNAL_ERROR", "LOCK_TIMEOUT"}:
        return TransientError(message, status=response.status_code)
    return PermanentError(message, status=response.status_code)


def _by_ids_query(root: str, fields: str) -> str:
    return (
        f"query ByIds($ids: [ID!]) {{ {root}(first: 250, includeArchived: true, filter: {{ id: {{ in: $ids }} }}) "
        f"{{ nodes {{ {fields} }} }} }}"
    )


class LinearConnector(Connector):
    source = "linear"
    streams = tuple(StreamSpec(name) for name in SELECTIONS)
    reconciled_streams = tuple(SELECTIONS)
    # An issue deleted (or trashed) takes its comments with it.
    children = {"issues": (Child("comments", "issue_external_id"),)}
    classify_body = staticmethod(classify_graphql)

    def auth_headers(self, secret: str) -> dict:
        # Personal API keys go bare; OAuth tokens are stored with their "Bearer " prefix.
        return {"Authorization": secret, "Content-Type": "application/json"}

    def graphql(self, query: str, variables: dict) -> dict:
        body = self.http.post("", json_body={"query": query, "variables": variables})
        return body.get("data") or {}

    def identify(self) -> Identity:
        organization = self.graphql("query Identify { organization { id name urlKey } }", {})["organization"]
        wanted = self.config.account_id
        if wanted and wanted not in (organization["id"], organization.get("urlKey")):
            raise WrongAccount("the key belongs to another workspace")
        return Identity(account_id=str(organization["id"]), account_name=str(organization["name"]))

    def fetch_page(self, *, stream, cursor, state, full) -> Page:
        root, fields = SELECTIONS[stream]
        since = None if full else cursor.get("updated_at")
        variables = {"first": PAGE_SIZE, "after": (state or {}).get("after")}
        if since:
            variables["since"] = since
        connection = self.graphql(_query(root, fields, incremental=bool(since)), variables).get(root) or {}
        nodes = connection.get("nodes") or []
        info = connection.get("pageInfo") or {}
        rows = [ROW_BUILDERS[stream](node) for node in nodes]
        newest = max([since or "", *(node.get("updatedAt") or "" for node in nodes)]) or None
        new_cursor = {"updated_at": newest} if newest else None
        more = bool(info.get("hasNextPage")) and bool(nodes)
        return Page(rows=rows, more=more, cursor=new_cursor, state={"after": info.get("endCursor")})

    def fetch_by_ids(self, *, stream, ids) -> Page:
        root, fields = SELECTIONS[stream]
        rows = []
        for start in range(0, len(ids), 250):
            chunk = [str(i) for i in ids[start : start + 250]]
            nodes = (self.graphql(_by_ids_query(root, fields), {"ids": chunk}).get(root) or {}).get("nodes") or []
            rows.extend(ROW_BUILDERS[stream](node) for node in nodes)
        found = {row["external_id"] for row in rows}
        return Page(rows=rows, more=False, skipped=[str(i) for i in ids if str(i) not in found])

    WEBHOOK_TYPES = ("Issue", "Comment", "Project", "Cycle")

    def webhook_subscribe(self, *, url: str, secret: str) -> tuple[str, str]:
        """`webhookCreate` for every public team, signed with our secret."""
        mutation = (
            "mutation Hook($input: WebhookCreateInput!) { webhookCreate(input: $input) { success webhook { id } } }"
        )
        variables = {"input": {"url": url, "resourceTypes": list(self.WEBHOOK_TYPES), "allPublicTeams": True,
                               "label": "Workforce Ops", "secret": secret, "enabled": True}}  # fmt: skip
        created = self.graphql(mutation, variables).get("webhookCreate") or {}
        return str((created.get("webhook") or {}).get("id") or ""), secret

    def webhook_unsubscribe(self, *, remote_id: str) -> None:
        self.graphql("mutation Unhook($id: String!) { webhookDelete(id: $id) { success } }", {"id": remote_id})

    def list_ids(self, *, stream) -> Iterator[str]:
        root, _ = SELECTIONS[stream]
        after = None
        while True:
            connection = self.graphql(_ids_query(root), {"after": after}).get(root) or {}
            yield from (node["id"] for node in connection.get("nodes") or [])
            info = connection.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            after = info.get("endCursor")


def _ref(node: dict, key: str) -> str:
    return text((node.get(key) or {}).get("id"))


def _common(node: dict) -> dict:
    return {
        "external_id": node["id"],
        "raw": node,
        "source_created_at": from_iso(node.get("createdAt")),
        "source_updated_at": from_iso(node.get("updatedAt")),
    }


ROW_BUILDERS = {
    "teams": lambda n: {**_common(n), "key": text(n.get("key"), 20), "name": text(n.get("name"), 300)},
    "workflow_states": lambda n: {
        **_common(n),
        "team_external_id": _ref(n, "team"),
        "name": text(n.get("name"), 300),
        "type": text(n.get("type"), 30),
    },
    "cycles": lambda n: {
        **_common(n),
        "team_external_id": _ref(n, "team"),
        "number": n.get("number"),
        "name": text(n.get("name"), 300),
        "starts_at": from_iso(n.get("startsAt")),
        "ends_at": from_iso(n.get("endsAt")),
    },
    "projects": lambda n: {
        **_common(n),
        "name": text(n.get("name"), 300),
        "status": text((n.get("status") or {}).get("type"), 50),
        "url": text(n.get("url"), 500),
    },
    "issues": lambda n: {
        **_common(n),
        "deleted_reason": TombstoneReason.TRASHED if n.get("trashed") else "",
        "identifier": text(n.get("identifier"), 50),
        "title": text(n.get("title")),
        "description": text(n.get("description")),
        "state_external_id": _ref(n, "state"),
        "state_type": text((n.get("state") or {}).get("type"), 30),
        "project_external_id": _ref(n, "project"),
        "team_external_id": _ref(n, "team"),
        "cycle_external_id": _ref(n, "cycle"),
        "assignee_external_id": _ref(n, "assignee"),
        "priority": n.get("priority") if isinstance(n.get("priority"), int) else None,
        "url": text(n.get("url"), 500),
        "archived_at": from_iso(n.get("archivedAt")),
    },
    "comments": lambda n: {
        **_common(n),
        "issue_external_id": _ref(n, "issue"),
        "body": text(n.get("body")),
        "user_external_id": _ref(n, "user"),
        "url": text(n.get("url"), 500),
    },
}
