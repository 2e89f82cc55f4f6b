"""Live partials: server-rendered fragments a page shows, refetches on SSE events and polls as a fallback.

A page declares one with `{% live_partial "overview/runs" %}` (see `templatetags/dashboard.py`); the
fragment is served at `/partials/overview/runs` and refetched whenever one of its `events` arrives.
Each page's partials are registered in `ops_dashboard/panels/<page>.py` (imported when the app is ready).
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse

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
    # Query parameters the context reads (filters): the page's values are carried into the partial's URL.
    params: tuple[str, ...] = ()
    # Also refetched this often (visible tabs only) for what changes without a project event, e.g. "next run in".
    refresh_seconds: int | None = None

    @property
    def url(self) -> str:
        return reverse("partial", kwargs={"name": self.name})

    def url_for(self, query) -> str:
        """The partial's URL with this partial's own parameters taken from `query` (a QueryDict)."""
        kept = {name: query[name] for name in self.params if query.get(name)}
        return f"{self.url}?{urlencode(kept)}" if kept else self.url


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
