"""Bulk upsert of raw rows: COPY into a staging table, then one INSERT … ON CONFLICT … WHERE changed.

Unchanged rows (same payload hash) are not rewritten, so a no-change re-sync writes nothing.
"""

import hashlib
from dataclasses import dataclass, field

import orjson
from django.db import connection
from psycopg.types.json import Jsonb

from connectors.models import RawRecord

COMMON_COLUMNS = ("external_id", "raw", "payload_hash", "source_created_at", "source_updated_at")


@dataclass
class UpsertResult:
    """What one upsert did, with the external ids of rows that changed."""

    fetched: int = 0
    inserted_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.fetched - len(self.inserted_ids) - len(self.updated_ids)

    @property
    def changed_ids(self) -> list[str]:
        return self.inserted_ids + self.updated_ids


def canonical_json(raw) -> bytes:
    """Payload JSON with sorted keys: the same data always gives the same bytes."""
    return orjson.dumps(raw, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)


def payload_hash(raw: dict) -> str:
    """A stable hash of a payload (key order does not matter)."""
    return hashlib.md5(canonical_json(raw), usedforsecurity=False).hexdigest()


def _dedupe(rows: list[dict]) -> list[dict]:
    """One row per external id (the last one wins, as the source's latest state)."""
    by_id = {}
    for row in rows:
        by_id[str(row["external_id"])] = row
    return list(by_id.values())


def raw_upsert(*, model: type[RawRecord], project, rows: list[dict]) -> UpsertResult:
    """Upsert `rows` (dicts with the common and the model's typed columns) into the project's raw table.

    Must run inside the caller's transaction (the page's), so the rows and the cursor commit together.
    """
    return upsert_prepared(model=model, project=project, prepared=prepare_rows(model=model, rows=rows))


def prepare_rows(*, model: type[RawRecord], rows: list[dict]) -> list[list]:
    """De-duplicate rows and turn them into COPY values (canonical JSON, payload hash, typed columns)."""
    columns, _, defaults = _layout(model)
    return [_values(row, columns[3:], defaults) for row in _dedupe(rows)]


def upsert_prepared(*, model: type[RawRecord], project, prepared: list[list]) -> UpsertResult:
    """The database part: binary COPY into a staging table, then one merge that skips unchanged rows."""
    result = UpsertResult(fetched=len(prepared))
    if not prepared:
        return result
    columns, pg_types, _ = _layout(model)
    table = model._meta.db_table
    stage = f"_stage_{table}"
    column_list = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TEMP TABLE IF NOT EXISTS "{stage}" AS SELECT {column_list} FROM "{table}" WITH NO DATA')
        # Binary COPY: no text escaping or parsing of timestamps on either side.
        with cursor.cursor.copy(f'COPY "{stage}" ({column_list}) FROM STDIN (FORMAT BINARY)') as copy:
            copy.set_types(pg_types)
            for values in prepared:
                copy.write_row(values)
        cursor.execute(_merge_sql(table, stage, columns), [project.id, project.account_scope_id])
        for inserted, external_id in cursor.fetchall():
            (result.inserted_ids if inserted else result.updated_ids).append(external_id)
        cursor.execute(f'TRUNCATE "{stage}"')
    return result


_PG_TYPES = {
    "CharField": "text", "TextField": "text", "URLField": "text", "JSONField": "jsonb", "DateTimeField": "timestamptz",
    "BooleanField": "bool", "SmallIntegerField": "int2", "IntegerField": "int4", "BigIntegerField": "int8",
    "DecimalField": "numeric",
}  # fmt: skip
_layouts: dict = {}


def _layout(model) -> tuple[tuple[str, ...], list[str], tuple]:
    """(columns, PostgreSQL types, defaults of the typed columns) of a raw model, computed once."""
    if model not in _layouts:
        columns = COMMON_COLUMNS + tuple(model.typed_columns)
        fields = [model._meta.get_field(column) for column in columns]
        pg_types = [_PG_TYPES[field.get_internal_type()] for field in fields]
        defaults = tuple(None if field.null else "" for field in fields[3:])
        _layouts[model] = (columns, pg_types, defaults)
    return _layouts[model]


def _identity(value):
    return value


def _values(row: dict, typed: tuple[str, ...], defaults: tuple) -> list:
    raw = canonical_json(row["raw"])  # one serialisation serves the column and the hash
    values = [
        str(row["external_id"]),
        Jsonb(raw, dumps=_identity),
        hashlib.md5(raw, usedforsecurity=False).hexdigest(),
    ]
    values.extend(row.get(column, default) for column, default in zip(typed, defaults, strict=True))
    return values


def _merge_sql(table: str, stage: str, columns: tuple[str, ...]) -> str:
    insert_columns = ", ".join(columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != "external_id")
    return (
        f'INSERT INTO "{table}" ({insert_columns}, project_id, account_scope_id, first_synced_at, last_changed_at) '
        f'SELECT {insert_columns}, %s, %s, now(), now() FROM "{stage}" '
        f"ON CONFLICT (project_id, external_id) DO UPDATE SET {updates}, last_changed_at = now(), deleted_at = NULL "
        f'WHERE "{table}".payload_hash IS DISTINCT FROM EXCLUDED.payload_hash '
        f'OR "{table}".deleted_at IS NOT NULL '
        "RETURNING (xmax = 0), external_id"
    )
