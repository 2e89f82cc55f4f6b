"""Validation of LightRAG request bodies (400 `invalid_input` naming the field)."""

import datetime as dt

from core.api.errors import invalid_input
from core.api.validation import parse_iso_datetime, parse_json_int, shift_datetime
from rag.constants import DEFAULT_MODE, QUERY_MODES
from rag.services.query import QueryParams

MAX_QUERY_CHARS = 4000
SOURCE_FILTERS = ("messages", "issues", "deals", "chunks")


def _pick(data: dict, *names: str):
    """The first of several accepted spellings (`topK` / `top_k`) that is present."""
    return next((data[name] for name in names if name in data), None)


def _query(value) -> str:
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        raise invalid_input({"query": f"Required: a question of 1 to {MAX_QUERY_CHARS} characters (no NUL)."})
    value = value.strip()
    if len(value) > MAX_QUERY_CHARS:
        raise invalid_input({"query": f"At most {MAX_QUERY_CHARS} characters (got {len(value)})."})
    return value


def _source_filter(value) -> tuple[str, ...]:
    if value is None:
        return ()
    values = value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise invalid_input({"sourceFilter": f"A list of: {', '.join(SOURCE_FILTERS)}."})
    unknown = sorted(set(values) - set(SOURCE_FILTERS))
    if unknown:
        raise invalid_input({"sourceFilter": f"Unknown: {', '.join(unknown)}. Use: {', '.join(SOURCE_FILTERS)}."})
    return tuple(dict.fromkeys(values))


def _mode(value) -> str:
    if value is None:
        return DEFAULT_MODE
    if not isinstance(value, str) or value not in QUERY_MODES:
        raise invalid_input({"mode": f"One of: {', '.join(QUERY_MODES)} (default {DEFAULT_MODE})."})
    return value


def _date(value, *, field: str, end_of_day: bool) -> dt.datetime | None:
    """An ISO date-time, or a date (`2026-10-01`: from its start, or through its end for `date_to`); absent is
    None, anything else that is not one (an empty string, a number) a 400."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise invalid_input({field: "Must be an ISO 8601 date (that exists) or date-time."})
    if len(value.strip()) == 10:
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise invalid_input({field: "Must be an ISO 8601 date (that exists) or date-time."}) from None
        start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        return shift_datetime(start, dt.timedelta(days=1), field=field) if end_of_day else start
    return parse_iso_datetime(value, field=field)


def query_params_from(data) -> QueryParams:
    """QueryParams from a request body, or 400 naming the first bad field."""
    if not isinstance(data, dict):
        raise invalid_input({"body": "Send a JSON object."})
    date_from = _date(_pick(data, "date_from", "dateFrom"), field="date_from", end_of_day=False)
    date_to = _date(_pick(data, "date_to", "dateTo"), field="date_to", end_of_day=True)
    if date_from and date_to and date_from >= date_to:
        raise invalid_input({"date_to": "Must be later than date_from."})
    return QueryParams(
        query=_query(data.get("query")),
        mode=_mode(data.get("mode")),
        top_k=parse_json_int(_pick(data, "topK", "top_k"), field="topK", minimum=1, maximum=50, default=10),
        source_limit=parse_json_int(
            _pick(data, "sourceLimit", "source_limit"), field="sourceLimit", minimum=1, maximum=25, default=8
        ),
        source_filter=_source_filter(_pick(data, "sourceFilter", "source_filter")),
        date_from=date_from,
        date_to=date_to,
    )


def feedback_from(data) -> tuple[str, int, str]:
    """(query_run_id, rating, comment) from a request body."""
    from core.api.validation import parse_uuid

    if not isinstance(data, dict):
        raise invalid_input({"body": "Send a JSON object."})
    run_id = parse_uuid(data.get("query_run_id", data.get("queryRunId")), field="query_run_id")
    rating = data.get("rating")
    if isinstance(rating, bool) or rating not in (-1, 0, 1):
        raise invalid_input({"rating": "Must be -1, 0 or 1."})
    comment = data.get("comment")
    comment = "" if comment is None else comment
    if not isinstance(comment, str) or len(comment) > 2000 or "\x00" in comment:
        raise invalid_input({"comment": "Text of at most 2000 characters."})
    return str(run_id), int(rating), comment.strip()
