"""`/health`: database, Redis, broker and migrations, each with its own status and detail."""

import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from core.redis import redis_ping

OK, DEGRADED, FAIL = "ok", "degraded", "fail"


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"status": OK, "detail": "reachable"}
    except DatabaseError as exc:
        return {"status": FAIL, "detail": f"unreachable: {exc.__class__.__name__}"}


def check_redis() -> dict:
    if settings.REDIS_URL is None:
        return {"status": DEGRADED, "detail": "no Redis: single-machine mode (local broker, dashboard polls)"}
    if redis_ping(settings.REDIS_URL):
        return {"status": OK, "detail": "PONG"}
    return {"status": FAIL, "detail": "Redis does not answer PING"}


def check_broker() -> dict:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        return {"status": DEGRADED, "detail": "local filesystem broker (single machine only)"}
    if url.startswith("redis"):
        if redis_ping(url):
            return {"status": OK, "detail": "redis broker answers"}
        return {"status": FAIL, "detail": "redis broker does not answer"}
    return {"status": OK, "detail": "configured"}


# Loading the migration graph costs more than the rest of the page; an "up to date" answer is kept this long
# (new migrations only arrive with new code, i.e. a restart). Problems are never cached.
MIGRATIONS_OK_TTL_SECONDS = 30
_migrations_ok_until = 0.0


def check_migrations() -> dict:
    global _migrations_ok_until
    if time.monotonic() < _migrations_ok_until:
        return {"status": OK, "detail": "up to date"}
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return {"status": FAIL, "detail": "cannot read migration state"}
    if plan:
        return {"status": FAIL, "detail": f"{len(plan)} unapplied migration(s)"}
    _migrations_ok_until = time.monotonic() + MIGRATIONS_OK_TTL_SECONDS
    return {"status": OK, "detail": "up to date"}


def health_report() -> dict:
    """All checks and the overall status (fail beats degraded beats ok)."""
    checks = {
        "database": check_database(),
        "redis": check_redis(),
        "broker": check_broker(),
        "migrations": check_migrations(),
    }
    statuses = {check["status"] for check in checks.values()}
    overall = FAIL if FAIL in statuses else DEGRADED if DEGRADED in statuses else OK
    return {"status": overall, "checks": checks}
