"""Bulk upsert of raw rows: COPY straight into the table when every row is new, else stage and merge.

Per call (one page or batch, inside the caller's transaction):

1. Optimistic path: one binary `COPY` of the batch into the raw table itself, inside a savepoint; no staging
   table, no `ON CONFLICT`, no `RETURNING` (every copied row is an insert). Canonical JSON and payload hash
   are computed inside the COPY loop, so Python serialises while the server parses and inserts. This is an
   initial load, and the usual page of brand-new rows.
2. If any row exists already, the unique key `(project_id, external_id)` stops that COPY: the savepoint
   rolls it back (nothing of it stays) and the batch goes through the staging table and
   one `INSERT … ON CONFLICT … DO UPDATE … WHERE hash changed RETURNING`. Unchanged rows are not rewritten,
   so a no-change re-sync writes nothing. While a project's batches keep finding stored rows (a re-sync),
   later batches skip the COPY attempt and merge directly.

A row whose payload says the source deleted it (`deleted_reason` set by its row builder: a Chatwoot message
flagged deleted, a Linear issue in the trash) is stored as a tombstone (`deleted_at` set) by the same write; a
tombstoned row the source shows alive again is revived (`deleted_at` cleared). The result names both, so the
caller can take them out of (or back into) every layer in the page's transaction. A row whose source update
time is older than the stored one is not written: a slow reader never brings an older version back.

Whether rows exist is decided by the unique index itself, not by a look-up query whose plan depends on
table statistics (which lag behind a project's initial load), so both paths stay exact and planner-proof.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson
import psycopg
from django.db import connection, transaction
from psycopg.adapt import Dumper
from psycopg.pq import Format

from connectors.models import RawRecord

COMMON_COLUMNS = ("external_id", "raw", "payload_hash", "source_created_at", "source_updated_at", "deleted_reason")
# Set by the upsert itself on rows it COPYs straight into the raw table (the merge sets them in SQL).
INSERT_COLUMNS = ("project_id", "account_scope_id", "first_synced_at", "last_changed_at", "deleted_at")
INSERT_TYPES = ["uuid", "uuid", "timestamptz", "timestamptz", "timestamptz"]


@dataclass
class UpsertResult:
    """What one upsert did: the external ids of live rows written, of rows written as tombstones, and of the
    tombstones it revived (with the `deleted_at` they had, which their cascaded children share)."""

    fetched: int = 0
    inserted_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)
    tombstoned_ids: list[str] = field(default_factory=list)
    revived: dict[str, object] = field(default_factory=dict)

    @property
    def unchanged(self) -> int:
        return self.fetched - len(self.inserted_ids) - len(self.updated_ids) - len(self.tombstoned_ids)

    @property
    def changed_ids(self) -> list[str]:
        return self.inserted_ids + self.updated_ids


_JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def canonical_json(raw) -> bytes:
    """Payload JSON with sorted keys: the same data always gives the same bytes."""
    return orjson.dumps(raw, option=_JSON_OPTIONS, default=str)


def payload_hash(raw: dict) -> str:
    """A stable hash of a payload (key order does not matter)."""
    return hashlib.md5(canonical_json(raw), usedforsecurity=False).hexdigest()


def _dedupe(rows: list[dict]) -> dict[str, dict]:
    """One row per external id (the last one wins, as the source's latest state)."""
    return {str(row["external_id"]): row for row in rows}


def raw_upsert(*, model: type[RawRecord], project, rows: list[dict]) -> UpsertResult:
    """Upsert `rows` (dicts with the common and the model's typed columns) into the project's raw table.

    Must run inside the caller's transaction (the page's), so the rows and the cursor commit together.
    """
    by_id = _dedupe(rows)
    result = UpsertResult(fetched=len(by_id))
    if not by_id:
        return result
    layout = _layout(model)
    with connection.cursor() as cursor:
        # Only COPY after `set_types()` looks dumpers up by oid: this serves the jsonb columns and nothing else.
        cursor.cursor.adapters.register_dumper(None, _CanonicalJsonbDumper)
        hint = (layout.table, project.pk)
        if not _had_rows.get(hint) and _copy_new(cursor, layout, project, by_id):
            for external_id, row in by_id.items():
                (result.tombstoned_ids if row.get("deleted_reason") else result.inserted_ids).append(external_id)
            return result
        # Some rows exist already: merge the batch.
        _merge(cursor, layout, project, (_values(i, row, layout) for i, row in by_id.items()), result)
    if len(_had_rows) >= _HINTS_KEPT:
        _had_rows.clear()
    _had_rows[hint] = len(result.inserted_ids) < result.fetched
    return result


# (table, project id) -> whether the last merge found rows the project already had: then the next batch goes
# straight to the merge instead of trying (and failing) the COPY first; once a merge inserts every row of its
# batch, the next batch tries the COPY again. A hint only (per process): both paths are exact either way.
_had_rows: dict[tuple[str, object], bool] = {}
_HINTS_KEPT = 10_000


class _Layout:
    """Table, columns and their PostgreSQL types of one raw model, computed once."""

    def __init__(self, model: type[RawRecord]) -> None:
        self.table = model._meta.db_table
        self.stage = f"_stage_{self.table}"
        self.columns = COMMON_COLUMNS + tuple(model.typed_columns)
        self.reason_at = self.columns.index("deleted_reason")
        fields = [model._meta.get_field(column) for column in self.columns]
        self.pg_types = [_PG_TYPES[field.get_internal_type()] for field in fields]
        # (column, default) of the columns read from the row dict as they are.
        self.plain = tuple(
            (column, None if field.null else "") for column, field in zip(self.columns[3:], fields[3:], strict=True)
        )


_PG_TYPES = {
    "CharField": "text", "TextField": "text", "URLField": "text", "JSONField": "jsonb", "DateTimeField": "timestamptz",
    "BooleanField": "bool", "SmallIntegerField": "int2", "IntegerField": "int4", "BigIntegerField": "int8",
    "DecimalField": "numeric",
}  # fmt: skip
_layouts: dict = {}


def _layout(model: type[RawRecord]) -> _Layout:
    if model not in _layouts:
        _layouts[model] = _Layout(model)
    return _layouts[model]


class _CanonicalJsonbDumper(Dumper):
    """Binary jsonb from the bytes `_values` already built (version byte + canonical JSON): no re-encoding."""

    format = Format.BINARY
    oid = 3802  # jsonb

    def dump(self, obj: bytes) -> bytes:
        return obj


_JSONB_VERSION = b"\x01"


def _values(external_id: str, row: dict, layout: _Layout) -> list:
    """COPY values of one row; the one serialisation serves the jsonb column and the hash."""
    raw = canonical_json(row["raw"])
    values = [external_id, _JSONB_VERSION + raw, hashlib.md5(raw, usedforsecurity=False).hexdigest()]
    values.extend([row.get(column, default) for column, default in layout.plain])
    return values


def _copy_new(cursor, layout: _Layout, project, by_id: dict[str, dict]) -> bool:
    """COPY the rows straight into the raw table, as if none existed; False (nothing written) on a conflict.

    Each row's values are dropped once written (not kept for a possible merge): the surviving lists would only
    feed the garbage collector, and the merge after a conflict is rare (see `_had_rows`).
    """
    cursor.execute("SELECT now()")  # the transaction's timestamp, as `now()` in the merge
    (now,) = cursor.fetchone()
    extra = (project.pk, project.account_scope_id, now, now)
    sql = f'COPY "{layout.table}" ({", ".join(layout.columns + INSERT_COLUMNS)}) FROM STDIN (FORMAT BINARY)'
    try:
        # A savepoint: a unique conflict rolls back this COPY only.
        with transaction.atomic(), cursor.cursor.copy(sql) as copy:
            copy.set_types(layout.pg_types + INSERT_TYPES)
            for external_id, row in by_id.items():
                values = _values(external_id, row, layout)
                values.extend(extra)
                values.append(now if values[layout.reason_at] else None)  # deleted_at of a row born a tombstone
                copy.write_row(values)
    except psycopg.IntegrityError:
        # Usually a stored row (unique key). Any other integrity error (the scope guard) happens again in the
        # merge, which raises it through Django's cursor like before (wrapped, and counted by `audit`).
        return False
    return True


def _merge(cursor, layout: _Layout, project, prepared: Iterable[list], result: UpsertResult) -> None:
    """Stage `prepared` rows and merge them; only rows whose hash or tombstone reason changed are written."""
    column_list = ", ".join(layout.columns)
    cursor.execute(
        f'CREATE TEMP TABLE IF NOT EXISTS "{layout.stage}" AS SELECT {column_list} FROM "{layout.table}" WITH NO DATA'
    )
    with cursor.cursor.copy(f'COPY "{layout.stage}" ({column_list}) FROM STDIN (FORMAT BINARY)') as copy:
        copy.set_types(layout.pg_types)
        for values in prepared:
            copy.write_row(values)
    cursor.execute(
        f'SELECT s.external_id, t.deleted_at FROM "{layout.stage}" s JOIN "{layout.table}" t '
        "ON t.project_id = %s AND t.external_id = s.external_id WHERE t.deleted_reason <> '' AND s.deleted_reason = ''",
        [project.pk],
    )
    tombstones = dict(cursor.fetchall())
    cursor.execute(_merge_sql(layout.table, layout.stage, layout.columns), [project.pk, project.account_scope_id])
    for inserted, external_id, reason in cursor.fetchall():
        if reason:
            result.tombstoned_ids.append(external_id)
            continue
        (result.inserted_ids if inserted else result.updated_ids).append(external_id)
        if external_id in tombstones:
            result.revived[external_id] = tombstones[external_id]
    cursor.execute(f'TRUNCATE "{layout.stage}"')


def _merge_sql(table: str, stage: str, columns: tuple[str, ...]) -> str:
    insert_columns = ", ".join(columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != "external_id")
    born_deleted = "CASE WHEN deleted_reason = '' THEN NULL ELSE now() END"
    return (
        f'INSERT INTO "{table}" ({insert_columns}, project_id, account_scope_id, first_synced_at, last_changed_at, '
        f'deleted_at) SELECT {insert_columns}, %s, %s, now(), now(), {born_deleted} FROM "{stage}" '
        f"ON CONFLICT (project_id, external_id) DO UPDATE SET {updates}, last_changed_at = now(), "
        f"deleted_at = CASE WHEN EXCLUDED.deleted_reason = '' THEN NULL "
        f'ELSE coalesce("{table}".deleted_at, now()) END '
        f'WHERE ("{table}".payload_hash IS DISTINCT FROM EXCLUDED.payload_hash '
        f'OR "{table}".deleted_reason IS DISTINCT FROM EXCLUDED.deleted_reason) '
        # Never back in time: a page read before a webhook's re-read, committed after it, keeps the newer row.
        f'AND (EXCLUDED.source_updated_at IS NULL OR "{table}".source_updated_at IS NULL '
        f'OR EXCLUDED.source_updated_at >= "{table}".source_updated_at) '
        "RETURNING (xmax = 0), external_id, deleted_reason"
    )
