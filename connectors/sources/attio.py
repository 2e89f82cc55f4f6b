"""Attio (REST v2): workspace members, companies, people and deals through the documented records query, and notes.

Attio records have no update time, so every run re-scans with offset paging (limit/offset in the JSON
body for records, in the query string for notes); unchanged rows are detected by their payload hash and
not rewritten. The cursor is the offset of the walk in progress and moves with each page. Workspace members
(the names behind a deal's `owner` actor id) come in one unpaged list.
"""

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from connectors.sources.base import Child, Connector, Identity, Page, StreamSpec, WrongAccount, from_iso, text
from core.http import AuthError, NotFoundError, path_segment

RECORDS_PAGE = 500
NOTES_PAGE = 50
OBJECTS = {"companies": "companies", "people": "people", "deals": "deals"}


class AttioConnector(Connector):
    source = "attio"
    streams = (
        StreamSpec("workspace_members"),
        StreamSpec("companies"),
        StreamSpec("people"),
        StreamSpec("deals"),
        StreamSpec("notes"),
    )
    reconciled_streams = ("workspace_members", "companies", "people", "deals", "notes")
    # A record's notes go with the record.
    children = {
        "deals": (Child("notes", "parent_external_id", (("parent_object", "deals"),)),),
        "companies": (Child("notes", "parent_external_id", (("parent_object", "companies"),)),),
    }

    def auth_headers(self, secret: str) -> dict:
        return {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}

    def identify(self) -> Identity:
        token = self.http.get("/v2/self")  # Attio's token introspection: {active, workspace_id, workspace_name, …}
        if token["active"] is not True:
            raise AuthError("attio: the token is not active", status=401)
        wanted = self.config.account_id
        if wanted and wanted not in (token["workspace_id"], token.get("workspace_slug")):
            raise WrongAccount("the token belongs to another workspace")
        return Identity(account_id=str(token["workspace_id"]), account_name=str(token["workspace_name"]))

    def fetch_page(self, *, stream, cursor, state, full) -> Page:
        offset = (state or {}).get("offset", 0 if full else cursor.get("offset", 0))
        items, limit = self._fetch(stream, offset)
        rows = [ROW_BUILDERS[stream](item) for item in items]
        more = len(items) >= limit
        next_offset = offset + len(items) if more else 0
        return Page(rows=rows, more=more, cursor={"offset": next_offset}, state={"offset": next_offset})

    def _fetch(self, stream: str, offset: int) -> tuple[list, int]:
        if stream == "notes":
            body = self.http.get("/v2/notes", params={"limit": NOTES_PAGE, "offset": offset})
            return body.get("data") or [], NOTES_PAGE
        if stream == "workspace_members":  # one unpaged list: a limit nothing reaches ends the walk
            members = self.http.get("/v2/workspace_members").get("data") or []
            return members, len(members) + 1
        body = self.http.post(
            f"/v2/objects/{OBJECTS[stream]}/records/query",
            json_body={
                "limit": RECORDS_PAGE,
                "offset": offset,
                "sorts": [{"attribute": "created_at", "direction": "asc"}],
            },
        )
        return body.get("data") or [], RECORDS_PAGE

    def resolve_streams(self, ids_by_stream):
        """Attio's deliveries name records by object id (`object:<id>`): the workspace's objects say which slug."""
        if any(stream.startswith("object:") for stream in ids_by_stream):
            slugs = {
                str((item.get("id") or {}).get("object_id")): item.get("api_slug")
                for item in self.http.get("/v2/objects").get("data") or []
            }
            resolved: dict[str, list[str]] = {}
            for stream, ids in ids_by_stream.items():
                name = slugs.get(stream.removeprefix("object:")) if stream.startswith("object:") else stream
                resolved.setdefault(str(name), []).extend(ids)
            ids_by_stream = resolved
        return super().resolve_streams(ids_by_stream)

    WEBHOOK_EVENTS = ("record.created", "record.updated", "record.deleted", "record.merged", "note.created",
                      "note.updated", "note.deleted")  # fmt: skip

    def webhook_subscribe(self, *, url: str, secret: str) -> tuple[str, str]:
        """`POST /v2/webhooks`: Attio makes the signing secret and shows it once, in this answer."""
        subscriptions = [{"event_type": event, "filter": None} for event in self.WEBHOOK_EVENTS]
        body = self.http.post("/v2/webhooks", json_body={"data": {"target_url": url, "subscriptions": subscriptions}})
        data = (body or {}).get("data") or {}
        return str((data.get("id") or {}).get("webhook_id") or ""), str(data.get("secret") or "")

    def webhook_unsubscribe(self, *, remote_id: str) -> None:
        self.http.request("DELETE", f"/v2/webhooks/{path_segment(remote_id)}")

    def fetch_by_ids(self, *, stream, ids) -> Page:
        rows, skipped = [], []
        for external_id in ids:
            if stream == "notes":
                path = f"/v2/notes/{path_segment(external_id)}"
            elif stream == "workspace_members":
                path = f"/v2/workspace_members/{path_segment(external_id)}"
            else:
                path = f"/v2/objects/{OBJECTS[stream]}/records/{path_segment(external_id)}"
            try:
                body = self.http.get(path)
            except NotFoundError:
                skipped.append(str(external_id))
                continue
            rows.append(ROW_BUILDERS[stream](body.get("data") or {}))
        return Page(rows=rows, more=False, skipped=skipped)

    def list_ids(self, *, stream) -> Iterator[str]:
        offset = 0
        while True:
            items, limit = self._fetch(stream, offset)
            yield from (record_id(item, stream) for item in items)
            if len(items) < limit:
                return
            offset += len(items)


