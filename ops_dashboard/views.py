"""Server-rendered pages, their live partials and the SSE stream. Mutations go through the JSON API."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET
from django_eventstream import views as eventstream_views
from rest_framework.exceptions import AuthenticationFailed

from connectors.constants import ErrorStatus, Source
from core import selectors as tenancy
from core.api.authentication import ApiKeyAuthentication
from core.api.errors import error_response
from core.events import project_channel
from core.redis import redis_ping
from core.roles import Role
from crm import clients as crm_clients
from crm import selectors as crm_selectors
from ops_dashboard import partials, selectors, streams
from ops_dashboard.channels import API_KEY_PROJECT_ATTR
from ops_dashboard.client_graph import neighbourhood_layout

POLL_SECONDS_RANGE = (1, 60)
CLIENT_TIMELINE_PAGE = 50


def _page_context(request, page: str) -> dict:
    project = tenancy.session_active_project(request)
    return {"page": page, "active_project": project}


def _live_context(request) -> dict:
    """What `base.html` needs to start `live.js`: stream URL and polling interval."""
    return {"live": {"stream_url": reverse("events-stream"), "poll_seconds": _poll_seconds(request)}}


def _poll_seconds(request) -> int:
    """DASHBOARD_POLL_SECONDS, or `?poll=N` (1–60 s) to watch the fallback work (diagnosis, tests)."""
    try:
        asked = int(request.GET["poll"])
    except (KeyError, ValueError):
        return settings.DASHBOARD_POLL_SECONDS
    low, high = POLL_SECONDS_RANGE
    return min(max(asked, low), high)


DEFAULT_NEXT = "/"


def safe_next(value: str | None) -> str:
    """Where to go after logging in: a same-origin relative path (one leading slash, no backslash, no control
    characters), else the default page. `//evil.com`, `/\\evil.com`, `javascript:` and absolute URLs fall back."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return DEFAULT_NEXT
    if "\\" in value or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return DEFAULT_NEXT
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=None, require_https=False):
        return DEFAULT_NEXT
    return value


@require_GET
@ensure_csrf_cookie
def login_page(request):
    if request.user.is_authenticated:
        return redirect("overview")
    return render(request, "ops_dashboard/login.html", {"page": "login", "next": safe_next(request.GET.get("next"))})


@require_GET
@login_required
@ensure_csrf_cookie
def projects_page(request):
    return render(request, "ops_dashboard/projects.html", _page_context(request, "projects"))


def _project_page(request, page: str, template: str, *, live: bool = True, **extra):
    """A page of the active project (to /projects without one), with live partials unless `live` is False."""
    context = _page_context(request, page)
    if context["active_project"] is None:
        return redirect("projects")
    if live:
        context.update(_live_context(request))
    return render(request, template, {**context, **extra})


@require_GET
@login_required
@ensure_csrf_cookie
def overview_page(request):
    return _project_page(request, "overview", "ops_dashboard/overview.html")


@require_GET
@login_required
@ensure_csrf_cookie
def connectors_page(request):
    return _project_page(
        request,
        "connectors",
        "ops_dashboard/connectors.html",
        error_filter=selectors.ErrorFilter.from_query(request.GET),
        error_statuses=ErrorStatus.values,
        sources=Source.choices,
    )


@require_GET
@login_required
@ensure_csrf_cookie
def jobs_page(request):
    project = tenancy.session_active_project(request)
    return _project_page(
        request,
        "jobs",
        "ops_dashboard/jobs.html",
        job_names=selectors.job_names(project=project) if project else [],
        job_filter=request.GET.get("job", ""),
        suspend_after=settings.JOB_SUSPEND_AFTER_FAILURES,
    )


@require_GET
@login_required
@ensure_csrf_cookie
def sources_page(request):
    """How the project reaches Chatwoot, Linear and Attio: the list is live; the form talks to the configs API."""
    return _project_page(request, "sources", "ops_dashboard/sources.html", sources=Source.choices)


@require_GET
@login_required
@ensure_csrf_cookie
def members_page(request):
    """The project's people: owners add, re-role and remove members through the members API."""
    return _project_page(request, "members", "ops_dashboard/members.html", roles=Role.choices)


@require_GET
@login_required
@ensure_csrf_cookie
def keys_page(request):
    """The project's API keys: made with a scope and an expiry, shown once, listed by prefix, revoked."""
    return _project_page(request, "keys", "ops_dashboard/keys.html")


