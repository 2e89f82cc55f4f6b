"""What each source's webhook deliveries look like: how they are signed and which records they name.

Per source a `WebhookFormat` verifies a delivery's signature over the raw body (constant time) and turns its
JSON into a `Hint`: the records it says changed or were removed, per stream, and when it happened. Shapes and
headers follow `shared/api-specs/CONTRACTS.md` (Chatwoot account webhooks, Linear's `EntityWebhookPayload`,
Attio's `/v2/webhooks` deliveries).
"""

import datetime as dt
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from connectors.sources.base import REGISTRY

# A delivery older (or further in the future) than this is refused: a replay, or a clock far off.
MAX_AGE = dt.timedelta(minutes=5)
LINEAR_MAX_AGE = dt.timedelta(seconds=60)  # what Linear's SDK allows

LINEAR_STREAMS = {
    "Issue": "issues",
    "Comment": "comments",
    "Project": "projects",
    "Cycle": "cycles",
    "WorkflowState": "workflow_states",
    "Team": "teams",
}
CHATWOOT_EVENTS = {
    "conversation_created", "conversation_status_changed", "conversation_updated", "contact_created",
    "contact_updated", "message_created", "message_updated",
}  # fmt: skip


class BadDelivery(ValueError):
    """The body is not a delivery of this source (400 naming the field)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass
class Hint:
    """Which records a delivery names. `changed`/`removed`: {stream: [external ids]}. Chatwoot's "messages"
    stream holds conversation ids whose messages were edited or deleted (their thread is re-read whole);
    Attio's record streams are `object:<object_id>` until the applier knows the object's slug."""

    key: str
    event: str
    changed: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    event_at: dt.datetime | None = None

    @property
    def empty(self) -> bool:
        return not (self.changed or self.removed)


@dataclass(frozen=True)
class WebhookFormat:
    verify: Callable[[str, dict, bytes, dt.datetime], bool]  # (secret, headers, body, now) → signed and fresh
    parse: Callable[[dict, dict, bytes], Hint]  # (headers, payload, body) → hint; raises BadDelivery


def _hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _same(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.strip().encode())


def _fresh(moment: dt.datetime | None, now: dt.datetime, max_age: dt.timedelta) -> bool:
    return moment is not None and abs(now - moment) <= max_age


def _epoch(value, *, millis: bool = False) -> dt.datetime | None:
    try:
        seconds = float(value) / (1000 if millis else 1)
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def body_key(body: bytes) -> str:
    """A delivery key for sources that send no delivery id: the body's hash."""
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _ids(source: str, *values, field_name: str = "id") -> list[str]:
    """External ids as strings; one not of the source's id shape (`Connector.valid_id`) is refused."""
    present = [value for value in values if value not in (None, "")]
    if not all(REGISTRY[source].valid_id(value) for value in present):
        raise BadDelivery(field_name, "Not a record id.")
    return [str(value) for value in present]


# ---------------------------------------------------------------- Chatwoot


def _chatwoot_verify(secret: str, headers: dict, body: bytes, now: dt.datetime) -> bool:
    """`X-Chatwoot-Signature: sha256=<hex HMAC(secret, "{timestamp}.{body}")>`, timestamp within MAX_AGE."""
    timestamp = headers.get("X-Chatwoot-Timestamp", "")
    signature = (headers.get("X-Chatwoot-Signature") or "").removeprefix("sha256=")
    expected = _hmac_hex(secret, timestamp.encode() + b"." + body)
    return _same(expected, signature) and _fresh(_epoch(timestamp), now, MAX_AGE)


