"""Reads for the dashboard: whose live data a request may see, and what the overview panels show."""

from django.db.models import QuerySet

from audit.models import JobRun
from audit.selectors import job_runs_for
from workforce import selectors as tenancy
from workforce.models import Project

RECENT_RUNS_LIMIT = 10


class AccessRefused(Exception):
    """Why a request may not read live data, as an API error (code, detail, HTTP status)."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


def not_authenticated() -> AccessRefused:
    return AccessRefused(401, "not_authenticated", "Log in first.")


def no_active_project() -> AccessRefused:
    return AccessRefused(409, "active_project_required", "Select a project first (POST /api/projects/<id>/select).")


def not_a_member() -> AccessRefused:
    return AccessRefused(403, "forbidden", "You are not a member of the active project.")


def live_project_for(*, user, session) -> Project:
    """The session's active project when `user` may read it (one query when they may).

    Raises AccessRefused: 401 anonymous, 409 no (or a deleted) active project, 403 no role in it.
    """
    if not user.is_authenticated:
        raise not_authenticated()
    project_id = session.get(tenancy.ACTIVE_PROJECT_SESSION_KEY)
    if not project_id:
        raise no_active_project()
    project = tenancy.projects_visible_to(user).filter(pk=project_id).first()
    if project is not None:
        return project
    if Project.objects.filter(pk=project_id).exists():
        raise not_a_member()
    raise no_active_project()


def recent_job_runs(*, project: Project, limit: int = RECENT_RUNS_LIMIT) -> QuerySet[JobRun]:
    """The project's newest job runs, newest first (one query)."""
    fields = ("id", "job", "status", "trigger", "created_at", "started_at", "duration_ms", "error")
    return job_runs_for(project=project).only(*fields)[:limit]