@require_GET
@login_required
@ensure_csrf_cookie
def crm_page(request):
    """The CRM mirror's pipeline, deals, accounts and orphans; the filters narrow the deals and accounts."""
    return _project_page(
        request,
        "crm",
        "ops_dashboard/crm.html",
        pipeline_filter=crm_selectors.PipelineFilter.from_query(request.GET),
        stages=crm_selectors.STAGES,
    )


@require_GET
@login_required
@ensure_csrf_cookie
def client_page(request, account_id: str):
    """One client (a CRM account): counts and latest activity per kind, the timeline (`?page=`, 50 a page, newest
    first) and its graph neighbourhood as a picture. An id that names no account of the project is a 404."""
    context = _page_context(request, "crm")
    project = context["active_project"]
    if project is None:
        return redirect("projects")
    account = crm_clients.client_account(project=project, account_id=account_id)
    if account is None:
        raise Http404("no such client in this project")
    activity = crm_clients.client_activity(project=project, account=account)
    timeline = Paginator(activity["timeline"], CLIENT_TIMELINE_PAGE).get_page(request.GET.get("page"))
    latest = [(key, activity["counts"][key], item) for key, item in activity["latest"].items()]
    graph = neighbourhood_layout(crm_clients.client_neighbourhood(project=project, account=account))
    return render(
        request,
        "ops_dashboard/client.html",
        {**context, "account": account, "latest": latest, "timeline": timeline, "graph": graph},
    )


@require_GET
@login_required
@ensure_csrf_cookie
def search_page(request):
    """LightRAG search: the page asks `POST /api/lightrag/query` itself; no live partials."""
    context = _page_context(request, "search")
    if context["active_project"] is None:
        return redirect("projects")
    context["embeddings"] = selectors.embedding_backlog(project=context["active_project"])
    context["source_filters"] = selectors.SEARCH_SOURCE_FILTERS
    context["query_modes"] = selectors.SEARCH_MODES
    return render(request, "ops_dashboard/search.html", context)


@require_GET
def partial_view(request, name: str):
    """`GET /partials/<name>`: one fragment of the active project (login and project required)."""
    partial = partials.partial_get(name)
    if partial is None:
        raise Http404("unknown partial")
    try:
        project = selectors.live_project_for(user=request.user, session=request.session)
    except selectors.AccessRefused as refused:
        return error_response(refused.code, refused.detail, refused.status, request)
    response = HttpResponse(partials.partial_render(partial, request=request, project=project))
    # live.js reloads the page when another tab switched the session to a different project.
    response["X-Active-Project"] = str(project.id)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def events_stream(request):
    """`GET /api/events/stream`: the active project's live events, once the caller may read them.

    Refusals are plain HTTP errors (401, 409, 403, 503) decided here, before django-eventstream,
    whose own refusal would be a 200 carrying a `stream-error` event.
    """
    try:
        project = _stream_project(request)
    except selectors.AccessRefused as refused:
        return error_response(refused.code, refused.detail, refused.status, request)
    unavailable = _event_bus_problem()
    if unavailable:
        return error_response("unavailable", unavailable, 503, request)
    response = eventstream_views.events(request, channels=[project_channel(project.id)])
    if isinstance(response, StreamingHttpResponse):
        response.streaming_content = streams.project_stream(
            response.streaming_content, project_id=project.id, heartbeat_seconds=settings.SSE_HEARTBEAT_SECONDS
        )
    return response


def _stream_project(request):
    """The project whose channel the caller reads: an API key's own, else the session's active one."""
    try:
        found = ApiKeyAuthentication().authenticate(request)
    except AuthenticationFailed as exc:
        raise selectors.AccessRefused(401, "not_authenticated", str(exc.detail)) from exc
    if found is None:
        return selectors.live_project_for(user=request.user, session=request.session)
    user, key = found
    # django-eventstream reads `request.user`; the attribute lets the channel manager honour the key.
    setattr(user, API_KEY_PROJECT_ATTR, key.project_id)
    request.user = user
    return key.project


def _event_bus_problem() -> str | None:
    """Why live events cannot flow right now (the page then polls), or None when they can."""
    if not getattr(settings, "EVENTSTREAM_REDIS", None):
        return "Live events need Redis (single-machine mode): the dashboard polls."
    if getattr(eventstream_views.get_listener_manager(), "bus_ready", False):
        return None  # this process is subscribed right now: no need to ask Redis
    if not redis_ping(settings.REDIS_URL):
        return "Live events are unavailable (Redis does not answer): the dashboard polls."
    return None
