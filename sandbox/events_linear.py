"""Linear webhook events of the Linear mutations: `EntityWebhookPayload` bodies for Issue and Comment.

Events come from a diff of the issues and comments before and after the mutation, so cascades are
reported too: `delete_issues` removes the issues and their comments and updates sub-issues whose
`parentId` was cleared. Hard deletes are `remove` (data = the entity as it was); trash, archive and
unarchive are `update` with `updatedFrom` holding the previous `trashed`/`archivedAt`/`updatedAt`
(Linear's UI trash may also report `remove`; the sandbox keeps trashed issues readable, so `update`).
`data` follows IssueWebhookPayload / CommentWebhookPayload: scalar fields, relation ids and the small
child objects (state, team, labels, assignee, creator, project, cycle; issue, user, parent).
`webhookId` and `webhookTimestamp` are added per delivery (webhooks.py).
"""

import time

from sandbox.dataset import iso_ms
from sandbox.linear import js_numbers
from sandbox.webhooks import Event

ACTIONS = {
    "edit_issues",
    "move_issue_state",
    "new_issues",
    "delete_issues",
    "trash_issues",
    "archive_issues",
    "unarchive_issues",
    "new_comments",
    "delete_comments",
}
ISSUE_FIELDS = [
    *("id", "identifier", "number", "title", "description", "priority", "priorityLabel", "estimate"),
    *("sortOrder", "createdAt", "updatedAt", "archivedAt", "startedAt", "completedAt", "canceledAt"),
    *("dueDate", "trashed", "url", "labelIds", "teamId", "stateId", "projectId", "cycleId"),
    *("assigneeId", "creatorId", "parentId", "projectMilestoneId"),
]
COMMENT_FIELDS = [
    *("id", "body", "createdAt", "updatedAt", "editedAt", "archivedAt", "resolvedAt"),
    *("issueId", "userId", "parentId"),
]
FIELDS = {"Issue": ISSUE_FIELDS, "Comment": COMMENT_FIELDS}


def snapshot(ds) -> dict:
    """Copies, so `updatedFrom` can show what changed in place."""
    data = ds.linear
    return {
        "Issue": {k: dict(v) for k, v in data.issues.items()},
        "Comment": {k: dict(v) for k, v in data.comments.items()},
    }


def events(tenant, action: str, result: dict, before: dict) -> list[Event]:
    data = tenant.dataset.linear
    look = _Lookup(data, before, max(time.time(), tenant.dataset.last_stamp))
    return _diff(look, "Issue", before["Issue"], data.issues) + _diff(look, "Comment", before["Comment"], data.comments)


def _diff(look, kind: str, old: dict, new: dict) -> list[Event]:
    out = []
    for key, was in old.items():
        now = new.get(key)
        if now is None:
            out.append(_event(look, kind, "remove", was))
            continue
        changed = {f: was.get(f) for f in FIELDS[kind] if was.get(f) != now.get(f)}
        if changed:
            out.append(_event(look, kind, "update", now, changed))
    out += [_event(look, kind, "create", now) for key, now in new.items() if key not in old]
    return out


class _Lookup:
    """Related nodes by id, the current ones first, then those the mutation removed."""

    def __init__(self, data, before: dict, moment: float) -> None:
        self.data = data
        self.before = before
        self.moment = moment  # when the change happened: mutation stamps may run ahead of the wall clock
        self.by_kind = {
            "teams": {n["id"]: n for n in data.teams},
            "users": {n["id"]: n for n in data.users},
            "states": {n["id"]: n for n in data.states},
            "labels": {n["id"]: n for n in data.labels},
            "projects": {n["id"]: n for n in data.projects},
            "cycles": {n["id"]: n for n in data.cycles},
        }

    def get(self, kind: str, node_id):
        return self.by_kind[kind].get(node_id) if node_id else None

    def issue(self, issue_id):
        return self.data.issues.get(issue_id) or self.before["Issue"].get(issue_id)

    def comment(self, comment_id):
        return self.data.comments.get(comment_id) or self.before["Comment"].get(comment_id)


def _event(look, kind: str, action: str, node: dict, updated_from: dict | None = None) -> Event:
    issue = node if kind == "Issue" else look.issue(node["issueId"])
    team = look.get("teams", issue["teamId"]) if issue else None
    payload = {
        "action": action,
        "actor": _actor(look, node, kind, action),
        "createdAt": iso_ms(look.moment),
        "data": issue_data(look, node) if kind == "Issue" else comment_data(look, node),
        "url": node["url"],
        "type": kind,
        "organizationId": look.data.org["id"],
    }
    if updated_from is not None:
        payload["updatedFrom"] = updated_from
    scope = {"teamId": team["id"] if team else None, "private": bool(team and team.get("private"))}
    return Event("linear", kind, f"{kind}.{action}", js_numbers(payload), scope)


def _actor(look, node: dict, kind: str, action: str) -> dict:
    """The author on create; otherwise the workspace's first user (the admin whose key the sandbox serves)."""
    author = node.get("creatorId" if kind == "Issue" else "userId") if action == "create" else None
    user = look.get("users", author) or look.data.users[0]
    return {**_user(user), "type": "user"}


def issue_data(look, issue: dict) -> dict:
    data = {f: issue.get(f) for f in ISSUE_FIELDS}
    state = look.get("states", issue["stateId"])
    team = look.get("teams", issue["teamId"])
    data.update(
        subscriberIds=list(dict.fromkeys(i for i in (issue.get("creatorId"), issue.get("assigneeId")) if i)),
        previousIdentifiers=[],
        reactionData={},
        state={k: state[k] for k in ("id", "name", "color", "type")} if state else None,
        team={k: team[k] for k in ("id", "key", "name")} if team else None,
        labels=[_label(look.get("labels", i)) for i in issue.get("labelIds") or () if look.get("labels", i)],
    )
    for name, kind, shape in (("assignee", "users", _user), ("creator", "users", _user)):
        related = look.get(kind, issue.get(f"{name}Id"))
        if related:
            data[name] = shape(related)
    project = look.get("projects", issue.get("projectId"))
    if project:
        data["project"] = {k: project[k] for k in ("id", "name", "url")}
    cycle = look.get("cycles", issue.get("cycleId"))
    if cycle:
        data["cycle"] = {k: cycle[k] for k in ("id", "number", "name", "startsAt", "endsAt")}
    return data


def comment_data(look, comment: dict) -> dict:
    data = {f: comment.get(f) for f in COMMENT_FIELDS}
    data["reactionData"] = {}
    issue = look.issue(comment["issueId"])
    if issue:
        team = look.get("teams", issue["teamId"])
        data["issue"] = {k: issue[k] for k in ("id", "identifier", "title", "url", "teamId")}
        data["issue"]["team"] = {k: team[k] for k in ("id", "key", "name")} if team else None
    user = look.get("users", comment.get("userId"))
    if user:
        data["user"] = _user(user)
    parent = look.comment(comment.get("parentId"))
    if parent:
        data["parent"] = {k: parent.get(k) for k in ("id", "body", "issueId", "userId")}
    return data


def _user(user: dict) -> dict:
    return {k: user.get(k) for k in ("id", "name", "email", "avatarUrl", "url")}


def _label(label: dict) -> dict:
    return {"id": label["id"], "name": label["name"], "color": label["color"], "parentId": None}
