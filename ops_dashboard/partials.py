"""Live partials: server-rendered fragments a page shows, refetches on SSE events and polls as a fallback.

A page declares one with `{% live_partial "overview/runs" %}` (see `templatetags/dashboard.py`); the
fragment is served at `/partials/overview/runs` and refetched whenever one of its `events` arrives.
Later pages register theirs here with `partial_register`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse

from ops_dashboard import selectors
from workforce.health import health_report

# Event names on /api/events/stream (ARCHITECTURE.md section 9).
JOB_COMPLETED = "job_completed"
CONNECTOR_SYNC_PROGRESS = "connector_sync_progress"
DATA_CHANGED = "data_changed"


@dataclass(frozen=True)
class Partial:
    """One fragment: its template, how to build its context, and the events that make it stale."""

    name: str
    template: str
    context: Callable[..., dict]
    events: tuple[str, ...]

    @property
    def url(self) -> str:
        return reverse("partial", kwargs={"name": self.name})


REGISTRY: dict[str, Partial] = {}


def partial_register(partial: Partial) -> Partial:
    """Make a partial servable at /partials/<name> and usable by `{% live_partial %}`."""
    REGISTRY[partial.name] = partial
    return partial


def partial_get(name: str) -> Partial | None:
    return REGISTRY.get(name)


def partial_render(partial: Partial, *, request, project) -> str:
    """The fragment's HTML for this request's project."""
    return render_to_string(partial.template, partial.context(request=request, project=project), request=request)


def _health_context(*, request, project) -> dict:
    return {"health": health_report()}


def _recent_runs_context(*, request, project) -> dict:
    return {"runs": list(selectors.recent_job_runs(project=project))}


partial_register(
    Partial(
        name="overview/health",
        template="ops_dashboard/_overview_health.html",
        context=_health_context,
        events=(JOB_COMPLETED, CONNECTOR_SYNC_PROGRESS, DATA_CHANGED),
    )
)
partial_register(
    Partial(
        name="overview/runs",
        template="ops_dashboard/_overview_runs.html",
        context=_recent_runs_context,
        events=(JOB_COMPLETED, DATA_CHANGED),
    )
)
