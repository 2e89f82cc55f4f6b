"""Chatwoot (REST application API): inboxes, conversations, contacts and every message of every conversation.

Cursors: conversations and contacts have no update filter; conversations use the filter endpoint on
`last_activity_at` (day granularity, so the boundary day is re-read and de-duplicated by id + hash),
contacts walk newest-activity-first and stop past the cursor. Those walks are newest-first, so their
cursor moves with the walk's last page. Messages use Chatwoot's `after=<message id>` cursor per
conversation, stored on the conversation row in the same transaction as each page.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import F, Q

from connectors.constants import TombstoneReason
from connectors.models import RawChatwootContact, RawChatwootConversation
from connectors.raw_state import conversations_messages_synced
from connectors.sources.base import (
    POSITIVE_INTEGER,
    Child,
    Connector,
    Identity,
    Page,
    StreamSpec,
    WrongAccount,
    from_epoch,
    text,
)
from core.http import AuthError, NotFoundError, path_segment

CONVERSATIONS_PER_PAGE = 25
CONTACTS_PER_PAGE = 15
MESSAGES_PER_PAGE = 100


@dataclass(frozen=True)
class ConversationItem:
    """A conversation whose messages need syncing, as read before the walk."""

    external_id: str
    messages_cursor: int
    last_activity_at: dt.datetime | None


class ChatwootConnector(Connector):
    source = "chatwoot"
    streams = (
        StreamSpec("inboxes"),
        StreamSpec("conversations"),
        StreamSpec("contacts"),
        StreamSpec("messages", kind="items", parent="conversations"),
    )

    id_pattern = POSITIVE_INTEGER
    reconciled_streams = ("inboxes", "conversations", "contacts")
    versioned_streams = ("conversations",)
    # Chatwoot destroys a contact's conversations with it, and a conversation's messages with it.
    children = {
        "contacts": (Child("conversations", "contact_external_id"),),
        "conversations": (Child("messages", "conversation_external_id"),),
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._listed_updated_at: dict[str, float] = {}  # conversation id -> `updated_at` seen by the id walk

    def auth_headers(self, secret: str) -> dict:
        return {"api_access_token": secret}

    @property
    def prefix(self) -> str:
        return f"/api/v1/accounts/{path_segment(self.config.account_id)}"

    def identify(self) -> Identity:
        # The account itself: 404 when it does not exist, 401 "not authorized to access this account" when the
        # token's user is not a member of it (CONTRACTS.md), any other 401 is the token.
        if not self.valid_id(self.config.account_id):
            raise WrongAccount("a Chatwoot account id is a positive number")
        try:
            account = self.http.get(self.prefix)
        except NotFoundError as exc:
            raise WrongAccount("no such account") from exc
        except AuthError as exc:
            if "access this account" in str(exc):
                raise WrongAccount("the token's user is not a member of this account") from exc
            raise
        return Identity(account_id=str(account["id"]), account_name=str(account["name"]))

    def fetch_page(self, *, stream, cursor, state, full) -> Page:
        return getattr(self, f"_page_{stream}")(cursor=cursor, state=state or {}, full=full)

    # ------------------------------------------------------------ inboxes

    def _page_inboxes(self, *, cursor, state, full) -> Page:
        body = self.http.get(f"{self.prefix}/inboxes")
        return Page(rows=[inbox_row(item) for item in _payload(body)], more=False)

    # ------------------------------------------------------------ conversations

    def _page_conversations(self, *, cursor, state, full) -> Page:
        page_number = state.get("page", 1)
        since = None if full else cursor.get("last_activity_at")
        if since is None:
            body = self.http.get(
                f"{self.prefix}/conversations",
                params={"status": "all", "assignee_type": "all", "page": page_number},
            )
        else:
            body = self.http.post(
                f"{self.prefix}/conversations/filter",
                params={"page": page_number},
                json_body={"payload": [_activity_filter(since)]},
            )
        items = (body.get("data") or {}).get("payload") or []
        rows = [conversation_row(item) for item in items]
        seen = max([state.get("max_activity", since or 0), *(item.get("last_activity_at") or 0 for item in items)])
        more = len(items) >= CONVERSATIONS_PER_PAGE
        # Newest-first walk: the cursor may only move once the whole walk is stored.
        new_cursor = None if more else {"last_activity_at": seen}
        return Page(rows=rows, more=more, cursor=new_cursor, state={"page": page_number + 1, "max_activity": seen})

    # ------------------------------------------------------------ contacts

    def _page_contacts(self, *, cursor, state, full) -> Page:
        if state.get("phase") == "senders":
            return self._page_missing_senders(cursor=cursor, state=state)
        page_number = state.get("page", 1)
        since = None if full else cursor.get("last_activity_at")
        body = self.http.get(f"{self.prefix}/contacts", params={"sort": "-last_activity_at", "page": page_number})
        items = _payload(body)
        activity = [item.get("last_activity_at") or 0 for item in items]
        seen = max([state.get("max_activity", since or 0), *activity])
        past_cursor = since is not None and items and max(activity) < since
        more = len(items) >= CONTACTS_PER_PAGE and not past_cursor
        next_state = {"page": page_number + 1, "max_activity": seen}
        if not more:
            next_state = {"phase": "senders", "max_activity": seen, "full": full}
        return Page(rows=[contact_row(item) for item in items], more=True, state=next_state)

    def _page_missing_senders(self, *, cursor, state) -> Page:
        """Anonymous senders never appear in the contacts list: fetch them by id (50 per page).

        Those are senders we have never stored, plus stored anonymous ones whose conversations were
        active since the cursor (their `last_activity_at` moved, and no list will tell us).
        """
        pending = state.get("pending")
        if pending is None:
            pending = self._sender_ids_to_fetch(since=None if state.get("full") else cursor.get("last_activity_at"))
        batch, rest = pending[:50], pending[50:]
        rows, skipped = [], []
        for contact_id in batch:
            try:
                body = self.http.get(f"{self.prefix}/contacts/{path_segment(contact_id)}")
            except NotFoundError:
                skipped.append(contact_id)
                continue
            rows.append(contact_row(_one(body)))
        more = bool(rest)
        new_cursor = None if more else {"last_activity_at": state.get("max_activity")}
        return Page(rows=rows, more=more, cursor=new_cursor, state={**state, "pending": rest}, skipped=skipped)

    def _sender_ids_to_fetch(self, *, since) -> list[str]:
        contacts = RawChatwootContact.objects.filter(project=self.project)
        conversations = RawChatwootConversation.objects.filter(project=self.project).exclude(contact_external_id="")
        missing = conversations.exclude(contact_external_id__in=contacts.values("external_id"))
        anonymous = contacts.filter(email="", phone_number="", identifier="").values("external_id")
        active = conversations.filter(contact_external_id__in=anonymous)
        if since is not None:
            active = active.filter(last_activity_at__gte=from_epoch(since) - dt.timedelta(days=1))
        ids = set(missing.values_list("contact_external_id", flat=True))
        ids |= set(active.values_list("contact_external_id", flat=True))
        return sorted(ids, key=lambda value: (len(value), value))

    # ------------------------------------------------------------ messages (per conversation)

    def items(self, *, stream, full, only=None) -> Iterator[ConversationItem]:
        conversations = RawChatwootConversation.objects.filter(project=self.project, deleted_at__isnull=True)
        if only is not None:
            conversations = conversations.filter(external_id__in=[str(i) for i in only])
        elif not full:
            stale = Q(messages_synced_activity_at__isnull=True) | ~Q(messages_synced_activity_at=F("last_activity_at"))
            conversations = conversations.filter(stale)
        rows = conversations.order_by("id").values_list("external_id", "messages_cursor", "last_activity_at")
        for external_id, messages_cursor, last_activity_at in rows.iterator(chunk_size=1000):
            yield ConversationItem(external_id, 0 if full else (messages_cursor or 0), last_activity_at)

    def item_key(self, *, stream, item: ConversationItem) -> str:
        return f"conversation:{item.external_id}"

    def fetch_item_page(self, *, stream, item: ConversationItem, state, full) -> Page:
        after = (state or {}).get("after", item.messages_cursor)
        path = f"{self.prefix}/conversations/{path_segment(item.external_id)}/messages"
        try:
            body = self.http.get(path, params={"after": after})
        except NotFoundError:  # the conversation is gone: a strike against it (see StreamSpec.parent)
            return Page(rows=[], more=False, skipped=[item.external_id], state={"gone": True})
        messages = _payload(body)
        rows = [message_row(message, conversation_id=item.external_id) for message in messages]
        last = max([after, *(int(m["id"]) for m in messages)])
        return Page(rows=rows, more=len(messages) >= MESSAGES_PER_PAGE, state={"after": last})

    def items_committed(self, *, stream, fetched) -> None:
        """One UPDATE for the batch: each conversation's message cursor, and that it is synced."""
        synced = [
            (item.external_id, page.state["after"], item.last_activity_at)
            for item, page in fetched
            if not (page.state or {}).get("gone")
        ]
        conversations_messages_synced(project=self.project, synced=synced)

    # ------------------------------------------------------------ webhooks

    WEBHOOK_EVENTS = ("conversation_created", "conversation_status_changed", "conversation_updated",
                      "contact_created", "contact_updated", "message_created", "message_updated")  # fmt: skip

    def webhook_subscribe(self, *, url: str, secret: str) -> tuple[str, str]:
        """An account webhook to `url`; Chatwoot makes the signing secret (older servers sign nothing: "")."""
        body = self.http.post(
            f"{self.prefix}/webhooks",
            json_body={"url": url, "name": "Workforce Ops", "subscriptions": list(self.WEBHOOK_EVENTS)},
        )
        webhook = _one((body or {}).get("payload") or body)
        webhook = webhook.get("webhook", webhook) if isinstance(webhook, dict) else {}
        return str(webhook.get("id") or ""), str(webhook.get("secret") or "")

    def webhook_unsubscribe(self, *, remote_id: str) -> None:
        self.http.request("DELETE", f"{self.prefix}/webhooks/{path_segment(remote_id)}")

    # ------------------------------------------------------------ targeted re-sync and reconciliation walk

    def fetch_by_ids(self, *, stream, ids) -> Page:
        if stream == "inboxes":
            page = self._page_inboxes(cursor={}, state={}, full=True)
            known = {str(row["external_id"]) for row in page.rows}
            return Page(rows=page.rows, more=False, skipped=[i for i in ids if str(i) not in known])
        paths = {"conversations": "conversations", "contacts": "contacts"}
        builders = {"conversations": conversation_row, "contacts": contact_row}
        rows, skipped = [], []
        for external_id in ids:
            try:
                body = self.http.get(f"{self.prefix}/{paths[stream]}/{path_segment(external_id)}")
            except NotFoundError:
                skipped.append(str(external_id))
                continue
            rows.append(builders[stream](_one(body)))
        return Page(rows=rows, more=False, skipped=skipped)

    def list_ids(self, *, stream) -> Iterator[str]:
        if stream == "conversations":
            page = 1
            while True:
                body = self.http.get(
                    f"{self.prefix}/conversations",
                    params={"status": "all", "assignee_type": "all", "page": page},
                )
                items = (body.get("data") or {}).get("payload") or []
                for item in items:
                    self._listed_updated_at[str(item["id"])] = _epoch(item.get("updated_at"))
                    yield str(item["id"])
                if len(items) < CONVERSATIONS_PER_PAGE:
                    return
                page += 1
        elif stream == "contacts":
            page = 1
            while True:
                items = _payload(self.http.get(f"{self.prefix}/contacts", params={"page": page}))
                yield from (str(item["id"]) for item in items)
                if len(items) < CONTACTS_PER_PAGE:
                    return
                page += 1
        elif stream == "inboxes":
            yield from (str(item["id"]) for item in _payload(self.http.get(f"{self.prefix}/inboxes")))
        else:
            raise KeyError(stream)

    def stale_by_version(self, *, stream, stored) -> list[str]:
        """Conversations whose `updated_at` moved while `last_activity_at` did not: a message was deleted or
        edited (Chatwoot touches the conversation), which the activity-filtered walk never re-reads."""
        if stream != "conversations":
            return []
        stale = []
        for external_id, updated_at in self._listed_updated_at.items():
            known = stored.get(external_id)
            if updated_at and known is not None and updated_at > known.timestamp():
                stale.append(external_id)
        return sorted(stale, key=lambda value: (len(value), value))


