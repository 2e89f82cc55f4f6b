"""`manage.py doctor`: the operations checklist of `docs/operations/runbooks.md`, run automatically.

The platform checks (database, migrations, Redis, broker) live here; every other item is registered by the app
that owns it (`core/checks.py`, `jobs/checks.py`, `connectors/checks.py`, `rag/checks.py`, through
`core.checklist.doctor_check_register`). `doctor_run()` runs the platform checks, then the registered global
items, then the per-project items for one project or every project.
"""

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from core import health
from core.checklist import FAIL, OK, WARN, Check, doctor_checks, worst
from core.redaction import safe_url
from core.redis import redis_ping
from core.selectors import projects_all

HEALTH = "health-and-metrics-answer"
SESSION = "session-and-active-project"
REDIS = "redis-ping"


def _from_health(name: str, result: dict, anchor: str) -> Check:
    status = {health.OK: OK, health.DEGRADED: WARN}.get(result["status"], FAIL)
    return Check(name, status, result["detail"], anchor)


def check_database() -> list[Check]:
    return [_from_health("database", health.check_database(), HEALTH)]


def check_migrations() -> list[Check]:
    check = _from_health("migrations", health.check_migrations(), HEALTH)
    if check.status == FAIL:
        return [Check(check.name, FAIL, f"{check.detail}: run `manage.py migrate`", HEALTH)]
    return [check]


def check_redis() -> list[Check]:
    """Redis PING at REDIS_URL; without Redis (single-machine mode) a warning, not a failure."""
    url = settings.REDIS_URL
    if url is None:
        detail = "no Redis: single-machine mode (filesystem broker, no SSE fan-out, dashboard polls)"
        return [Check("redis", WARN, detail, REDIS)]
    if redis_ping(url):
        return [Check("redis", OK, f"PONG from {safe_url(url)}", REDIS)]
    return [Check("redis", FAIL, f"no PONG from {safe_url(url)}", REDIS)]


def check_broker() -> list[Check]:
    return [_from_health("broker", health.check_broker(), REDIS)]


# ---------------------------------------------------------------- running them


def _guarded(name: str, anchor: str, function: Callable[[], list[Check]]) -> list[Check]:
    """Run one check; a crash is that check's failure (by exception class: messages may hold secrets)."""
    try:
        return function()
    except Exception as exc:  # the doctor must report every item, not stop at the first broken one
        return [Check(name, FAIL, f"check crashed: {exc.__class__.__name__}", anchor)]


def doctor_run(*, project=None, now: dt.datetime | None = None) -> list[Check]:
    """Every check, global first, then per project (`project`, or every project when None).

    Stops after the database check when the database does not answer, and after Redis and the broker when
    migrations are missing: every other check reads tables the migrations create.
    """
    now = now or timezone.now()
    checks = _guarded("database", HEALTH, check_database)
    if worst(checks) == FAIL:
        return checks
    schema = _guarded("migrations", HEALTH, check_migrations)
    checks += schema + _guarded("redis", REDIS, check_redis) + _guarded("broker", REDIS, check_broker)
    if worst(schema) == FAIL:
        return checks
    for item in doctor_checks(per_project=False):
        checks += _guarded(item.name, item.anchor, lambda item=item: item.run(now=now))
    if project is not None:
        return checks + project_checks(project, now)
    try:
        projects = list(projects_all())
    except DatabaseError as exc:
        return [*checks, Check("projects", FAIL, f"cannot list projects: {exc.__class__.__name__}", SESSION)]
    for each in projects:
        checks += project_checks(each, now)
    return checks


def project_checks(project, now: dt.datetime) -> list[Check]:
    """The per-project part of the checklist."""
    checks = []
    for item in doctor_checks(per_project=True):
        name = f"{item.name} {project.name}"
        checks += _guarded(name, item.anchor, lambda item=item: item.run(project=project, now=now))
    return checks
