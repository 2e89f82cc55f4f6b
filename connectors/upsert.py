"""Bulk upsert of raw rows: COPY into a staging table, then one INSERT … ON CONFLICT … WHERE changed.

Unchanged rows (same payload hash) are not rewritten, so a no-change re-sync writes nothing.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.db import connection

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


def payload_hash(raw: dict) -> str:
    """A stable hash of a payload (key order does not matter)."""
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.md5(canonical.encode(), usedforsecurity=False).hexdigest()


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
    rows = _dedupe(rows)
    result = UpsertResult(fetched=len(rows))
    if not rows:
        return result
    columns = COMMON_COLUMNS + tuple(model.typed_columns)
    table = model._meta.db_table
    stage = f"_stage_{table}"
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "{stage}" ON COMMIT DELETE ROWS AS '
            f'SELECT {", ".join(columns)} FROM "{table}" WITH NO DATA'
        )
        with cursor.cursor.copy(f'COPY "{stage}" ({", ".join(columns)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(_values(row, columns))
        cursor.execute(_merge_sql(table, stage, columns), [project.id, project.account_scope_id])
        for inserted, external_id in cursor.fetchall():
            (result.inserted_ids if inserted else result.updated_ids).append(external_id)
        cursor.execute(f'DELETE FROM "{stage}"')
    return result


def _values(row: dict, columns: tuple[str, ...]) -> list:
    values = []
    for column in columns:
        if column == "raw":
            values.append(json.dumps(row["raw"], ensure_ascii=False, default=str))
        elif column == "payload_hash":
            values.append(row.get("payload_hash") or payload_hash(row["raw"]))
        elif column == "external_id":
            values.append(str(row["external_id"]))
        else:
            values.append(row.get(column, _blank(column)))
    return values


def _blank(column: str):
    return None if column.endswith(("_at", "amount", "number", "priority", "message_type")) else ""


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
