"""Counters shared by every process (web, Celery workers, commands), stored in `MetricCounter`.

A `prometheus_client.Counter` lives in one process: events published by a worker would never show on a web
process's `/metrics`. These rows are read at scrape time instead, so every web process reports the same total.
"""

import logging

import psycopg
from django.db import DatabaseError, IntegrityError, connection, transaction
from prometheus_client.core import CounterMetricFamily

log = logging.getLogger("core.counters")

_INSERT = "INSERT INTO audit_metriccounter (name, value, updated_at) VALUES "
_ROW = "(%s, %s, now())"
_ASYNC_COMMIT = "SET LOCAL synchronous_commit TO OFF"
_ON_CONFLICT = (
    " ON CONFLICT (name) DO UPDATE SET value = audit_metriccounter.value + EXCLUDED.value, updated_at = now()"
)

# name → help text; every declared counter is exported (0 until first incremented).
DECLARED: dict[str, str] = {
    "app_pubsub_publish": "Live events published to the event bus (all processes).",
    "app_pubsub_publish_failures": "Live events that could not be published (all processes).",
    "app_scope_violation": "Writes refused by the project scope guard (all processes).",
}


def counter_add(name: str, amount: int = 1) -> None:
    """Add to a shared counter; never raises (a metric must not break the work it counts)."""
    counters_add({name: amount})


def counters_add(amounts: dict[str, int]) -> None:
    """Add to several shared counters in one statement (e.g. a labelled family's total and its breakdown);
    never raises.

    Inside a transaction (which may be about to roll back, e.g. after a refused write) the increment goes
    through a short separate connection so it is kept whatever happens to the surrounding work.
    """
    if not amounts:
        return
    # Sorted: concurrent upserts of the same rows lock them in one order (no deadlock).
    names = sorted(amounts)
    sql = _INSERT + ", ".join([_ROW] * len(names)) + _ON_CONFLICT
    params = [value for name in names for value in (name, amounts[name])]
    try:
        if connection.in_atomic_block:
            _add_detached(sql, params)
        else:
            # Without waiting for the WAL flush: a few ms less on the work counted (a LightRAG query counts
            # each of its runs); a database crash may lose the last increments, which a metric can afford.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_ASYNC_COMMIT)
                cursor.execute(sql, params)
    except (DatabaseError, psycopg.Error):
        log.warning("could not count %s", ", ".join(names), exc_info=True)


def _add_detached(sql: str, params: list) -> None:
    connect_params = connection.get_connection_params()
    connect_params.pop("cursor_factory", None)
    connect_params.pop("context", None)
    with psycopg.connect(**connect_params, autocommit=True) as side, side.transaction():
        side.execute(_ASYNC_COMMIT)
        side.execute(sql, params)


def counter_values(prefix: str) -> dict[str, int]:
    """Every shared counter whose name starts with `prefix`, {name: value} (one query; for labelled families
    an app exports itself, e.g. `app_webhook_deliveries:<source>:<result>`)."""
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, value FROM audit_metriccounter WHERE name LIKE %s", [pattern])
        return dict(cursor.fetchall())


def counter_families():
    """Every declared counter as a Prometheus counter family (`<name>_total`)."""
    values = dict.fromkeys(DECLARED, 0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, value FROM audit_metriccounter WHERE name = ANY(%s)", [list(DECLARED)])
        values.update(dict(cursor.fetchall()))
    for name, help_text in DECLARED.items():
        family = CounterMetricFamily(name, help_text)
        family.add_metric([], values[name])
        yield family


def _count_scope_violations(execute, sql, params, many, context):
    try:
        return execute(sql, params, many, context)
    except IntegrityError as exc:
        from core.scoping import is_scope_violation

        if is_scope_violation(exc):
            counter_add("app_scope_violation")
        raise


def scope_violation_counting(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: count every write the scope guard refuses, whoever issued it."""
    if _count_scope_violations not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count_scope_violations)