def _chatwoot_parse(headers: dict, payload: dict, body: bytes) -> Hint:
    event = payload.get("event")
    if not isinstance(event, str) or not event:
        raise BadDelivery("event", "Missing the event name.")
    hint = Hint(key=headers.get("X-Chatwoot-Delivery") or body_key(body), event=event,
                event_at=_epoch(headers.get("X-Chatwoot-Timestamp")))  # fmt: skip
    if event.startswith("message_"):
        embedded = payload.get("conversation")
        if embedded is not None and not isinstance(embedded, dict):
            raise BadDelivery("conversation", "Expected the conversation object.")
        conversation = (embedded or {}).get("id") or payload.get("conversation_id")
        hint.changed["conversations"] = _ids("chatwoot", conversation, field_name="conversation.id")
        if event == "message_updated":  # an edit or a deletion: the thread is re-read whole
            hint.changed["messages"] = _ids("chatwoot", conversation, field_name="conversation.id")
    elif event.startswith("conversation_"):
        hint.changed["conversations"] = _ids("chatwoot", payload.get("id"))
    elif event.startswith("contact_"):
        hint.changed["contacts"] = _ids("chatwoot", payload.get("id"))
    hint.changed = {stream: ids for stream, ids in hint.changed.items() if ids}
    return hint


# ---------------------------------------------------------------- Linear


def _linear_verify(secret: str, headers: dict, body: bytes, now: dt.datetime) -> bool:
    """`Linear-Signature: <hex HMAC(secret, body)>`; the body's `webhookTimestamp` (ms) within 60 s."""
    if not _same(_hmac_hex(secret, body), headers.get("Linear-Signature")):
        return False
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return True  # signed, but not JSON: the parse answers 400
    timestamp = payload.get("webhookTimestamp") if isinstance(payload, dict) else None
    return _fresh(_epoch(timestamp, millis=True), now, LINEAR_MAX_AGE)


def _linear_parse(headers: dict, payload: dict, body: bytes) -> Hint:
    kind, action, data = payload.get("type"), payload.get("action"), payload.get("data")
    if action not in ("create", "update", "remove"):
        raise BadDelivery("action", "Expected create, update or remove.")
    if not isinstance(data, dict):
        raise BadDelivery("data", "Missing the entity.")
    hint = Hint(key=headers.get("Linear-Delivery") or body_key(body), event=f"{kind}.{action}",
                event_at=_epoch(payload.get("webhookTimestamp"), millis=True))  # fmt: skip
    stream = LINEAR_STREAMS.get(str(kind))
    if stream is not None and data.get("id"):
        target = hint.removed if action == "remove" else hint.changed
        target[stream] = _ids("linear", data["id"], field_name="data.id")
    return hint


# ---------------------------------------------------------------- Attio


def _attio_verify(secret: str, headers: dict, body: bytes, now: dt.datetime) -> bool:
    """`Attio-Signature` (or `X-Attio-Signature`): hex HMAC(secret, body). Attio sends no timestamp."""
    given = headers.get("Attio-Signature") or headers.get("X-Attio-Signature")
    return _same(_hmac_hex(secret, body), given)


def _attio_parse(headers: dict, payload: dict, body: bytes) -> Hint:
    events = payload.get("events")
    if not isinstance(events, list) or not events or not all(isinstance(e, dict) for e in events):
        raise BadDelivery("events", "Expected a list of events.")
    # Attio's body has no event id, time or new value: moving a deal twice sends the same bytes twice. So no
    # dedupe key but the receipt: a retry is applied again, which costs one re-read of the current state.
    key = f"{body_key(body)[:40]}@{time.time_ns()}"
    hint = Hint(key=key, event=",".join(str(e.get("event_type")) for e in events))
    for item in events:
        family, _, action = str(item.get("event_type")).partition(".")
        ids = item.get("id") if isinstance(item.get("id"), dict) else {}
        if family == "record" and ids.get("object_id") and ids.get("record_id"):
            (object_id,) = _ids("attio", ids["object_id"], field_name="events.id.object_id")
            stream = f"object:{object_id}"
            external_ids = _ids("attio", ids["record_id"], field_name="events.id.record_id")
        elif family == "note" and ids.get("note_id"):
            stream, external_ids = "notes", _ids("attio", ids["note_id"], field_name="events.id.note_id")
        else:
            continue
        target = hint.removed if action == "deleted" else hint.changed
        target.setdefault(stream, []).extend(external_ids)
    return hint


FORMATS = {
    "chatwoot": WebhookFormat(_chatwoot_verify, _chatwoot_parse),
    "linear": WebhookFormat(_linear_verify, _linear_parse),
    "attio": WebhookFormat(_attio_verify, _attio_parse),
}
