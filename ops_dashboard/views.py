"""Server-rendered pages. Every mutation goes through the JSON API with CSRF."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from workforce import selectors


def _page_context(request, page: str) -> dict:
    project = selectors.session_active_project(request)
    return {"page": page, "active_project": project}


@require_GET
@ensure_csrf_cookie
def login_page(request):
    if request.user.is_authenticated:
        return redirect("overview")
    return render(
        request, "ops_dashboard/login.html", {"page": "login", "next": request.GET.get("next", "/")}
    )


@require_GET
@login_required
@ensure_csrf_cookie
def projects_page(request):
    return render(request, "ops_dashboard/projects.html", _page_context(request, "projects"))


@require_GET
@login_required
@ensure_csrf_cookie
def overview_page(request):
    context = _page_context(request, "overview")
    if context["active_project"] is None:
        return redirect("projects")
    return render(request, "ops_dashboard/overview.html", context)
