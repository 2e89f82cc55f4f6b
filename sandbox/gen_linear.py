"""Generate the Linear side of a dataset: organisation, users, teams, states, cycles, projects, issues, comments.

Nodes are plain dicts keyed by GraphQL field names; relations are stored as `<field>Id` keys
(`teamId`, `stateId`, …) and resolved by linear.py. Timestamps are canonical ISO strings
(`iso_ms`), so comparing strings compares times.
"""

import random

from sandbox import texts
from sandbox.dataset import BASE_EPOCH, DAY, LinearData, iso_ms, make_uuid, parse_iso, slugify, stream

TEAMS = [("DES", "Design", "#f2994a"), ("DEV", "Development", "#5e6ad2"), ("OPS", "Delivery", "#26b5ce")]
STATES = [
    ("Backlog", "backlog", "#bec2c8"),
    ("Todo", "unstarted", "#e2e2e2"),
    ("In Progress", "started", "#f2c94c"),
    ("In Review", "started", "#0f783c"),
    ("Done", "completed", "#5e6ad2"),
    ("Canceled", "canceled", "#95a2b3"),
]
PROJECT_STATUSES = [
    ("Backlog", "backlog", "#bec2c8"),
    ("Planned", "planned", "#e2e2e2"),
    ("In Progress", "started", "#f2c94c"),
    ("Paused", "paused", "#95a2b3"),
    ("Completed", "completed", "#5e6ad2"),
    ("Canceled", "canceled", "#eb5757"),
]
LABELS = [
    ("Bug", "#eb5757"),
    ("Feature", "#bb87fc"),
    ("Improvement", "#4ea7fc"),
    ("Design", "#f2994a"),
    ("Client feedback", "#26b5ce"),
    ("Copy", "#95a2b3"),
]
PRIORITY_LABELS = ["No priority", "Urgent", "High", "Medium", "Low"]
CYCLE_DAYS = 14
CYCLES = 7


def build(ds) -> LinearData:
    rng = stream(ds.seed, "linear")
    url_key = ds.studio["slug"]
    created = iso_ms(BASE_EPOCH - 400 * DAY)
    org = {
        "id": make_uuid(rng),
        "name": ds.studio["name"],
        "urlKey": url_key,
        "logoUrl": None,
        "createdAt": created,
        "updatedAt": iso_ms(BASE_EPOCH - 30 * DAY),
        "archivedAt": None,
    }
    users = [_user(rng, staff, url_key) for staff in ds.staff]
    teams = [_team(rng, key, name, color) for key, name, color in TEAMS[: 2 + (rng.random() < 0.5)]]
    states = [_state(rng, team, position, *spec) for team in teams for position, spec in enumerate(STATES)]
    cycles = [_cycle(rng, team, number) for team in teams for number in range(1, CYCLES + 1)]
    statuses = [_project_status(rng, position, *spec) for position, spec in enumerate(PROJECT_STATUSES)]
    labels = [_label(rng, name, color) for name, color in LABELS]
    data = LinearData(org, users, teams, states, cycles, statuses, [], labels, {}, {})
    data.projects = [_project(rng, data, client, url_key) for client in ds.clients]
    for issue in _issues(rng, ds, data, url_key):
        data.issues[issue["id"]] = issue
    for comment in _comments(rng, ds, data):
        data.comments[comment["id"]] = comment
    return data


def _user(rng, staff, url_key) -> dict:
    display = staff.first.lower()
    return {
        "id": make_uuid(rng),
        "name": staff.name,
        "displayName": display,
        "email": staff.email,
        "active": True,
        "admin": staff.role == "administrator",
        "guest": False,
        "avatarUrl": None,
        "timezone": "Europe/London",
        "url": f"https://linear.app/{url_key}/profiles/{display}",
        "createdAt": iso_ms(BASE_EPOCH - (380 - 20 * staff.index) * DAY),
        "updatedAt": iso_ms(BASE_EPOCH - (60 - staff.index) * DAY),
        "archivedAt": None,
    }


