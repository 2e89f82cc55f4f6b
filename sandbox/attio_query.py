"""Attio record rendering (active values, derived reverse references) and the records-query language."""

import copy

from sandbox.dataset import parse_iso
from sandbox.gen_attio import value

# Main field of each attribute type: what shorthand filters and sorts compare.
MAIN_FIELD = {
    "text": "value",
    "number": "value",
    "timestamp": "value",
    "date": "value",
    "checkbox": "value",
    "domain": "domain",
    "email-address": "email_address",
    "personal-name": "full_name",
    "record-reference": "target_record_id",
    "actor-reference": "referenced_actor_id",
    "currency": "currency_value",
    "status": "status",
}
ATTRIBUTES = {
    "companies": [
        ("record_id", "text"),
        ("name", "text"),
        ("domains", "domain"),
        ("description", "text"),
        ("team", "record-reference"),
        ("associated_deals", "record-reference"),
        ("created_at", "timestamp"),
        ("created_by", "actor-reference"),
    ],
    "people": [
        ("record_id", "text"),
        ("name", "personal-name"),
        ("email_addresses", "email-address"),
        ("company", "record-reference"),
        ("job_title", "text"),
        ("associated_deals", "record-reference"),
        ("created_at", "timestamp"),
        ("created_by", "actor-reference"),
    ],
    "deals": [
        ("record_id", "text"),
        ("name", "text"),
        ("stage", "status"),
        ("value", "currency"),
        ("owner", "actor-reference"),
        ("associated_company", "record-reference"),
        ("associated_people", "record-reference"),
        ("created_at", "timestamp"),
        ("created_by", "actor-reference"),
    ],
}
OPERATORS = {"$eq", "$gt", "$gte", "$lt", "$lte", "$in", "$contains", "$starts_with", "$ends_with", "$not_empty"}


class QueryError(ValueError):
    pass


def reverse_index(data) -> dict:
    """{(target record id, reverse attribute): [reference values]} for companies' `team`/`associated_deals`
    and people's `associated_deals`, from the active forward references."""
    index: dict = {}
    links = [
        ("people", "company", "team"),
        ("deals", "associated_company", "associated_deals"),
        ("deals", "associated_people", "associated_deals"),
    ]
    for source, attribute, reverse in links:
        for other in data.records[source].values():
            for item in other["values"].get(attribute, []):
                if item["active_until"] is None:
                    back = value(
                        "record-reference",
                        parse_iso(item["active_from"]),
                        item["created_by_actor"],
                        target_object=source,
                        target_record_id=other["id"]["record_id"],
                    )
                    index.setdefault((item["target_record_id"], reverse), []).append(back)
    return index


REVERSE = {"companies": ("team", "associated_deals"), "people": ("associated_deals",), "deals": ()}


def render(data, slug: str, record: dict, index: dict, historic: bool = False) -> dict:
    """The record as the API returns it: active values only unless `historic`, plus reverse references."""
    out = copy.copy(record)
    values = dict(record["values"])
    record_id = record["id"]["record_id"]
    for attribute in REVERSE[slug]:
        values[attribute] = index.get((record_id, attribute), [])
    out["values"] = {key: [v for v in items if historic or v["active_until"] is None] for key, items in values.items()}
    return out


def attributes(data, slug: str) -> list:
    obj = data.objects[slug]
    return [
        {
            "id": {**obj["id"], "attribute_id": f"{obj['id']['object_id'][:24]}{index:012d}"},
            "title": name.replace("_", " ").capitalize(),
            "description": None,
            "api_slug": name,
            "type": kind,
            "is_system_attribute": name in ("record_id", "created_at", "created_by"),
            "is_writable": name not in ("record_id", "created_at", "created_by"),
            "is_required": False,
            "is_unique": name in ("record_id", "domains", "email_addresses"),
            "is_multiselect": name in ("domains", "email_addresses", "team", "associated_deals", "associated_people"),
            "is_default_value_enabled": False,
            "is_archived": False,
            "default_value": None,
            "relationship": None,
            "created_at": obj["created_at"],
            "config": {},
        }
        for index, (name, kind) in enumerate(ATTRIBUTES[slug])
    ]


