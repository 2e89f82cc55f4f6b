"""Mutations: what users of the three products do between two syncs.

Each action takes the dataset, a `count` (how many, default 1) or explicit `ids`, and returns the
affected ids per entity type, e.g. `{"messages": [...], "conversations": [...]}`. Random choices use
the dataset's own mutation stream (reproducible order); times come from `Dataset.stamp()`
(wall clock, always later than anything before).
"""

from sandbox import gen_attio, gen_linear, texts
from sandbox.dataset import Conversation, Message, iso_ms, iso_ns, make_uuid
from sandbox.gen_chatwoot import STATUSES, fill, incoming_bank, outgoing_bank

ACTIONS = {}
DELETED_MESSAGE = "This message was deleted"  # Chatwoot's `conversations.messages.deleted` text


def action(fn):
    ACTIONS[fn.__name__] = fn
    return fn


def mutate(ds, name: str, count: int | None = None, ids: list | None = None, **params) -> dict:
    if name not in ACTIONS:
        raise ValueError(f"unknown action {name!r}; expected one of {sorted(ACTIONS)}")
    if count is None:
        count = len(ids) if ids else 1
    with ds.lock:
        return ACTIONS[name](ds, ds.mutation_rng, int(count), ids, **params)


def _pick(rng, pool: list, count: int, ids, key, missing: str) -> list:
    """`ids` if given (all must exist), else `count` distinct random items of `pool`."""
    if ids is not None:
        by_key = {str(key(item)): item for item in pool}
        chosen = [by_key.get(str(i)) for i in ids]
        if None in chosen:
            raise KeyError(f"no {missing} with id {ids[chosen.index(None)]!r}")
        return chosen
    return rng.sample(pool, min(count, len(pool)))


# ---------------------------------------------------------------- Chatwoot


@action
def new_messages(ds, rng, count, ids, incoming: bool | None = None):
    """Append `count` messages to existing conversations (`ids` = conversation ids to use)."""
    moment = int(ds.stamp())
    pool = list(ds.conversations.values())
    targets = _pick(rng, pool, count, ids, lambda c: c.id, "conversation") if ids else None
    added, touched = [], []
    next_id = ds.next_message_id()
    for n in range(count):
        conversation = targets[n % len(targets)] if targets else rng.choice(pool)
        from_contact = incoming if incoming is not None else rng.random() < 0.6
        added.append(_append(ds, rng, conversation, next_id + n, moment, from_contact))
        if conversation.id not in touched:
            touched.append(conversation.id)
    return {"messages": added, "conversations": touched}


def _append(ds, rng, conversation: Conversation, message_id: int, moment: int, from_contact: bool) -> int:
    contact = ds.contacts[conversation.contact_id]
    client = ds.clients[contact.client] if contact.client is not None else None
    agent = ds.staff[conversation.assignee_id - 1] if conversation.assignee_id else ds.staff[0]
    if from_contact:
        content = fill(rng, incoming_bank(client), client, contact, agent)
        message = Message(message_id, conversation.id, 0, False, "Contact", contact.id, content, moment, moment, "sent")
        contact.last_activity_at = moment  # Chatwoot bumps the contact on incoming messages
        if conversation.status == "resolved":
            conversation.status = "open"  # an incoming message reopens a resolved conversation
    else:
        content = fill(rng, outgoing_bank(client), client, contact, agent)
        message = Message(
            message_id, conversation.id, 1, False, "User", agent.agent_id, content, moment, moment, "sent"
        )
    conversation.messages.append(message)
    conversation.last_activity_at = conversation.updated_at = moment
    return message_id


@action
def new_conversations(ds, rng, count, ids, messages: int | None = None):
    """`count` new conversations of existing contacts (`ids` = contact ids), 1-5 messages each."""
    moment = int(ds.stamp())
    contacts = _pick(rng, ds.resolved_contacts(), count, ids, lambda c: c.id, "contact")
    new_ids, message_ids = [], []
    next_conversation = ds.next_conversation_id()
    next_message = ds.next_message_id()
    for n in range(count):
        contact = contacts[n % len(contacts)]
        conversation = Conversation(
            next_conversation + n,
            make_uuid(rng),
            contact.id,
            contact.inbox_id,
            "open",
            rng.choice(ds.staff).agent_id,
            [],
            None,
            moment,
            moment,
            moment,
        )
        ds.conversations[conversation.id] = conversation
        for index in range(messages or rng.randint(1, 5)):
            message_ids.append(_append(ds, rng, conversation, next_message, moment, index % 2 == 0))
            next_message += 1
        new_ids.append(conversation.id)
    return {"conversations": new_ids, "messages": message_ids}