ID_KEYS = {"notes": "note_id", "workspace_members": "workspace_member_id"}


def record_id(item: dict, stream: str) -> str:
    return str((item.get("id") or {}).get(ID_KEYS.get(stream, "record_id")))


def active_values(record: dict, attribute: str) -> list[dict]:
    """The currently active values of an attribute (Attio keeps history with active_until)."""
    values = (record.get("values") or {}).get(attribute) or []
    return [value for value in values if not value.get("active_until")]


def first_value(record: dict, attribute: str, key: str = "value"):
    values = active_values(record, attribute)
    return values[-1].get(key) if values else None


def _amount(record: dict) -> tuple[Decimal | None, str]:
    values = active_values(record, "value")
    if not values:
        return None, ""
    try:
        amount = Decimal(str(values[-1].get("currency_value")))
    except (InvalidOperation, TypeError):
        amount = None
    return amount, text(values[-1].get("currency_code"), 10)


def _stage(record: dict) -> str:
    values = active_values(record, "stage")
    return text(((values[-1].get("status") or {}).get("title")) if values else "", 100)


def _common(record: dict, stream: str) -> dict:
    return {
        "external_id": record_id(record, stream),
        "raw": record,
        "source_created_at": from_iso(record.get("created_at")),
        "web_url": text(record.get("web_url"), 500),
    }


def company_row(record: dict) -> dict:
    return {
        **_common(record, "companies"),
        "name": text(first_value(record, "name"), 300),
        "domain": text(first_value(record, "domains", "domain"), 300).lower(),
    }


def person_row(record: dict) -> dict:
    return {
        **_common(record, "people"),
        "name": text(first_value(record, "name", "full_name"), 300),
        "email": text(first_value(record, "email_addresses", "email_address"), 320).lower(),
        "company_external_id": text(first_value(record, "company", "target_record_id")),
    }


def deal_row(record: dict) -> dict:
    amount, currency = _amount(record)
    return {
        **_common(record, "deals"),
        "name": text(first_value(record, "name"), 300),
        "stage": _stage(record),
        "amount": amount,
        "currency": currency,
        "company_external_id": text(first_value(record, "associated_company", "target_record_id")),
        "owner_external_id": text(first_value(record, "owner", "referenced_actor_id")),
    }


def member_row(member: dict) -> dict:
    name = " ".join(text(member.get(key)) for key in ("first_name", "last_name") if member.get(key))
    return {
        "external_id": record_id(member, "workspace_members"),
        "raw": member,
        "source_created_at": from_iso(member.get("created_at")),
        "name": text(name, 300),
        "email": text(member.get("email_address"), 320).lower(),
    }


def note_row(note: dict) -> dict:
    return {
        "external_id": record_id(note, "notes"),
        "raw": note,
        "source_created_at": from_iso(note.get("created_at")),
        "parent_object": text(note.get("parent_object"), 50),
        "parent_external_id": text(note.get("parent_record_id")),
        "title": text(note.get("title"), 500),
        "content": text(note.get("content_plaintext")),
    }


ROW_BUILDERS = {
    "workspace_members": member_row,
    "companies": company_row,
    "people": person_row,
    "deals": deal_row,
    "notes": note_row,
}
