"""The `app_*` Prometheus registry. Gauges about background work are computed from the database at
scrape time (see `register_collectors`) so every web process reports the same truth."""

from prometheus_client import REGISTRY, Gauge

# Per-process by nature (each web process holds its own streams); counters shared by all processes live in
# `core/counters.py`.
SSE_CONNECTIONS = Gauge("app_sse_connections_total", "Open SSE streams in this process.")
SSE_PROJECTS = Gauge("app_sse_projects_subscribed", "Projects with at least one open SSE stream in this process.")

_collectors: list = []


def register_collectors() -> None:
    """Register the database-backed collectors once per process."""
    from core.collectors import DatabaseCollector

    if _collectors:
        return
    collector = DatabaseCollector()
    REGISTRY.register(collector)
    _collectors.append(collector)
