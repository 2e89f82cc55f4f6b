"""Database-backed Prometheus collector: each domain app contributes metric families at scrape time."""

import logging

from django.db import DatabaseError
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger("core.metrics")

# Functions returning iterables of metric families; apps register theirs in AppConfig.ready().
FAMILY_SOURCES: list = []


def metric_source_register(source) -> None:
    """Add a metric family source (idempotent: `ready()` may run twice in tests)."""
    if source not in FAMILY_SOURCES:
        FAMILY_SOURCES.append(source)


def _app_up():
    family = GaugeMetricFamily("app_up", "1 when the web process can read its database.")
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        family.add_metric([], 1)
    except DatabaseError:
        family.add_metric([], 0)
    yield family


class DatabaseCollector:
    """Collects every registered source; a failing source is logged and skipped."""

    def describe(self):
        return []

    def collect(self):
        for source in [_app_up, *FAMILY_SOURCES]:
            try:
                yield from source()
            except Exception:  # one broken panel must not blank the whole scrape
                log.warning("metrics source %s failed", getattr(source, "__name__", source), exc_info=True)
