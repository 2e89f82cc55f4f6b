"""Chatwoot webhook events of the Chatwoot mutations, with the bodies Chatwoot's WebhookListener sends.

Bodies are the server's `webhook_data` (not the REST views): Message#webhook_data with the
conversation's EventDataPresenter push data and Contact#webhook_data, plus `event` (and
`changed_attributes` on conversation/contact updates, `[{attr: {previous_value, current_value}}]`).
So in a message body `created_at` is an ISO string and `message_type` a name ("incoming"), unlike the
REST API. Callback order as on the server: an incoming message that reopens a resolved conversation sends
conversation_status_changed + conversation_updated, then message_created, then contact_updated
(`last_activity_at` moved). Chatwoot has no event for deleted conversations or contacts: those send nothing.
"""

import hashlib

from sandbox import chatwoot_views as views
from sandbox.dataset import iso_ms
from sandbox.webhooks import Event

ACTIONS = {
    "new_messages",
    "new_conversations",
    "edit_messages",
    "delete_messages",
    "delete_conversation",
    "edit_contacts",
    "delete_contacts",
    "set_conversation_status",
}
MESSAGE_TYPES = {0: "incoming", 1: "outgoing", 2: "activity", 3: "template"}


def snapshot(ds) -> dict:
    return {
        "status": {c.id: c.status for c in ds.conversations.values()},
        "contacts": {c.id: (c.name, c.phone, c.last_activity_at) for c in ds.contacts.values()},
    }


def events(tenant, action: str, result: dict, before: dict) -> list[Event]:
    builder = BUILDERS.get(action)
    return builder(tenant, result, before) if builder else []


def _status_events(tenant, result: dict, before: dict) -> list[Event]:
    """`conversation_status_changed` then `conversation_updated` for each conversation whose status moved."""
    out = []
    for conversation_id in result["conversations"]:
        conversation = tenant.dataset.conversations[conversation_id]
        old = before["status"].get(conversation_id)
        if old is not None and old != conversation.status:
            changed = [{"status": {"previous_value": old, "current_value": conversation.status}}]
            out.append(_conversation_event(tenant, conversation, "conversation_status_changed", changed))
            out.append(_conversation_event(tenant, conversation, "conversation_updated", changed))
    return out


def _new_messages(tenant, result: dict, before: dict) -> list[Event]:
    """Message callbacks run reopen → message_created → contact activity, so status events come first."""
    return _status_events(tenant, result, before) + _created_messages(tenant, _messages(tenant, result), before)


def _new_conversations(tenant, result: dict, before: dict) -> list[Event]:
    out = []
    found = _messages(tenant, result)
    for conversation_id in result["conversations"]:
        conversation = tenant.dataset.conversations[conversation_id]
        out.append(_conversation_event(tenant, conversation, "conversation_created"))
        out += _created_messages(tenant, [(c, m) for c, m in found if c is conversation], before)
    return out


def _created_messages(tenant, found: list, before: dict) -> list[Event]:
    """message_created, then contact_updated when an incoming message moved the contact's `last_activity_at`
    (Message#update_contact_activity is a `sender.update`, so the contact's update event fires; once per
    contact here, as a mutation stamps all its messages alike)."""
    out, reported = [], set()
    for conversation, message in found:
        out.append(_message_event(tenant, conversation, message, "message_created"))
        contact = tenant.dataset.contacts.get(message.sender_id) if message.sender_type == "Contact" else None
        old = before["contacts"].get(contact.id, (None, None, None))[2] if contact else None
        if contact and contact.id not in reported and old != contact.last_activity_at:
            reported.add(contact.id)
            moved = {"previous_value": _iso(old), "current_value": _iso(contact.last_activity_at)}
            out.append(_contact_event(tenant, contact, [{"last_activity_at": moved}]))
    return out


def _updated_messages(tenant, result: dict, before: dict) -> list[Event]:
    """Edits and Chatwoot's soft deletes (content replaced, `content_attributes.deleted`) are both updates."""
    return [_message_event(tenant, c, m, "message_updated") for c, m in _messages(tenant, result)]


def _edit_contacts(tenant, result: dict, before: dict) -> list[Event]:
    out = []
    for contact_id in result["contacts"]:
        contact = tenant.dataset.contacts[contact_id]
        name, phone, _ = before["contacts"].get(contact_id, (None, None, None))
        pairs = [("name", name, contact.name), ("phone_number", phone, contact.phone)]
        changed = [{k: {"previous_value": old, "current_value": new}} for k, old, new in pairs if old != new]
        if changed:  # the listener skips updates without changes
            out.append(_contact_event(tenant, contact, changed))
    return out


BUILDERS = {
    "new_messages": _new_messages,
    "new_conversations": _new_conversations,
    "edit_messages": _updated_messages,
    "delete_messages": _updated_messages,
    "edit_contacts": _edit_contacts,
    "set_conversation_status": _status_events,
}


def _messages(tenant, result: dict) -> list[tuple]:
    """(conversation, message) of the result's message ids, in the result's order."""
    wanted = set(result["messages"])
    found = {}
    for conversation_id in result["conversations"]:
        conversation = tenant.dataset.conversations[conversation_id]
        found.update({m.id: (conversation, m) for m in conversation.messages if m.id in wanted})
    return [found[i] for i in result["messages"] if i in found]


