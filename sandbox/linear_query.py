"""Linear list semantics: connections, cursors, filters and `DateTimeOrDuration` values.

A connection is ordered by `orderBy` (createdAt by default, ascending) then id; cursors are opaque
keyset positions, so a walk stays correct when rows change or vanish between pages. `first`
defaults to 50 and may not exceed 250. Archived rows appear only with `includeArchived: true`.
"""

import base64
import re
import time

from graphql import GraphQLError

from sandbox.dataset import iso_ms, parse_iso

DEFAULT_PAGE = 50
MAX_PAGE = 250
DATE_FIELDS = {"createdAt", "updatedAt", "archivedAt", "completedAt", "startsAt", "endsAt", "canceledAt", "startedAt"}
DURATION = re.compile(
    r"^(?P<sign>[+-])?P(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
SECONDS = {"Y": 365 * 86400, "M": 30 * 86400, "W": 7 * 86400, "D": 86400, "h": 3600, "m": 60, "s": 1}


def invalid_input(message: str) -> GraphQLError:
    return GraphQLError(
        "Argument Validation Error",
        extensions={
            "code": "INVALID_INPUT",
            "type": "invalid input",
            "userError": True,
            "userPresentableMessage": message,
        },
    )


def date_value(value) -> str:
    """A `DateTimeOrDuration` as a canonical timestamp string (durations count from now)."""
    text = str(value).strip()
    match = DURATION.match(text)
    if match and text not in ("P", "-P", "+P"):
        seconds = sum(float(match.group(k) or 0) * SECONDS[k] for k in SECONDS)
        return iso_ms(time.time() + (-seconds if match.group("sign") == "-" else seconds))
    if re.fullmatch(r"\d{4}", text):
        text += "-01-01"
    elif re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    try:
        return iso_ms(parse_iso(text))
    except ValueError:
        raise invalid_input(f"Invalid date: {value}") from None


# ---------------------------------------------------------------- filters


def matches(node: dict, condition: dict | None, relate) -> bool:
    """Does `node` satisfy a Linear filter? `relate(node, key)` returns (related node, its filter kind)."""
    for key, wanted in (condition or {}).items():
        if wanted is None:
            continue
        if key == "and":
            if not all(matches(node, sub, relate) for sub in wanted):
                return False
        elif key == "or":
            if wanted and not any(matches(node, sub, relate) for sub in wanted):
                return False
        else:
            related = relate(node, key)
            if related is not None:
                target, relate_next = related
                if target is None or not matches(target, wanted, relate_next):
                    return False
            elif not compare(node.get(key), wanted):
                return False
    return True


def normalize(condition: dict | None) -> dict | None:
    """The filter with every date comparator value turned into a canonical timestamp (parsed once)."""
    if not condition:
        return condition
    out = {}
    for key, wanted in condition.items():
        if key in ("and", "or") and wanted:
            out[key] = [normalize(sub) for sub in wanted]
        elif key in DATE_FIELDS and isinstance(wanted, dict):
            out[key] = {op: _date_operand(op, value) for op, value in wanted.items()}
        elif isinstance(wanted, dict) and any(isinstance(v, dict) for v in wanted.values()):
            out[key] = normalize(wanted)  # a relation's filter
        else:
            out[key] = wanted
    return out


def _date_operand(op: str, value):
    if value is None or op == "null":
        return value
    return [date_value(v) for v in value] if isinstance(value, list) else date_value(value)


def compare(actual, comparator: dict) -> bool:
    """One comparator object (`{eq, neq, in, nin, gt, gte, lt, lte, null, contains…}`) against a value."""
    for op, wanted in comparator.items():
        if wanted is None:
            continue  # `gte: null` means "no bound", as a sync's first run sends
        if op == "null":
            if (actual is None) != bool(wanted):
                return False
            continue
        if not _op(op, actual, wanted):
            return False
    return True


def _op(op: str, actual, wanted) -> bool:
    if op == "eq":
        return actual == wanted
    if op == "neq":
        return actual != wanted
    if op == "in":
        return actual in wanted
    if op == "nin":
        return actual not in wanted
    if actual is None:
        return False
    if op in ("gt", "gte", "lt", "lte"):
        return {"gt": actual > wanted, "gte": actual >= wanted, "lt": actual < wanted, "lte": actual <= wanted}[op]
    text, needle = str(actual), str(wanted)
    lower = op.lower()
    if "ignorecase" in lower:
        text, needle = text.lower(), needle.lower()
    if lower.startswith("contains"):
        return needle in text
    if lower.startswith("notcontains"):
        return needle not in text
    if lower.startswith("startswith"):
        return text.startswith(needle)
    if lower.startswith("notstartswith"):
        return not text.startswith(needle)
    if lower.startswith("endswith"):
        return text.endswith(needle)
    if lower.startswith("notendswith"):
        return not text.endswith(needle)
    if lower.startswith("eq"):
        return text == needle
    if lower.startswith("neq"):
        return text != needle
    raise invalid_input(f"Unsupported comparator: {op}")


# ---------------------------------------------------------------- connections


def encode_cursor(key: str, node_id: str) -> str:
    return base64.urlsafe_b64encode(f"{key}|{node_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key, node_id = base64.urlsafe_b64decode(padded.encode()).decode().split("|", 1)
    except (ValueError, UnicodeDecodeError):
        raise invalid_input("Invalid cursor") from None
    return key, node_id


def connection(nodes, args: dict, relate) -> dict:
    """`{nodes, edges, pageInfo}` of `nodes` under the standard list arguments."""
    first, last = args.get("first"), args.get("last")
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= MAX_PAGE:
            raise invalid_input(f"{name} must be between 0 and {MAX_PAGE}")
    order = args.get("orderBy") or "createdAt"
    rows = [n for n in nodes if args.get("includeArchived") or not n.get("archivedAt")]
    condition = normalize(args.get("filter"))
    rows = [n for n in rows if matches(n, condition, relate)]
    rows.sort(key=lambda n: (n.get(order) or "", n["id"]))
    keys = [(n.get(order) or "", n["id"]) for n in rows]
    start, end = 0, len(rows)
    if args.get("after"):
        position = decode_cursor(args["after"])
        start = next((i for i, k in enumerate(keys) if k > position), len(rows))
    if args.get("before"):
        position = decode_cursor(args["before"])
        end = next((i for i, k in enumerate(keys) if k >= position), len(rows))
        end = max(end, start)
    if first is None and last is None:
        first = DEFAULT_PAGE
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    chosen = rows[start:end]
    cursors = [encode_cursor(*keys[i]) for i in range(start, end)]
    return {
        "nodes": chosen,
        "edges": [{"node": node, "cursor": cursor} for node, cursor in zip(chosen, cursors, strict=True)],
        "pageInfo": {
            "hasNextPage": end < len(rows),
            "hasPreviousPage": start > 0,
            "startCursor": cursors[0] if cursors else None,
            "endCursor": cursors[-1] if cursors else None,
        },
    }