def _epoch(value) -> float:
    moment = from_epoch(value)
    return moment.timestamp() if moment else 0.0


def _flagged_deleted(message: dict) -> bool:
    """Chatwoot deletes a message softly: it stays listed, with `content_attributes.deleted` set."""
    attributes = message.get("content_attributes")
    return isinstance(attributes, dict) and bool(attributes.get("deleted"))


def _one(body) -> dict:
    """Single-object answers come bare or wrapped in `payload`."""
    if isinstance(body, dict) and isinstance(body.get("payload"), dict):
        return body["payload"]
    return body


def _payload(body) -> list:
    if isinstance(body, list):
        return body
    payload = (body or {}).get("payload")
    return payload if isinstance(payload, list) else []


def _activity_filter(since_epoch: float) -> dict:
    """`last_activity_at` is compared by day: ask from the day before the cursor's day (inclusive bound)."""
    day = dt.datetime.fromtimestamp(float(since_epoch), tz=dt.UTC).date() - dt.timedelta(days=1)
    return {
        "attribute_key": "last_activity_at",
        "filter_operator": "is_greater_than",
        "values": [day.isoformat()],
        "query_operator": None,
    }


# ---------------------------------------------------------------- row builders


def inbox_row(item: dict) -> dict:
    return {
        "external_id": item["id"],
        "raw": item,
        "name": text(item.get("name"), 300),
        "channel_type": text(item.get("channel_type"), 100),
    }