@action
def edit_messages(ds, rng, count, ids):
    """Edit the content of `count` messages (activity messages are never edited)."""
    moment = int(ds.stamp())
    pool = [m for c in ds.conversations.values() for m in c.messages if m.message_type != 2]
    chosen = _pick(rng, pool, count, ids, lambda m: m.id, "message")
    for message in chosen:
        message.content = f"{message.content} (edited)"
        message.updated_at = moment
    return {"messages": [m.id for m in chosen], "conversations": sorted({m.conversation_id for m in chosen})}


@action
def delete_messages(ds, rng, count, ids):
    """Chatwoot's soft delete: the message stays in the thread, its content replaced and flagged `deleted`.

    The conversation's `updated_at` moves (Message `belongs_to :conversation, touch: true`) but not its
    `last_activity_at`, so a reader filtering on last_activity_at never sees the deletion. (Sandbox
    messages carry no attachments, so there are none to drop.)
    """
    moment = int(ds.stamp())
    pool = [m for c in ds.conversations.values() for m in c.messages if _deletable(m)]
    chosen = _pick(rng, pool, count, ids, lambda m: m.id, "deletable message")
    for message in chosen:
        message.content = DELETED_MESSAGE
        message.content_attributes = {"deleted": True}
        message.updated_at = moment
        ds.conversations[message.conversation_id].updated_at = moment
    return {"messages": [m.id for m in chosen], "conversations": sorted({m.conversation_id for m in chosen})}


def _deletable(message: Message) -> bool:
    """Activity messages ("Conversation was resolved by …") cannot be deleted; deleted ones are done."""
    return message.message_type != 2 and not message.content_attributes.get("deleted")


@action
def delete_conversation(ds, rng, count, ids):
    """Delete conversations with their messages: later GETs answer 404 and lists skip them."""
    chosen = _pick(rng, list(ds.conversations.values()), count, ids, lambda c: c.id, "conversation")
    messages = ds.drop_conversations(chosen)
    return {"conversations": [c.id for c in chosen], "messages": messages}


@action
def delete_contacts(ds, rng, count, ids, anonymous: bool | None = None):
    """Hard delete of contacts and, as Chatwoot's dependent destroy does, their conversations and messages.

    `anonymous`: True picks only contacts `GET /contacts` does not list (no email, phone or identifier),
    False only listed ones, None any.
    """
    pool = [c for c in ds.contacts.values() if anonymous is None or c.resolved != anonymous]
    chosen = _pick(rng, pool, count, ids, lambda c: c.id, "contact")
    gone = {c.id for c in chosen}
    conversations = [c for c in ds.conversations.values() if c.contact_id in gone]
    messages = ds.drop_conversations(conversations)
    for contact in chosen:
        del ds.contacts[contact.id]
    return {"contacts": [c.id for c in chosen], "conversations": [c.id for c in conversations], "messages": messages}


@action
def edit_contacts(ds, rng, count, ids):
    """Rename contacts and change their phone numbers (Chatwoot contacts carry no updated_at)."""
    chosen = _pick(rng, ds.resolved_contacts(), count, ids, lambda c: c.id, "contact")
    for contact in chosen:
        contact.name = f"{contact.name} Jr." if not contact.name.endswith(" Jr.") else contact.name[:-4]
        contact.phone = f"+1 555 01{rng.randint(10, 99)}"
    return {"contacts": [c.id for c in chosen]}


