"""The connector base class and registry. See docs/adding-a-connector.md for the checklist.

A connector turns source API pages into raw rows. It does one unit at a time and says whether there
is more (`fetch_page` → `Page`), so the sync engine can commit each page with its cursor, and tests
can drive one page at a time.
"""

import datetime as dt
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings

from core.http import HttpClient

REGISTRY: dict[str, type["Connector"]] = {}

# What a record id of a source looks like (shared/api-specs/CONTRACTS.md): Chatwoot numbers its records,
# Linear and Attio name them by UUID.
POSITIVE_INTEGER = re.compile(r"[1-9][0-9]{0,18}")
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@dataclass
class Page:
    """One fetched page: rows to upsert, the cursor to store with them, and how to continue."""

    rows: list[dict]
    more: bool
    cursor: dict | None = None  # stream cursor after this page commits; None keeps the stored one
    state: Any = None  # continuation for the next fetch of the same walk
    skipped: list[str] = field(default_factory=list)  # items that vanished mid-sync (logged, not errors)


@dataclass
class StreamSpec:
    """A stream: `pages` streams walk a list; `items` streams walk pages per item (e.g. per conversation).

    An item that vanished (404) is a row of `parent`, the stream its items are (e.g. messages → conversations).
    """

    name: str
    kind: str = "pages"
    parent: str = ""


@dataclass(frozen=True)
class Child:
    """Rows of `stream` that belong to a parent row through `column` (and the `where` pairs): the source deletes
    them with their parent, so they share its tombstone (and its revival)."""

    stream: str
    column: str
    where: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Identity:
    """What a token opens, in the source's own words: the account or workspace id and its name."""

    account_id: str
    account_name: str


class WrongAccount(Exception):
    """The source took the token, but it does not open the configured account or workspace."""


class Connector:
    """Base class: subclasses set `source`, `streams` and implement the fetch methods."""

    source: ClassVar[str] = ""
    streams: ClassVar[tuple[StreamSpec, ...]] = ()
    # The shape of this source's record ids: ids a person or a stored unit names are checked against it.
    id_pattern: ClassVar[re.Pattern] = UUID

    @classmethod
    def valid_id(cls, value) -> bool:
        if isinstance(value, bool) or not isinstance(value, str | int):
            return False
        return cls.id_pattern.fullmatch(str(value)) is not None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.source:
            REGISTRY[cls.source] = cls

    def __init__(self, *, config, sleep=time.sleep) -> None:
        self.config = config
        self.project = config.project
        self.http = self.make_http(config, sleep=sleep)

    # ------------------------------------------------------------ to implement

    def auth_headers(self, secret: str) -> dict:
        raise NotImplementedError

    def identify(self) -> Identity:
        """The source's cheapest authenticated call: which account the token opens. Raises `core.http` errors,
        `WrongAccount`, or KeyError/TypeError when the answer is not this product's."""
        raise NotImplementedError

    def fetch_page(self, *, stream: str, cursor: dict, state: Any, full: bool) -> Page:
        """Fetch the next page of a `pages` stream."""
        raise NotImplementedError

    def items(self, *, stream: str, full: bool, only: list[str] | None = None) -> Iterator[Any]:
        """The items an `items` stream walks (read from the raw tables); `only` narrows to those ids."""
        raise NotImplementedError

    def fetch_item_page(self, *, stream: str, item: Any, state: Any, full: bool) -> Page:
        raise NotImplementedError

    def item_page_committed(self, *, stream: str, item: Any, page: Page) -> None:
        """Inside the page's transaction: record the item's progress (e.g. its message cursor)."""

    def items_committed(self, *, stream: str, fetched: list[tuple[Any, Page]]) -> None:
        """Inside a batch's transaction: record each fetched item's progress (override to do it in bulk)."""
        for item, page in fetched:
            self.item_page_committed(stream=stream, item=item, page=page)

    def fetch_item_all(self, *, stream: str, item: Any, full: bool) -> Page:
        """Every page of one item, merged (runs on a worker thread: HTTP only, no database)."""
        rows, skipped, state = [], [], None
        while True:
            page = self.fetch_item_page(stream=stream, item=item, state=state, full=full)
            rows.extend(page.rows)
            skipped.extend(page.skipped)
            state = page.state
            if not page.more:
                return Page(rows=rows, more=False, state=state, skipped=skipped)

    def item_key(self, *, stream: str, item: Any) -> str:
        return str(item)

    def list_ids(self, *, stream: str) -> Iterator[str]:
        """Every id the source currently has for `stream` (the reconciliation walk)."""
        raise NotImplementedError

    def fetch_by_ids(self, *, stream: str, ids: list[str]) -> Page:
        """Re-read exactly these records; ids the source no longer has come back in `skipped`."""
        raise NotImplementedError

    # Streams the reconciliation walks (streams fetched per parent, like messages, are left out).
    reconciled_streams: ClassVar[tuple[str, ...]] = ()
    # Streams whose id walk also reads each record's version (see `stale_by_version`).
    versioned_streams: ClassVar[tuple[str, ...]] = ()
    # Per stream, the rows the source deletes with a row of it.
    children: ClassVar[dict[str, tuple[Child, ...]]] = {}

    def webhook_subscribe(self, *, url: str, secret: str) -> tuple[str, str]:
        """Register a webhook to `url` at the source; returns (its id there, the signing secret: ours, the one
        the source made, or "" when it signs nothing)."""
        raise NotImplementedError

    def webhook_unsubscribe(self, *, remote_id: str) -> None:
        raise NotImplementedError

    def resolve_streams(self, ids_by_stream: dict[str, list[str]]) -> dict[str, list[str]]:
        """A webhook's {stream: ids} in this connector's stream names (a source may name streams otherwise, e.g.
        Attio by object id); streams it does not keep are dropped."""
        known = {spec.name for spec in self.streams}
        return {stream: ids for stream, ids in ids_by_stream.items() if stream in known}

    def stale_by_version(self, *, stream: str, stored: dict[str, object]) -> list[str]:
        """Of the last `list_ids` walk of `stream`, the ids whose source version is newer than `stored` ({id:
        source_updated_at}): changed in ways no incremental cursor sees (e.g. a deleted Chatwoot message)."""
        return []

    # ------------------------------------------------------------ shared

    def make_http(self, config, *, sleep) -> HttpClient:
        timeout = settings.CONNECTOR_HTTP_TIMEOUT_SECONDS
        return HttpClient(
            name=self.source,
            base_url=config.base_url,
            headers=self.auth_headers(config.secret),
            rate_per_second=config.rate_limit_per_second,
            timeout=(min(5.0, timeout), timeout),
            sleep=sleep,
            classify_body=self.classify_body,
        )

    classify_body = None

    def stream_spec(self, name: str) -> StreamSpec:
        for spec in self.streams:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def close(self) -> None:
        self.http.close()


def connector_for(config, **kwargs) -> Connector:
    """The connector instance for a config."""
    return REGISTRY[config.source](config=config, **kwargs)


# ---------------------------------------------------------------- small converters used by sources


def from_epoch(value) -> dt.datetime | None:
    """Chatwoot timestamps: epoch seconds (number or numeric string)."""
    if value in (None, ""):
        return None
    try:
        return dt.datetime.fromtimestamp(float(value), tz=dt.UTC)
    except (TypeError, ValueError):
        return from_iso(value)


def from_iso(value) -> dt.datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def text(value, limit: int | None = None) -> str:
    value = "" if value is None else str(value)
    return value[:limit] if limit else value