def _team(rng, key, name, color) -> dict:
    return {
        "id": make_uuid(rng),
        "key": key,
        "name": name,
        "displayName": name,
        "description": f"{name} team",
        "color": color,
        "icon": None,
        "private": False,
        "timezone": "Europe/London",
        "cyclesEnabled": True,
        "createdAt": iso_ms(BASE_EPOCH - 390 * DAY + rng.randint(0, DAY)),
        "updatedAt": iso_ms(BASE_EPOCH - 45 * DAY + rng.randint(0, DAY)),
        "archivedAt": None,
    }


def _state(rng, team, position, name, kind, color) -> dict:
    return {
        "id": make_uuid(rng),
        "name": name,
        "type": kind,
        "color": color,
        "position": float(position),
        "description": None,
        "createdAt": team["createdAt"],
        "updatedAt": iso_ms(BASE_EPOCH - 200 * DAY + position),
        "archivedAt": None,
        "teamId": team["id"],
    }


def _cycle(rng, team, number) -> dict:
    starts = BASE_EPOCH - 80 * DAY + (number - 1) * CYCLE_DAYS * DAY
    ends = starts + CYCLE_DAYS * DAY
    done = ends <= BASE_EPOCH
    return {
        "id": make_uuid(rng),
        "number": float(number),
        "name": None,
        "description": None,
        "startsAt": iso_ms(starts),
        "endsAt": iso_ms(ends),
        "completedAt": iso_ms(ends) if done else None,
        # Relative to BASE_TIME, not the wall clock, so the data stays deterministic.
        "isActive": starts <= BASE_EPOCH < ends,
        "isFuture": starts > BASE_EPOCH,
        "isPast": done,
        "isNext": starts <= BASE_EPOCH + CYCLE_DAYS * DAY < ends,
        "isPrevious": starts <= BASE_EPOCH - CYCLE_DAYS * DAY < ends,
        "progress": 1.0 if done else round(rng.uniform(0, 0.8), 2),
        "createdAt": iso_ms(starts - 20 * DAY),
        "updatedAt": iso_ms(min(ends, BASE_EPOCH - 60)),
        "archivedAt": None,
        "teamId": team["id"],
    }


def _project_status(rng, position, name, kind, color) -> dict:
    created = iso_ms(BASE_EPOCH - 400 * DAY + position)
    return {
        "id": make_uuid(rng),
        "name": name,
        "type": kind,
        "color": color,
        "position": float(position),
        "description": None,
        "indefinite": kind in ("backlog", "paused"),
        "createdAt": created,
        "updatedAt": created,
        "archivedAt": None,
    }


def _label(rng, name, color) -> dict:
    created = iso_ms(BASE_EPOCH - 300 * DAY + rng.randint(0, DAY))
    return {
        "id": make_uuid(rng),
        "name": name,
        "description": None,
        "color": color,
        "isGroup": False,
        "createdAt": created,
        "updatedAt": created,
        "archivedAt": None,
        "teamId": None,
    }


