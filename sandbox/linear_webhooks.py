"""Linear's webhook API: `webhookCreate`, `webhookUpdate`, `webhookDelete`, and the `webhooks` / `webhook` queries.

As the schema describes: a webhook needs a URL, resource types and either `teamId` (id or key) or
`allPublicTeams: true`; `secret` is generated when not given; `enabled` defaults to true. Bad input is
an INVALID_INPUT error (HTTP 400, `data: null`). Local `http://` URLs are accepted. Events of the
mutations are built in events_linear.py and delivered by webhooks.py.
"""

import secrets
import time
import uuid

from graphql import GraphQLError

from sandbox.dataset import iso_ms
from sandbox.linear_query import connection, invalid_input
from sandbox.webhooks import Subscription, valid_url

RESOURCE_TYPES = {
    *("Issue", "Comment", "Project", "Cycle", "IssueLabel", "ProjectUpdate", "Reaction", "Attachment"),
    *("Document", "Initiative", "InitiativeUpdate", "User", "Customer", "CustomerNeed", "AuditEntry"),
    *("IssueSLA", "OAuthApp", "AppUserNotification", "AgentSessionEvent", "PermissionChange"),
}


def not_found() -> GraphQLError:
    return GraphQLError(
        "Entity not found",
        extensions={
            "code": "INVALID_INPUT",
            "type": "invalid input",
            "userError": True,
            "userPresentableMessage": "Could not find referenced Webhook.",
        },
    )


def node(sub: Subscription) -> dict:
    """The Webhook as the schema's fields (team and creator are resolved from their ids)."""
    return {
        "id": sub.id,
        "url": sub.url,
        "enabled": sub.enabled,
        "label": sub.extra.get("label"),
        "resourceTypes": list(sub.kinds),
        "secret": sub.secret,
        "teamId": sub.extra.get("teamId"),
        "teamIds": None,
        "allPublicTeams": bool(sub.extra.get("allPublicTeams")),
        "creatorId": sub.extra.get("creatorId"),
        "createdAt": iso_ms(sub.created_at),
        "updatedAt": iso_ms(sub.extra.get("updatedAt", sub.created_at)),
        "archivedAt": None,
    }


def _sync_id() -> float:
    return float(int(time.time() * 1000))  # lastSyncId only has to grow


def _find(info, webhook_id: str) -> Subscription:
    ctx = info.context
    sub = ctx.webhooks.get("linear", ctx.tenant.name, webhook_id)
    if sub is None:
        raise not_found()
    return sub


def _check(fields: dict) -> None:
    """Validate the fields given (create passes all of them)."""
    if "url" in fields and not valid_url(fields["url"]):
        raise invalid_input("url must be a URL address")
    if "resourceTypes" in fields:
        kinds = fields["resourceTypes"] or []
        unknown = [k for k in kinds if k not in RESOURCE_TYPES]
        if not kinds or unknown:
            raise invalid_input(f"resourceTypes must be one or more of {sorted(RESOURCE_TYPES)}; got {unknown}")


def _team_id(info, wanted: str | None) -> str | None:
    """A team id from an id or a key (as `teamId` accepts both)."""
    if wanted is None:
        return None
    teams = info.context.data.teams
    found = next((t for t in teams if wanted in (t["id"], t["key"])), None)
    if found is None:
        raise invalid_input("Could not find referenced Team.")
    return found["id"]


def _create(parent, info, input: dict):
    _check({"url": input.get("url"), "resourceTypes": input.get("resourceTypes")})
    team_id = _team_id(info, input.get("teamId"))
    if not team_id and not input.get("allPublicTeams"):
        raise invalid_input("Either teamId or allPublicTeams must be set")
    ctx = info.context
    webhook_id = input.get("id") or str(uuid.uuid4())
    if ctx.webhooks.get("linear", ctx.tenant.name, webhook_id) is not None:
        raise invalid_input("A webhook with this id already exists")
    sub = Subscription(
        service="linear",
        tenant=ctx.tenant.name,
        id=webhook_id,
        url=input["url"],
        secret=input.get("secret") or f"lin_wh_{secrets.token_hex(16)}",
        kinds=list(dict.fromkeys(input["resourceTypes"])),
        created_at=time.time(),
        enabled=input.get("enabled", True) is not False,
        extra={
            "label": input.get("label"),
            "teamId": team_id,
            "allPublicTeams": bool(input.get("allPublicTeams")),
            "creatorId": ctx.viewer_id,
        },
    )
    ctx.webhooks.add(sub)
    return {"success": True, "lastSyncId": _sync_id(), "webhook": node(sub)}


def _update(parent, info, id: str, input: dict):
    sub = _find(info, id)
    _check(input)
    sub.url = input.get("url") or sub.url
    sub.kinds = list(dict.fromkeys(input.get("resourceTypes") or sub.kinds))
    sub.secret = input.get("secret") or sub.secret
    if input.get("enabled") is not None:
        sub.enabled = bool(input["enabled"])
    if "label" in input:
        sub.extra["label"] = input["label"]
    sub.extra["updatedAt"] = time.time()
    return {"success": True, "lastSyncId": _sync_id(), "webhook": node(sub)}


def _delete(parent, info, id: str):
    sub = _find(info, id)
    info.context.webhooks.remove("linear", sub.tenant, sub.id)
    return {"success": True, "lastSyncId": _sync_id(), "entityId": sub.id}


def _list(parent, info, **args):
    ctx = info.context
    nodes = [node(s) for s in ctx.webhooks.subscriptions("linear", ctx.tenant.name)]
    return connection(nodes, args, lambda n, key: None)


def _one(parent, info, id: str):
    return node(_find(info, id))


RESOLVERS = {
    ("Mutation", "webhookCreate"): _create,
    ("Mutation", "webhookUpdate"): _update,
    ("Mutation", "webhookDelete"): _delete,
    ("Query", "webhooks"): _list,
    ("Query", "webhook"): _one,
    ("Webhook", "team"): lambda p, info, **a: info.context.by_id("teams").get(p["teamId"]),
    ("Webhook", "creator"): lambda p, info, **a: info.context.by_id("users").get(p["creatorId"]),
}