def _message_event(tenant, conversation, message, name: str) -> Event:
    payload = {**message_data(tenant, conversation, message), "event": name}
    return Event("chatwoot", name, name, payload)


def _contact_event(tenant, contact, changed: list) -> Event:
    payload = {**contact_data(tenant, contact), "event": "contact_updated", "changed_attributes": changed}
    return Event("chatwoot", "contact_updated", "contact_updated", payload)


def _iso(epoch) -> str | None:
    return iso_ms(epoch) if epoch is not None else None


def _conversation_event(tenant, conversation, name: str, changed: list | None = None) -> Event:
    payload = {**conversation_data(tenant, conversation), "event": name}
    if changed is not None:
        payload["changed_attributes"] = changed
    return Event("chatwoot", name, name, payload)


# ---------------------------------------------------------------- webhook_data shapes


def account_data(tenant) -> dict:
    return {"id": tenant.chatwoot_account_id, "name": tenant.dataset.studio["name"]}


def message_data(tenant, conversation, message) -> dict:
    """Message#webhook_data."""
    inbox = _inbox(tenant.dataset, conversation.inbox_id)
    return {
        "account": account_data(tenant),
        "additional_attributes": {},
        "content_attributes": dict(message.content_attributes),
        "content_type": "text",
        "content": message.content,
        "conversation": conversation_data(tenant, conversation),
        "created_at": iso_ms(message.created_at),
        "id": message.id,
        "inbox": {"id": inbox["id"], "name": inbox["name"]},
        "message_type": MESSAGE_TYPES[message.message_type],
        "private": message.private,
        "sender": _sender(tenant, message),
        "source_id": None,
    }


def conversation_data(tenant, conversation) -> dict:
    """Conversation#webhook_data (Conversations::EventDataPresenter#push_data): epoch times, `updated_at` a float."""
    ds = tenant.dataset
    shown = views.conversation(tenant, conversation)  # the REST view computes the derived fields
    contact = ds.contacts.get(conversation.contact_id)
    assignee = ds.staff[conversation.assignee_id - 1] if conversation.assignee_id else None
    first_reply = shown["first_reply_created_at"]
    return {
        "additional_attributes": {},
        "can_reply": True,
        "channel": shown["meta"]["channel"],
        "contact_inbox": _contact_inbox(ds, contact, conversation) if contact else None,
        "id": conversation.id,
        "inbox_id": conversation.inbox_id,
        "messages": shown["messages"],
        "labels": list(conversation.labels),
        "meta": {
            "sender": views.push_contact(contact) if contact else {},
            "assignee": views.push_agent(assignee) if assignee else None,
            "assignee_type": "User" if assignee else None,
            "team": None,
            "hmac_verified": False,
        },
        "status": conversation.status,
        "custom_attributes": {},
        "snoozed_until": iso_ms(conversation.snoozed_until) if conversation.snoozed_until else None,
        "unread_count": 0,
        "first_reply_created_at": iso_ms(first_reply) if first_reply else None,
        "priority": conversation.priority,
        "waiting_since": shown["waiting_since"] or 0,
        "agent_last_seen_at": shown["agent_last_seen_at"],
        "contact_last_seen_at": 0,
        "last_activity_at": conversation.last_activity_at,
        "timestamp": conversation.last_activity_at,
        "created_at": conversation.created_at,
        "updated_at": float(conversation.updated_at),
    }


def contact_data(tenant, contact) -> dict:
    """Contact#webhook_data."""
    base = views.contact_base(tenant.dataset, contact)
    return {
        "account": account_data(tenant),
        "additional_attributes": base["additional_attributes"],
        "avatar": "",
        "custom_attributes": {},
        "email": contact.email,
        "id": contact.id,
        "identifier": contact.identifier,
        "name": contact.name,
        "phone_number": contact.phone,
        "thumbnail": "",
        "blocked": False,
        "type": "contact",
    }


def _sender(tenant, message) -> dict | None:
    ds = tenant.dataset
    if message.sender_type == "Contact" and message.sender_id in ds.contacts:
        return contact_data(tenant, ds.contacts[message.sender_id])
    if message.sender_type == "User":
        staff = ds.staff[message.sender_id - 1]
        return {"id": staff.agent_id, "name": staff.name, "email": staff.email, "type": "user"}
    return None


def _inbox(ds, inbox_id: int) -> dict:
    return next(i for i in ds.inboxes if i["id"] == inbox_id)


def _contact_inbox(ds, contact, conversation) -> dict:
    """The contact_inbox row (one per contact in the sandbox); source_id as the contacts view shows it."""
    token = hashlib.sha256(f"{ds.seed}:{contact.id}".encode()).hexdigest()[:24]
    return {
        "id": contact.id,
        "contact_id": contact.id,
        "inbox_id": conversation.inbox_id,
        "source_id": f"{contact.email or contact.name}:{contact.inbox_id}",
        "created_at": iso_ms(contact.created_at),
        "updated_at": iso_ms(contact.created_at),
        "hmac_verified": False,
        "pubsub_token": token,
    }
