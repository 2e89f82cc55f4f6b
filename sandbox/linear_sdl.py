"""Regenerate `linear_schema.graphql`, the subset of Linear's published SDL that the sandbox serves.

Run: `python -m sandbox.linear_sdl /path/to/linear-schema.graphql`. Every kept type and field is
copied from the full schema as is (descriptions, arguments, deprecations); arguments whose input type is
not kept are dropped, which is the only change. Not imported at run time.
"""

import sys
from pathlib import Path

from graphql import build_ast_schema, parse, print_ast
from graphql.language import (
    EnumTypeDefinitionNode,
    InputObjectTypeDefinitionNode,
    ListTypeNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
)

OUTPUT = Path(__file__).with_name("linear_schema.graphql")
_DATES = ["id", "createdAt", "updatedAt", "and", "or"]
_CONNECTION = ["edges", "nodes", "pageInfo"]
_EDGE = ["cursor", "node"]
BUILTIN = {"String", "Int", "Float", "Boolean", "ID"}

# Kept object/input types and their fields (None = every field).
KEEP: dict[str, list[str] | None] = {
    "Query": [
        "viewer",
        "organization",
        "teams",
        "team",
        "workflowStates",
        "workflowState",
        "cycles",
        "cycle",
        "projects",
        "project",
        "projectStatuses",
        "issues",
        "issue",
        "comments",
        "comment",
        "users",
        "user",
        "issueLabels",
        "issueLabel",
        "webhooks",
        "webhook",
    ],
    "Mutation": ["webhookCreate", "webhookUpdate", "webhookDelete"],
    "Node": None,
    "PageInfo": None,
    "Organization": [
        "id",
        "name",
        "urlKey",
        "logoUrl",
        "createdAt",
        "updatedAt",
        "archivedAt",
        "userCount",
        "createdIssueCount",
        "teams",
        "users",
        "projectStatuses",
    ],
    "User": [
        "id",
        "name",
        "displayName",
        "email",
        "active",
        "admin",
        "guest",
        "isMe",
        "avatarUrl",
        "timezone",
        "url",
        "createdAt",
        "updatedAt",
        "archivedAt",
        "organization",
        "assignedIssues",
        "teams",
    ],
    "Team": [
        "id",
        "key",
        "name",
        "displayName",
        "description",
        "color",
        "icon",
        "private",
        "timezone",
        "cyclesEnabled",
        "createdAt",
        "updatedAt",
        "archivedAt",
        "organization",
        "states",
        "cycles",
        "issues",
        "projects",
        "members",
        "activeCycle",
    ],
    "WorkflowState": [
        "id",
        "name",
        "type",
        "color",
        "position",
        "description",
        "createdAt",
        "updatedAt",
        "archivedAt",
        "team",
        "issues",
    ],
    "Cycle": [
        "id",
        "number",
        "name",
        "description",
        "startsAt",
        "endsAt",
        "completedAt",
        "isActive",
        "isFuture",
        "isPast",
        "isNext",
        "isPrevious",
        "progress",
        "createdAt",
        "updatedAt",
        "archivedAt",
        "team",
        "issues",
    ],
    "ProjectStatus": None,
    "Project": [
        "id",
        "name",
        "description",
        "slugId",
        "url",
        "color",
        "icon",
        "priority",
        "priorityLabel",
        "progress",
        "health",
        "state",
        "status",
        "startDate",
        "targetDate",
        "startedAt",
        "completedAt",
        "canceledAt",
        "createdAt",
        "updatedAt",
        "archivedAt",
        "trashed",
        "lead",
        "creator",
        "teams",
        "issues",
    ],
    "ProjectMilestone": [
        "id",
        "name",
        "description",
        "targetDate",
        "sortOrder",
        "createdAt",
        "updatedAt",
        "archivedAt",
    ],
    "IssueLabel": ["id", "name", "description", "color", "isGroup", "createdAt", "updatedAt", "archivedAt", "team"],
    "Issue": [
        "id",
        "identifier",
        "number",
        "title",
        "description",
        "priority",
        "priorityLabel",
        "estimate",
        "sortOrder",
        "boardOrder",
        "createdAt",
        "updatedAt",
        "archivedAt",
        "startedAt",
        "completedAt",
        "canceledAt",
        "dueDate",
        "trashed",
        "url",
        "branchName",
        "labelIds",
        "state",
        "project",
        "cycle",
        "assignee",
        "creator",
        "team",
        "parent",
        "projectMilestone",
        "labels",
        "comments",
        "children",
    ],
    "Comment": [
        "id",
        "body",
        "url",
        "createdAt",
        "updatedAt",
        "editedAt",
        "archivedAt",
        "resolvedAt",
        "issue",
        "issueId",
        "user",
        "parent",
        "parentId",
        "children",
    ],
    "Webhook": [
        "id",
        "url",
        "enabled",
        "label",
        "resourceTypes",
        "secret",
        "team",
        "teamIds",
        "allPublicTeams",
        "creator",
        "createdAt",
        "updatedAt",
        "archivedAt",
    ],
    "WebhookCreateInput": None,
    "WebhookUpdateInput": None,
    "WebhookPayload": None,
    "DeletePayload": None,
    "ArchivePayload": None,
    "DateComparator": None,
    "NullableDateComparator": None,
    "IDComparator": None,
    "StringComparator": None,
    "NumberComparator": None,
    "BooleanComparator": None,
    "IssueFilter": [*_DATES, "number", "title", "archivedAt", "completedAt", "team", "state"],
    "CommentFilter": [*_DATES, "body", "user"],
    "ProjectFilter": [*_DATES, "name", "slugId"],
    "CycleFilter": [*_DATES, "number", "name", "isActive", "team"],
    "WorkflowStateFilter": [*_DATES, "name", "type", "team"],
    "UserFilter": [*_DATES, "name", "displayName", "email", "active"],
    "TeamFilter": [*_DATES, "key", "name"],
    "IssueLabelFilter": [*_DATES, "name"],
}
_LISTED = ("Issue", "Comment", "Project", "Cycle", "WorkflowState", "User", "Team", "IssueLabel", "ProjectStatus")
for _name in (*_LISTED, "Webhook"):
    KEEP[f"{_name}Connection"] = _CONNECTION
    KEEP[f"{_name}Edge"] = _EDGE