# ---------------------------------------------------------------- query


def select(data, slug: str, condition, sorts) -> list:
    rows = list(data.records[slug].values())
    if condition:
        if not isinstance(condition, dict):
            raise QueryError("filter must be an object")
        rows = [r for r in rows if _matches(data, slug, r, condition)]
    for sort in reversed(sorts or []):  # stable sorts applied last-first give the combined order
        attribute, descending = _sort_spec(sort)
        present = [r for r in rows if _main(r, attribute) is not None]
        missing = [r for r in rows if _main(r, attribute) is None]
        present.sort(key=lambda r: _sortable(_main(r, attribute)), reverse=descending)
        rows = present + missing
    return rows


def _sort_spec(sort) -> tuple[str, bool]:
    if not isinstance(sort, dict) or sort.get("direction") not in ("asc", "desc"):
        raise QueryError("each sort needs direction asc|desc and an attribute")
    attribute = sort.get("attribute") or (sort.get("path") or [[None, None]])[-1][1]
    if not attribute:
        raise QueryError("each sort needs direction asc|desc and an attribute")
    return attribute, sort["direction"] == "desc"


def _sortable(item):
    return item["title"] if isinstance(item, dict) else item


def _main(record: dict, attribute: str):
    if attribute == "created_at":
        return record["created_at"]
    active = [v for v in record["values"].get(attribute, []) if v["active_until"] is None]
    if not active:
        return None
    return active[0].get(MAIN_FIELD.get(active[0]["attribute_type"], "value"))


def _matches(data, slug: str, record: dict, condition: dict) -> bool:
    for key, wanted in condition.items():
        if key == "$and":
            ok = all(_matches(data, slug, record, sub) for sub in wanted)
        elif key == "$or":
            ok = any(_matches(data, slug, record, sub) for sub in wanted)
        elif key == "$not":
            ok = not _matches(data, slug, record, wanted)
        else:
            ok = _attribute_matches(slug, record, key, wanted)
        if not ok:
            return False
    return True


def _attribute_matches(slug: str, record: dict, attribute: str, wanted) -> bool:
    if attribute not in dict(ATTRIBUTES[slug]):
        raise QueryError(f'Unknown attribute slug: "{attribute}".')
    if attribute == "created_at":
        actual = [parse_iso(record["created_at"])]
    else:
        actual = [_comparable(v) for v in record["values"].get(attribute, []) if v["active_until"] is None]
    if not isinstance(wanted, dict):
        return _normal(attribute, wanted) in actual
    for op, operand in wanted.items():
        if op not in OPERATORS:
            raise QueryError(f'Unknown operator "{op}".')
        if not any(_compare(op, a, _normal(attribute, operand)) for a in actual) and op != "$not_empty":
            return False
        if op == "$not_empty" and bool(actual) != bool(operand):
            return False
    return True


def _comparable(item: dict):
    main = item.get(MAIN_FIELD.get(item["attribute_type"], "value"))
    if item["attribute_type"] == "status":
        return main["title"]
    if item["attribute_type"] == "timestamp":
        return parse_iso(main)
    return main


def _normal(attribute: str, operand):
    if attribute == "created_at" and isinstance(operand, str):
        try:
            return parse_iso(operand)
        except ValueError:
            raise QueryError(f'Invalid timestamp "{operand}".') from None
    if isinstance(operand, list):
        return [_normal(attribute, o) for o in operand]
    return operand


def _compare(op: str, actual, operand) -> bool:
    if actual is None:
        return False
    if op == "$eq":
        return actual == operand
    if op == "$in":
        return actual in operand
    if op == "$contains":
        return str(operand).lower() in str(actual).lower()
    if op == "$starts_with":
        return str(actual).lower().startswith(str(operand).lower())
    if op == "$ends_with":
        return str(actual).lower().endswith(str(operand).lower())
    try:
        return {"$gt": actual > operand, "$gte": actual >= operand, "$lt": actual < operand, "$lte": actual <= operand}[
            op
        ]
    except TypeError:
        raise QueryError(f"Cannot compare with {operand!r}.") from None
