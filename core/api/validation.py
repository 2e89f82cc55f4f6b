"""Small validators for query strings and path parameters, raising 400 with the field name."""

import datetime as dt
import uuid

from django.utils.dateparse import parse_datetime

from core.api.errors import invalid_input


def parse_uuid(value: str, *, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise invalid_input({field: "Must be a valid UUID."}) from None


def parse_int(value, *, field: str, minimum: int, maximum: int, default: int | None = None) -> int:
    if value in (None, ""):
        if default is None:
            raise invalid_input({field: "This field is required."})
        return default
    if isinstance(value, bool):
        raise invalid_input({field: f"Must be an integer from {minimum} to {maximum}."})
    try:
        number = int(value)
    except (ValueError, TypeError):
        raise invalid_input({field: f"Must be an integer from {minimum} to {maximum}."}) from None
    if str(number) != str(value).strip() and not isinstance(value, int):
        raise invalid_input({field: f"Must be an integer from {minimum} to {maximum}."})
    if not minimum <= number <= maximum:
        raise invalid_input({field: f"Must be an integer from {minimum} to {maximum}."})
    return number


def parse_json_int(value, *, field: str, minimum: int, maximum: int, default: int) -> int:
    """An integer from a JSON body: absent (None) is the default; a string, a boolean or a fraction is a 400
    (`parse_int` is for query strings, where every value is text)."""
    integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if value is None:
        return default
    if isinstance(value, bool) or not integral or not minimum <= value <= maximum:
        raise invalid_input({field: f"Must be an integer from {minimum} to {maximum}."})
    return int(value)


def parse_choice(value, *, field: str, choices, default=None):
    if value in (None, ""):
        return default
    if value not in choices:
        raise invalid_input({field: f"Must be one of: {', '.join(sorted(choices))}."})
    return value


def parse_iso_datetime(value, *, field: str) -> dt.datetime | None:
    """An aware date-time in UTC; one that does not exist (`2026-02-30T00:00`) or leaves the representable range
    in UTC (`9999-12-31T23:00-05:00`) is a 400 naming the field, like one that does not parse."""
    if value in (None, ""):
        return None
    try:
        parsed = parse_datetime(str(value)) if isinstance(value, str) else None
        if parsed is not None:
            parsed = (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise invalid_input({field: "Must be an ISO 8601 date-time that exists."})
    return parsed


def shift_datetime(value: dt.datetime, delta: dt.timedelta, *, field: str) -> dt.datetime:
    """`value + delta`, or a 400 naming the field when that leaves the calendar (`9999-12-31` + a day)."""
    try:
        return value + delta
    except OverflowError:
        raise invalid_input({field: "Out of range: use a date before 9999-12-31."}) from None


def parse_text(value, *, field: str, max_length: int) -> str | None:
    """A free-text query value: at most `max_length` characters and no NUL (PostgreSQL cannot compare one)."""
    if value in (None, ""):
        return None
    if len(value) > max_length or "\x00" in value:
        raise invalid_input({field: f"Text of at most {max_length} characters, without NUL."})
    return value
