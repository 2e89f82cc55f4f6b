"""Chatwoot's filter endpoints (`POST …/conversations/filter`, `…/contacts/filter`).

Payload: `[{attribute_key, filter_operator, values, query_operator}]`; conditions combine left to
right with each condition's `query_operator` (AND/OR) joining it to the next. Date attributes
(`created_at`, `last_activity_at`) are compared by UTC day, as the server casts both sides to
`::date`: `is_greater_than`, `is_less_than`, `equal_to`, `not_equal_to`, `days_before`.
"""

import datetime as dt

DATE_KEYS = {"created_at", "last_activity_at"}


class FilterError(ValueError):
    pass


def conversation_value(conversation, key: str):
    values = {
        "status": conversation.status,
        "inbox_id": conversation.inbox_id,
        "assignee_id": conversation.assignee_id,
        "contact_id": conversation.contact_id,
        "labels": conversation.labels,
        "priority": conversation.priority,
        "created_at": conversation.created_at,
        "last_activity_at": conversation.last_activity_at,
        "display_id": conversation.id,
    }
    if key not in values:
        raise FilterError(f"Invalid attribute key - {key}")
    return values[key]


def contact_value(contact, key: str):
    values = {
        "name": contact.name,
        "email": contact.email,
        "phone_number": contact.phone,
        "identifier": contact.identifier,
        "city": contact.city[0] if contact.city else None,
        "country_code": contact.city[2] if contact.city else None,
        "created_at": contact.created_at,
        "last_activity_at": contact.last_activity_at,
    }
    if key not in values:
        raise FilterError(f"Invalid attribute key - {key}")
    return values[key]


def apply(rows: list, conditions, value_of) -> list:
    """Rows matching the condition list (an empty or missing list matches nothing, as the server)."""
    if not isinstance(conditions, list) or not conditions:
        raise FilterError("Invalid filter payload")
    checks = [_check(condition) for condition in conditions]
    result = []
    for row in rows:
        outcome, joiner = None, "AND"
        for condition, check in zip(conditions, checks, strict=True):
            matched = check(value_of(row, condition.get("attribute_key")))
            outcome = matched if outcome is None else (outcome and matched if joiner == "AND" else outcome or matched)
            joiner = str(condition.get("query_operator") or "AND").upper()
        if outcome:
            result.append(row)
    return result


def _check(condition: dict):
    if not isinstance(condition, dict):
        raise FilterError("Invalid filter payload")
    key = condition.get("attribute_key")
    operator = condition.get("filter_operator")
    values = condition.get("values")
    values = values if isinstance(values, list) else [values]
    if key in DATE_KEYS:
        return _date_check(operator, values)
    wanted = {str(v).lower() for v in values}
    if operator == "equal_to":
        return lambda actual: bool(_strings(actual) & wanted)
    if operator == "not_equal_to":
        return lambda actual: not (_strings(actual) & wanted)
    if operator == "contains":
        return lambda actual: any(w in s for s in _strings(actual) for w in wanted)
    if operator == "does_not_contain":
        return lambda actual: not any(w in s for s in _strings(actual) for w in wanted)
    if operator == "is_present":
        return lambda actual: bool(actual)
    if operator == "is_not_present":
        return lambda actual: not actual
    raise FilterError(f"Invalid operator - {operator}")


def _strings(actual) -> set:
    items = actual if isinstance(actual, list) else [actual]
    return {str(item).lower() for item in items if item is not None}


def _date_check(operator: str, values: list):
    if operator == "days_before":
        try:
            days = int(values[0])
        except (IndexError, TypeError, ValueError):
            raise FilterError("Invalid value for days_before") from None
        bound = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days)
        return lambda actual: actual is not None and _day(actual) < bound
    try:
        day = dt.date.fromisoformat(str(values[0])[:10])  # Date.iso8601: the time part is ignored
    except (IndexError, ValueError):
        raise FilterError(f"Invalid date value - {values[:1]}") from None
    compare = {
        "is_greater_than": lambda d: d > day,
        "is_less_than": lambda d: d < day,
        "equal_to": lambda d: d == day,
        "not_equal_to": lambda d: d != day,
    }.get(operator)
    if compare is None:
        raise FilterError(f"Invalid operator - {operator}")
    return lambda actual: actual is not None and compare(_day(actual))


def _day(epoch: int) -> dt.date:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).date()