def _project(rng, data, client, url_key) -> dict:
    work = client.work
    name = f"{client.name} — {work}"
    slug_id = f"{rng.getrandbits(48):012x}"
    status = rng.choices(data.statuses, weights=[5, 15, 50, 10, 15, 5])[0]
    created = BASE_EPOCH - rng.randint(60 * DAY, 120 * DAY)
    start = created + rng.randint(0, 10 * DAY)
    priority = rng.randint(0, 4)
    return {
        "id": make_uuid(rng),
        "name": name,
        "description": f"{work} for {client.name} ({client.domain})",
        "slugId": slug_id,
        "url": f"https://linear.app/{url_key}/project/{slugify(name)}-{slug_id}",
        "color": rng.choice(["#bec2c8", "#5e6ad2", "#26b5ce", "#f2994a"]),
        "icon": None,
        "priority": priority,
        "priorityLabel": PRIORITY_LABELS[priority],
        "progress": 1.0 if status["type"] == "completed" else round(rng.uniform(0, 0.9), 2),
        "health": rng.choice([None, "onTrack", "onTrack", "atRisk", "offTrack"]),
        "state": status["type"],
        "statusId": status["id"],
        "startDate": iso_ms(start)[:10],
        "targetDate": iso_ms(start + rng.randint(30, 120) * DAY)[:10],
        "startedAt": iso_ms(start) if status["type"] in ("started", "completed", "paused") else None,
        "completedAt": iso_ms(BASE_EPOCH - rng.randint(2, 20) * DAY) if status["type"] == "completed" else None,
        "canceledAt": iso_ms(BASE_EPOCH - rng.randint(2, 20) * DAY) if status["type"] == "canceled" else None,
        "createdAt": iso_ms(created),
        "updatedAt": iso_ms(BASE_EPOCH - rng.randint(1, 50) * DAY),
        "archivedAt": None,
        "trashed": None,
        "leadId": rng.choice(data.users)["id"],
        "creatorId": data.users[0]["id"],
        "teamIds": [t["id"] for t in data.teams],
    }


# ---------------------------------------------------------------- issues and comments


