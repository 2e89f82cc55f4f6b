"""Field resolvers for the Linear schema subset: relations by stored `<field>Id`, lists as connections."""

from dataclasses import dataclass, field

from graphql import GraphQLError

from sandbox import linear_webhooks
from sandbox.linear_query import connection


@dataclass
class Context:
    """Per-request state: the tenant's dataset, the viewer, and id indexes built on first use."""

    ds: object
    viewer_id: str
    tenant: object = None  # for the webhook API: subscriptions belong to a tenant
    webhooks: object = None  # the hub's webhooks.Webhooks
    _index: dict = field(default_factory=dict)

    @property
    def data(self):
        return self.ds.linear

    def by_id(self, kind: str) -> dict:
        if kind not in self._index:
            self._index[kind] = {n["id"]: n for n in self.nodes(kind)}
        return self._index[kind]

    def group(self, kind: str, key: str) -> dict:
        """{value of `key`: [nodes]} for `kind` (children of a parent without scanning every node)."""
        name = f"{kind}.{key}"
        if name not in self._index:
            groups: dict = {}
            for node in self.nodes(kind):
                groups.setdefault(node.get(key), []).append(node)
            self._index[name] = groups
        return self._index[name]

    def nodes(self, kind: str) -> list:
        data = self.data
        return {
            "teams": data.teams,
            "users": data.users,
            "states": data.states,
            "cycles": data.cycles,
            "projects": data.projects,
            "statuses": data.statuses,
            "labels": data.labels,
            "issues": list(data.issues.values()),
            "comments": list(data.comments.values()),
        }[kind]


def not_found(kind: str) -> GraphQLError:
    return GraphQLError(
        "Entity not found",
        extensions={
            "code": "INVALID_INPUT",
            "type": "invalid input",
            "userError": True,
            "userPresentableMessage": f"Could not find referenced {kind}.",
        },
    )


# Relation filters: (type, filter key) -> (stored id key, node kind, related type).
RELATIONS = {
    ("Issue", "team"): ("teamId", "teams", "Team"),
    ("Issue", "state"): ("stateId", "states", "WorkflowState"),
    ("Cycle", "team"): ("teamId", "teams", "Team"),
    ("WorkflowState", "team"): ("teamId", "teams", "Team"),
    ("Comment", "user"): ("userId", "users", "User"),
}


def relater(ctx: Context, typename: str):
    """The `relate(node, key)` callback linear_query.matches uses for relation filters of `typename`."""

    def relate(node: dict, key: str):
        spec = RELATIONS.get((typename, key))
        if spec is None:
            return None
        id_key, kind, related_type = spec
        return ctx.by_id(kind).get(node.get(id_key)), relater(ctx, related_type)

    return relate


def _list(kind: str, typename: str, where=None):
    """Resolver for a connection field over `kind` nodes (optionally only those `where(parent, node)`)."""

    def resolve(parent, info, **args):
        ctx = info.context
        nodes = ctx.nodes(kind)
        if where is not None:
            nodes = [n for n in nodes if where(parent, n)]
        return connection(nodes, args, relater(ctx, typename))

    return resolve


def _children(kind: str, typename: str, key: str):
    """Resolver for a connection over the `kind` nodes whose `key` is the parent's id."""

    def resolve(parent, info, **args):
        ctx = info.context
        return connection(ctx.group(kind, key).get(parent["id"], []), args, relater(ctx, typename))

    return resolve


def _ref(kind: str, id_key: str):
    def resolve(parent, info, **args):
        return info.context.by_id(kind).get(parent.get(id_key))

    return resolve


def _one(kind: str, typename: str):
    def resolve(parent, info, id=None, **args):
        found = info.context.by_id(kind).get(id)
        if found is None and kind == "issues":  # Linear also accepts the identifier, e.g. "DES-12"
            found = next((n for n in info.context.nodes(kind) if n["identifier"] == id), None)
        if found is None:
            raise not_found(typename)
        return found

    return resolve


def _org(parent, info, **args):
    data = info.context.data
    return {**data.org, "userCount": len(data.users), "createdIssueCount": len(data.issues)}


def _viewer(parent, info, **args):
    return info.context.by_id("users")[info.context.viewer_id]


def _active_cycle(parent, info, **args):
    return next((c for c in info.context.data.cycles if c["teamId"] == parent["id"] and c["isActive"]), None)