def _base(type_node) -> str:
    while isinstance(type_node, NonNullTypeNode | ListTypeNode):
        type_node = type_node.type
    return type_node.name.value


def subset(full_sdl: str) -> str:
    """The kept definitions of `full_sdl`, printed in a stable order."""
    document = parse(full_sdl)
    by_name = {d.name.value: d for d in document.definitions if hasattr(d, "name")}
    leaves = {
        name for name, node in by_name.items() if isinstance(node, EnumTypeDefinitionNode | ScalarTypeDefinitionNode)
    }
    kept_names = set(KEEP)
    out = []
    for name in sorted(KEEP):
        node = by_name[name]
        wanted = KEEP[name]
        if isinstance(node, ObjectTypeDefinitionNode | InputObjectTypeDefinitionNode):
            fields = [f for f in node.fields if wanted is None or f.name.value in wanted]
            missing = set(wanted or ()) - {f.name.value for f in fields}
            assert not missing, f"{name}: not in the schema: {missing}"
            if isinstance(node, ObjectTypeDefinitionNode):
                fields = [_prune_args(f, kept_names | leaves) for f in fields]
                interfaces = tuple(i for i in node.interfaces or () if i.name.value in kept_names)
                node = type(node)(**{**_attrs(node), "fields": tuple(fields), "interfaces": interfaces})
            else:
                node = type(node)(**{**_attrs(node), "fields": tuple(fields)})
        out.append(node)
    used = _referenced(out) - kept_names
    out.extend(by_name[name] for name in sorted(used))
    return "\n\n".join(print_ast(node) for node in out) + "\n"


def _attrs(node) -> dict:
    return {key: getattr(node, key) for key in node.keys}


def _prune_args(field, known: set[str]):
    args = tuple(a for a in field.arguments or () if _base(a.type) in known | BUILTIN)
    return type(field)(**{**_attrs(field), "arguments": args})


def _referenced(nodes) -> set[str]:
    names = set()
    for node in nodes:
        for field in getattr(node, "fields", None) or ():
            names.add(_base(field.type))
            names.update(_base(a.type) for a in getattr(field, "arguments", None) or ())
        names.update(i.name.value for i in getattr(node, "interfaces", None) or ())
    return names - BUILTIN


def main(argv: list[str]) -> None:
    text = subset(Path(argv[0]).read_text())
    build_ast_schema(parse(text))  # must be a complete schema on its own
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT} ({len(text)} chars)")


if __name__ == "__main__":
    main(sys.argv[1:])