def issue_count(scale: int) -> int:
    return max(120, scale // 20)


def _issues(rng: random.Random, ds, data: LinearData, url_key: str) -> list[dict]:
    drafts = [
        new_issue(rng, ds, data, url_key, BASE_EPOCH - rng.randint(DAY, 90 * DAY) * 1.0)
        for _ in range(issue_count(ds.scale))
    ]
    drafts.sort(key=lambda issue: (issue["createdAt"], issue["id"]))
    numbers: dict[str, int] = {}
    for issue in drafts:
        team = team_of(data, issue)
        numbers[team["id"]] = numbers.get(team["id"], 0) + 1
        number_issue(issue, team, numbers[team["id"]], url_key, data)
    by_project: dict[str, list] = {}
    for issue in drafts:  # a few sub-issues of an earlier issue of the same project and team
        siblings = by_project.setdefault((issue["projectId"], issue["teamId"]), [])
        if siblings and rng.random() < 0.1:
            issue["parentId"] = rng.choice(siblings)["id"]
        siblings.append(issue)
    _auto_archive(rng, data, drafts)
    return drafts


def _auto_archive(rng: random.Random, data: LinearData, issues: list[dict]) -> None:
    """Linear auto-archives closed issues after a while: some old done/canceled ones are archived."""
    closed = {s["id"] for s in data.states if s["type"] in ("completed", "canceled")}
    old = iso_ms(BASE_EPOCH - 45 * DAY)
    for issue in issues:
        if issue["stateId"] in closed and issue["updatedAt"] < old and rng.random() < 0.5:
            issue["archivedAt"] = issue["updatedAt"]


def new_issue(rng: random.Random, ds, data: LinearData, url_key: str, created: float, settle: bool = True) -> dict:
    """One issue created at `created` (epoch seconds); numbering and URL come from `number_issue`."""
    client = rng.choice(ds.clients)
    bank = texts.RU_ISSUES if client.lang == "ru" else texts.EN_ISSUES
    title, description = rng.choice(bank)
    fields = {"client": client.name, "work": client.work, "number": rng.randint(2, 5)}
    team = rng.choices(data.teams, weights=[45, 45, 10][: len(data.teams)])[0]
    team_states = [s for s in data.states if s["teamId"] == team["id"]]
    state = rng.choices(team_states, weights=[10, 15, 20, 10, 35, 10])[0] if settle else team_states[1]
    created_ms = created + rng.randint(0, 999) / 1000
    updated = created_ms + (rng.uniform(60, BASE_EPOCH - created_ms - 60) if settle else 0)
    priority = rng.randint(0, 4)
    cycles = [c for c in data.cycles if c["teamId"] == team["id"] and c["startsAt"] <= iso_ms(created) < c["endsAt"]]
    issue = {
        "id": make_uuid(rng),
        "title": title.format(**fields),
        "description": description.format(**fields),
        "priority": float(priority),
        "priorityLabel": PRIORITY_LABELS[priority],
        "estimate": rng.choice([None, 1.0, 2.0, 3.0, 5.0, 8.0]),
        "sortOrder": round(rng.uniform(-1000, 1000), 2),
        "boardOrder": 0.0,
        "createdAt": iso_ms(created_ms),
        "updatedAt": iso_ms(updated),
        "archivedAt": None,
        "dueDate": iso_ms(created + rng.randint(7, 40) * DAY)[:10] if rng.random() < 0.4 else None,
        "trashed": False,
        "labelIds": sorted(rng.sample([label["id"] for label in data.labels], rng.randint(0, 2))),
        "teamId": team["id"],
        "projectId": data.projects[client.index]["id"] if data.projects else None,
        "cycleId": cycles[0]["id"] if cycles and rng.random() < 0.6 else None,
        "assigneeId": rng.choice(data.users)["id"] if rng.random() < 0.85 else None,
        "creatorId": rng.choice(data.users)["id"],
        "parentId": None,
        "projectMilestoneId": None,
        "client": client.index,
    }
    set_state(issue, state, updated)
    return issue


def set_state(issue: dict, state: dict, moment: float) -> None:
    """Move an issue to `state` at `moment`, keeping startedAt/completedAt/canceledAt coherent."""
    issue["stateId"] = state["id"]
    kind = state["type"]
    stamp = iso_ms(moment)
    if kind in ("started", "completed"):
        issue["startedAt"] = issue.get("startedAt") or stamp
    else:
        issue["startedAt"] = None
    issue["completedAt"] = stamp if kind == "completed" else None
    issue["canceledAt"] = stamp if kind == "canceled" else None


def number_issue(issue: dict, team: dict, number: int, url_key: str, data: LinearData) -> None:
    identifier = f"{team['key']}-{number}"
    slug = slugify(issue["title"])
    assignee = next((u for u in data.users if u["id"] == issue["assigneeId"]), None)
    owner = assignee["displayName"] if assignee else "studio"
    issue.update(
        number=float(number),
        identifier=identifier,
        url=f"https://linear.app/{url_key}/issue/{identifier}/{slug}",
        branchName=f"{owner}/{identifier.lower()}-{slug}",
    )


def team_of(data: LinearData, issue: dict) -> dict:
    return next(t for t in data.teams if t["id"] == issue["teamId"])


def _comments(rng: random.Random, ds, data: LinearData) -> list[dict]:
    comments = []
    for issue in sorted(data.issues.values(), key=lambda i: i["createdAt"]):
        if rng.random() < 0.5:
            continue
        created = issue_epoch(issue)
        for _ in range(rng.randint(1, 4)):
            moment = created + rng.uniform(60, BASE_EPOCH - created - 1)
            comments.append(new_comment(rng, ds, data, issue, moment))
    comments.sort(key=lambda c: (c["createdAt"], c["id"]))
    return comments


def new_comment(rng: random.Random, ds, data: LinearData, issue: dict, moment: float) -> dict:
    client = ds.clients[issue["client"]] if issue.get("client") is not None else ds.clients[0]
    bank = texts.RU_COMMENTS if client.lang == "ru" else texts.EN_COMMENTS
    comment_id = make_uuid(rng)
    stamp = iso_ms(moment)
    return {
        "id": comment_id,
        "body": rng.choice(bank).format(client=client.name, number=rng.randint(2, 5)),
        "url": f"{issue['url']}#comment-{comment_id[:8]}",
        "createdAt": stamp,
        "updatedAt": stamp,
        "editedAt": None,
        "archivedAt": None,
        "resolvedAt": None,
        "issueId": issue["id"],
        "userId": rng.choice(data.users)["id"],
        "parentId": None,
    }


def issue_epoch(issue: dict) -> float:
    return parse_iso(issue["createdAt"])
