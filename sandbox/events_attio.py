"""Attio webhook events of the Attio mutations: ids only (receivers re-read the record), one per delivery.

record.* ids are `{workspace_id, object_id, record_id}` (`object_id` as `GET /v2/objects` reports it;
record.updated adds the changed `attribute_id`); note.* ids are `{workspace_id, note_id}` with
`parent_object_id` / `parent_record_id` beside them. `actor` is who made the change: the value's or
note's author, and for deletions the workspace's first member (the one the sandbox's token acts for).
`delete_deal` also reports `note.deleted` for the deal's notes, which go with it.
"""

from sandbox.webhooks import Event

ACTIONS = {"move_deal_stage", "delete_deal", "new_companies", "rename_companies", "new_notes", "delete_notes"}


def snapshot(ds) -> dict:
    """Shallow: deleted notes are dropped from the dict, not changed, so their parents stay readable."""
    return {"notes": dict(ds.attio.notes)}


def events(tenant, action: str, result: dict, before: dict) -> list[Event]:
    data = tenant.dataset.attio
    if action == "move_deal_stage":
        return [_stage_moved(data, data.records["deals"][i]) for i in result["deals"]]
    if action == "new_companies":
        return [_created(data, data.records["companies"][i]) for i in result["companies"]]
    if action == "rename_companies":
        return [_renamed(data, data.records["companies"][i]) for i in result["companies"]]
    if action == "new_notes":
        return [_note(data, "note.created", data.notes[i], data.notes[i]["created_by_actor"]) for i in result["notes"]]
    out = []
    if action == "delete_deal":
        out = [_record(data, "record.deleted", "deals", i, _member(data)) for i in result["deals"]]
    return out + [_note(data, "note.deleted", before["notes"][i], _member(data)) for i in result.get("notes", [])]


def _record(data, event_type: str, slug: str, record_id: str, actor: dict, attribute_id: str | None = None) -> Event:
    ids = {"workspace_id": data.workspace["id"], "object_id": data.objects[slug]["id"]["object_id"]}
    ids["record_id"] = record_id
    if attribute_id:
        ids["attribute_id"] = attribute_id
    return Event("attio", event_type, event_type, {"event_type": event_type, "id": ids, "actor": actor})


def _stage_moved(data, deal: dict) -> Event:
    active = next(v for v in deal["values"]["stage"] if v["active_until"] is None)
    attribute_id = active["status"]["id"]["attribute_id"]
    return _record(data, "record.updated", "deals", deal["id"]["record_id"], active["created_by_actor"], attribute_id)


def _created(data, record: dict) -> Event:
    actor = record["values"]["name"][-1]["created_by_actor"]
    return _record(data, "record.created", "companies", record["id"]["record_id"], actor)


def _renamed(data, record: dict) -> Event:
    actor = record["values"]["name"][-1]["created_by_actor"]
    return _record(data, "record.updated", "companies", record["id"]["record_id"], actor)


def _note(data, event_type: str, note: dict, actor: dict) -> Event:
    payload = {
        "event_type": event_type,
        "id": {"workspace_id": data.workspace["id"], "note_id": note["id"]["note_id"]},
        "parent_object_id": data.objects[note["parent_object"]]["id"]["object_id"],
        "parent_record_id": note["parent_record_id"],
        "actor": actor,
    }
    return Event("attio", event_type, event_type, payload)


def _member(data) -> dict:
    return {"type": "workspace-member", "id": data.members[0]["id"]["workspace_member_id"]}