@action
def set_conversation_status(ds, rng, count, ids, status: str | None = None):
    """Change only the status of conversations (`status`, else another random one); bumps `updated_at`."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {STATUSES}")
    moment = int(ds.stamp())
    chosen = _pick(rng, list(ds.conversations.values()), count, ids, lambda c: c.id, "conversation")
    for conversation in chosen:
        conversation.status = status or rng.choice([s for s in STATUSES if s != conversation.status])
        conversation.snoozed_until = None
        conversation.updated_at = moment
    return {"conversations": [c.id for c in chosen]}


# ---------------------------------------------------------------- Linear


@action
def edit_issues(ds, rng, count, ids):
    """Change title, description and state of issues; bumps `updatedAt`."""
    moment = ds.stamp()
    chosen = _pick(rng, list(ds.linear.issues.values()), count, ids, lambda i: i["id"], "issue")
    for issue in chosen:
        states = [s for s in ds.linear.states if s["teamId"] == issue["teamId"] and s["id"] != issue["stateId"]]
        gen_linear.set_state(issue, rng.choice(states), moment)
        issue["title"] = issue["title"].removesuffix(" (revised)") + " (revised)"
        issue["description"] = f"{issue['description']}\n\nUpdate: scope confirmed with the client."
        issue["updatedAt"] = iso_ms(moment)
    return {"issues": [i["id"] for i in chosen]}


@action
def move_issue_state(ds, rng, count, ids, state: str | None = None):
    """Change only the workflow state of issues (`state` by name, else another random one); bumps `updatedAt`."""
    moment = ds.stamp()
    chosen = _pick(rng, list(ds.linear.issues.values()), count, ids, lambda i: i["id"], "issue")
    for issue in chosen:
        states = [s for s in ds.linear.states if s["teamId"] == issue["teamId"] and s["id"] != issue["stateId"]]
        if state is not None:
            states = [s for s in states if s["name"] == state]
            if not states:
                raise ValueError(f"no other state named {state!r} in the issue's team")
        gen_linear.set_state(issue, rng.choice(states), moment)
        issue["updatedAt"] = iso_ms(moment)
    return {"issues": [i["id"] for i in chosen]}


@action
def new_issues(ds, rng, count, ids):
    moment = ds.stamp()
    data = ds.linear
    created = []
    for _ in range(count):
        issue = gen_linear.new_issue(rng, ds, data, data.org["urlKey"], moment, settle=False)
        issue["createdAt"] = issue["updatedAt"] = iso_ms(moment)
        team = gen_linear.team_of(data, issue)
        number = 1 + max((int(i["number"]) for i in data.issues.values() if i["teamId"] == team["id"]), default=0)
        gen_linear.number_issue(issue, team, number, data.org["urlKey"], data)
        data.issues[issue["id"]] = issue
        created.append(issue["id"])
    return {"issues": created}


@action
def delete_issues(ds, rng, count, ids):
    """Hard delete (gone from every query, with their comments), as an API/admin deletion."""
    chosen = _pick(rng, list(ds.linear.issues.values()), count, ids, lambda i: i["id"], "issue")
    gone = {i["id"] for i in chosen}
    comments = [c["id"] for c in ds.linear.comments.values() if c["issueId"] in gone]
    for issue_id in gone:
        del ds.linear.issues[issue_id]
    for comment_id in comments:
        del ds.linear.comments[comment_id]
    for issue in ds.linear.issues.values():
        if issue.get("parentId") in gone:
            issue["parentId"] = None
    return {"issues": [i["id"] for i in chosen], "comments": comments}


@action
def trash_issues(ds, rng, count, ids):
    """Move issues to the trash: `trashed: true`, archived (visible with includeArchived), updatedAt bumped."""
    moment = iso_ms(ds.stamp())
    live = [i for i in ds.linear.issues.values() if not i["trashed"]]
    chosen = _pick(rng, live, count, ids, lambda i: i["id"], "issue")
    for issue in chosen:
        issue.update(trashed=True, archivedAt=moment, updatedAt=moment)
    return {"issues": [i["id"] for i in chosen]}


@action
def archive_issues(ds, rng, count, ids):
    """Archive issues: `archivedAt` = `updatedAt` = now, not trashed; lists show them only with includeArchived."""
    moment = iso_ms(ds.stamp())
    live = [i for i in ds.linear.issues.values() if not i["archivedAt"]]
    chosen = _pick(rng, live, count, ids, lambda i: i["id"], "unarchived issue")
    for issue in chosen:
        issue.update(archivedAt=moment, updatedAt=moment)
    return {"issues": [i["id"] for i in chosen]}


@action
def unarchive_issues(ds, rng, count, ids):
    """Like `issueUnarchive` (which also restores from the trash): archivedAt cleared, trashed false, updatedAt now."""
    moment = iso_ms(ds.stamp())
    shelved = [i for i in ds.linear.issues.values() if i["archivedAt"] or i["trashed"]]
    chosen = _pick(rng, shelved, count, ids, lambda i: i["id"], "archived or trashed issue")
    for issue in chosen:
        issue.update(archivedAt=None, trashed=False, updatedAt=moment)
    return {"issues": [i["id"] for i in chosen]}


@action
def delete_comments(ds, rng, count, ids):
    """Hard delete of comments, replies included (threads are one level deep); the issue itself does not change."""
    comments = ds.linear.comments
    chosen = _pick(rng, list(comments.values()), count, ids, lambda c: c["id"], "comment")
    gone = [c["id"] for c in chosen]
    gone += [c["id"] for c in comments.values() if c["parentId"] in gone and c["id"] not in gone]
    issues = list(dict.fromkeys(comments[c]["issueId"] for c in gone))
    for comment_id in gone:
        del comments[comment_id]
    return {"comments": gone, "issues": issues}


@action
def new_comments(ds, rng, count, ids):
    """`count` comments on random issues (`ids` = issue ids to comment on)."""
    moment = ds.stamp()
    issues = _pick(rng, list(ds.linear.issues.values()), count, ids, lambda i: i["id"], "issue") if ids else None
    created, touched = [], []
    for n in range(count):
        issue = issues[n % len(issues)] if issues else rng.choice(list(ds.linear.issues.values()))
        comment = gen_linear.new_comment(rng, ds, ds.linear, issue, moment)
        ds.linear.comments[comment["id"]] = comment
        created.append(comment["id"])
        touched.append(issue["id"])
    return {"comments": created, "issues": touched}


# ---------------------------------------------------------------- Attio


@action
def move_deal_stage(ds, rng, count, ids, stage: str | None = None):
    """Close each deal's active stage value (`active_until` = now) and append the new stage."""
    moment = ds.stamp()
    data = ds.attio
    chosen = _pick(rng, list(data.records["deals"].values()), count, ids, lambda r: r["id"]["record_id"], "deal")
    for deal in chosen:
        current = next((v["status"]["title"] for v in deal["values"]["stage"] if v["active_until"] is None), None)
        if stage is not None:
            target = next((s for s in data.statuses if s["title"] == stage), None)
            if target is None:
                raise ValueError(f"unknown stage {stage!r}; expected one of {texts.DEAL_STAGES}")
        else:
            target = rng.choice([s for s in data.statuses if s["title"] != current])
        actor = gen_attio.member_actor(rng.choice(data.members))
        gen_attio.push_stage(deal, target, moment, actor)
    return {"deals": [d["id"]["record_id"] for d in chosen]}