def contact_row(item: dict) -> dict:
    return {
        "external_id": item["id"],
        "raw": item,
        "source_created_at": from_epoch(item.get("created_at")),
        "name": text(item.get("name"), 300),
        "email": text(item.get("email"), 320).lower(),
        "phone_number": text(item.get("phone_number"), 50),
        "identifier": text(item.get("identifier"), 300),
        "last_activity_at": from_epoch(item.get("last_activity_at")),
    }


def conversation_row(item: dict) -> dict:
    meta = item.get("meta") or {}
    sender = meta.get("sender") or {}
    assignee = meta.get("assignee") or {}
    # `messages` and `last_non_activity_message` change with every message; the messages stream has them.
    raw = {k: v for k, v in item.items() if k not in ("messages", "last_non_activity_message", "unread_count")}
    # The sender is a copy of the contact; its activity time moves with other conversations (contacts stream has it).
    if isinstance(raw.get("meta"), dict) and isinstance(sender, dict):
        raw["meta"] = {**raw["meta"], "sender": {k: v for k, v in sender.items() if k != "last_activity_at"}}
    return {
        "external_id": item["id"],
        "raw": raw,
        "source_created_at": from_epoch(item.get("created_at")),
        "source_updated_at": from_epoch(item.get("updated_at") or item.get("timestamp")),
        "inbox_external_id": text(item.get("inbox_id")),
        "contact_external_id": text(sender.get("id")),
        "assignee_external_id": text(assignee.get("id")),
        "status": text(item.get("status"), 20),
        "last_activity_at": from_epoch(item.get("last_activity_at")),
    }


def message_row(item: dict, *, conversation_id: str) -> dict:
    return {
        "external_id": item["id"],
        "deleted_reason": TombstoneReason.DELETED if _flagged_deleted(item) else "",
        "raw": item,
        "source_created_at": from_epoch(item.get("created_at")),
        "source_updated_at": from_epoch(item.get("updated_at")),
        "conversation_external_id": str(item.get("conversation_id") or conversation_id),
        "content": text(item.get("content")),
        "private": bool(item.get("private")),
        "message_type": item.get("message_type") if isinstance(item.get("message_type"), int) else None,
        "sender_type": text(item.get("sender_type"), 50),
        "sender_external_id": text(item.get("sender_id") or (item.get("sender") or {}).get("id")),
    }