def _labels(parent, info, **args):
    ctx = info.context
    wanted = set(parent.get("labelIds") or ())
    return connection([n for n in ctx.data.labels if n["id"] in wanted], args, relater(ctx, "IssueLabel"))


RESOLVERS = {
    ("Query", "viewer"): _viewer,
    ("Query", "organization"): _org,
    ("Query", "teams"): _list("teams", "Team"),
    ("Query", "team"): _one("teams", "Team"),
    ("Query", "workflowStates"): _list("states", "WorkflowState"),
    ("Query", "workflowState"): _one("states", "WorkflowState"),
    ("Query", "cycles"): _list("cycles", "Cycle"),
    ("Query", "cycle"): _one("cycles", "Cycle"),
    ("Query", "projects"): _list("projects", "Project"),
    ("Query", "project"): _one("projects", "Project"),
    ("Query", "projectStatuses"): _list("statuses", "ProjectStatus"),
    ("Query", "issues"): _list("issues", "Issue"),
    ("Query", "issue"): _one("issues", "Issue"),
    ("Query", "comments"): _list("comments", "Comment"),
    ("Query", "comment"): _one("comments", "Comment"),
    ("Query", "users"): _list("users", "User"),
    ("Query", "user"): _one("users", "User"),
    ("Query", "issueLabels"): _list("labels", "IssueLabel"),
    ("Query", "issueLabel"): _one("labels", "IssueLabel"),
    ("Organization", "teams"): _list("teams", "Team"),
    ("Organization", "users"): _list("users", "User"),
    ("Organization", "projectStatuses"): lambda p, info, **a: info.context.data.statuses,
    ("User", "organization"): _org,
    ("User", "isMe"): lambda p, info, **a: p["id"] == info.context.viewer_id,
    ("User", "assignedIssues"): _children("issues", "Issue", "assigneeId"),
    ("User", "teams"): _list("teams", "Team"),
    ("Team", "organization"): _org,
    ("Team", "states"): _children("states", "WorkflowState", "teamId"),
    ("Team", "cycles"): _children("cycles", "Cycle", "teamId"),
    ("Team", "issues"): _children("issues", "Issue", "teamId"),
    ("Team", "projects"): _list("projects", "Project", lambda p, n: p["id"] in n["teamIds"]),
    ("Team", "members"): _list("users", "User"),
    ("Team", "activeCycle"): _active_cycle,
    ("WorkflowState", "team"): _ref("teams", "teamId"),
    ("WorkflowState", "issues"): _children("issues", "Issue", "stateId"),
    ("Cycle", "team"): _ref("teams", "teamId"),
    ("Cycle", "issues"): _children("issues", "Issue", "cycleId"),
    ("Project", "status"): _ref("statuses", "statusId"),
    ("Project", "lead"): _ref("users", "leadId"),
    ("Project", "creator"): _ref("users", "creatorId"),
    ("Project", "teams"): _list("teams", "Team", lambda p, n: n["id"] in p["teamIds"]),
    ("Project", "issues"): _children("issues", "Issue", "projectId"),
    ("IssueLabel", "team"): _ref("teams", "teamId"),
    ("Issue", "state"): _ref("states", "stateId"),
    ("Issue", "project"): _ref("projects", "projectId"),
    ("Issue", "cycle"): _ref("cycles", "cycleId"),
    ("Issue", "assignee"): _ref("users", "assigneeId"),
    ("Issue", "creator"): _ref("users", "creatorId"),
    ("Issue", "team"): _ref("teams", "teamId"),
    ("Issue", "parent"): _ref("issues", "parentId"),
    ("Issue", "projectMilestone"): lambda p, info, **a: None,
    ("Issue", "labels"): _labels,
    ("Issue", "comments"): _children("comments", "Comment", "issueId"),
    ("Issue", "children"): _children("issues", "Issue", "parentId"),
    ("Comment", "issue"): _ref("issues", "issueId"),
    ("Comment", "user"): _ref("users", "userId"),
    ("Comment", "parent"): _ref("comments", "parentId"),
    ("Comment", "children"): _children("comments", "Comment", "parentId"),
    **linear_webhooks.RESOLVERS,
}


def resolve(parent, info, **args):
    """graphql-core field resolver: a relation/list resolver if there is one, else the stored value."""
    special = RESOLVERS.get((info.parent_type.name, info.field_name))
    if special is not None:
        return special(parent, info, **args)
    if isinstance(parent, dict):
        return parent.get(info.field_name)
    return None