@action
def delete_deal(ds, rng, count, ids):
    """Delete deals and their notes."""
    data = ds.attio
    chosen = _pick(rng, list(data.records["deals"].values()), count, ids, lambda r: r["id"]["record_id"], "deal")
    gone = {d["id"]["record_id"] for d in chosen}
    notes = [k for k, n in data.notes.items() if n["parent_record_id"] in gone]
    for record_id in gone:
        del data.records["deals"][record_id]
    for note_id in notes:
        del data.notes[note_id]
    return {"deals": [d["id"]["record_id"] for d in chosen], "notes": notes}


@action
def delete_notes(ds, rng, count, ids):
    """Hard delete of notes: `GET /v2/notes/{id}` answers 404 and `GET /v2/notes` skips them."""
    notes = ds.attio.notes
    chosen = _pick(rng, list(notes.values()), count, ids, lambda n: n["id"]["note_id"], "note")
    for note in chosen:
        del notes[note["id"]["note_id"]]
    return {"notes": [n["id"]["note_id"] for n in chosen]}


@action
def new_companies(ds, rng, count, ids):
    """New companies; the first one reuses an existing company's name with a new domain."""
    moment = ds.stamp()
    data = ds.attio
    existing = list(data.records["companies"].values())
    created = []
    for n in range(count):
        if n == 0 and existing:
            name = existing[0]["values"]["name"][-1]["value"]
        else:
            prefix, _ = rng.choice(texts.EN_PREFIXES)
            suffix, _ = rng.choice(texts.EN_SUFFIXES)
            name = f"{prefix} {suffix} {rng.randint(10, 99)}"
        domain = f"new-{len(existing) + n + 1}-{rng.randint(100, 999)}.example"
        record = gen_attio.new_company(rng, data, name, domain, moment)
        data.records["companies"][record["id"]["record_id"]] = record
        created.append(record["id"]["record_id"])
    return {"companies": created}


@action
def rename_companies(ds, rng, count, ids, to: str | None = None):
    """Rename companies: Attio closes the active `name` value and appends the new one (as for any text)."""
    moment = ds.stamp()
    data = ds.attio
    chosen = _pick(rng, list(data.records["companies"].values()), count, ids, lambda r: r["id"]["record_id"], "company")
    for company in chosen:
        names = company["values"]["name"]
        current = next((v["value"] for v in names if v["active_until"] is None), "")
        for old in names:
            if old["active_until"] is None:
                old["active_until"] = iso_ns(moment)
        actor = gen_attio.member_actor(rng.choice(data.members))
        names.append(gen_attio.value("text", moment, actor, value=to or f"{current} {rng.randint(10, 99)}"))
    return {"companies": [c["id"]["record_id"] for c in chosen]}


@action
def new_notes(ds, rng, count, ids):
    """Notes on random deals or companies (`ids` = parent record ids)."""
    moment = ds.stamp()
    data = ds.attio
    parents = [("deals", r) for r in data.records["deals"].values()]
    parents += [("companies", r) for r in data.records["companies"].values()]
    if ids:
        wanted = {str(i) for i in ids}
        parents = [p for p in parents if p[1]["id"]["record_id"] in wanted]
    created = []
    for _ in range(count):
        parent_object, parent = rng.choice(parents)
        note = gen_attio.new_note(rng, data, ds.clients[0], parent_object, parent, moment)
        data.notes[note["id"]["note_id"]] = note
        created.append(note["id"]["note_id"])
    return {"notes": created}
