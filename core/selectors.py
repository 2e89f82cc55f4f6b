"""Reads over tenancy: which projects a user sees, their role, the request's active project."""

import uuid

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When

from core.errors import Conflict
from core.models import AccountScope, ApiKey, Membership, Project, Role

ACTIVE_PROJECT_SESSION_KEY = "active_project_id"


class ActiveProjectRequired(Conflict):
    code, message = "active_project_required", "Select a project first (POST /api/projects/<id>/select)."


def projects_visible_to(user) -> QuerySet[Project]:
    """Projects the user may open: memberships, plus every project of scopes they own."""
    queryset = Project.objects.select_related("account_scope")
    if user.is_superuser:
        return queryset
    return queryset.filter(Q(memberships__user=user) | Q(account_scope__owners=user)).distinct()


def project_role(user, project: Project) -> str | None:
    """The user's role in the project, or None when they have no access."""
    if not user.is_authenticated:
        return None
    if user.is_superuser or project.account_scope.owners.filter(pk=user.pk).exists():
        return Role.OWNER
    membership = Membership.objects.filter(user=user, project=project).only("role").first()
    return membership.role if membership else None


def roles_by_project(user) -> dict:
    """{project_id: role} for the user's memberships (one query)."""
    return dict(Membership.objects.filter(user=user).values_list("project_id", "role"))


def api_key_by_prefix(prefix: str) -> ApiKey | None:
    """The key with this prefix, with its project, its creator and, as `creator_role`, the creator's role in the
    key's project right now (one query). Superusers and owners of the project's scope count as owners, as in
    `project_role`; None when the creator no longer has access."""
    membership_role = Membership.objects.filter(user=OuterRef("created_by"), project=OuterRef("project")).values(
        "role"
    )[:1]
    owns_scope = AccountScope.owners.through.objects.filter(
        accountscope=OuterRef("project__account_scope"), user=OuterRef("created_by")
    )
    admin = Q(created_by__is_superuser=True) | Q(Exists(owns_scope))
    return (
        ApiKey.objects.select_related("project", "created_by")
        .annotate(creator_role=Case(When(admin, then=Value(Role.OWNER)), default=Subquery(membership_role)))
        .filter(prefix=prefix)
        .first()
    )


def api_key_descendants(key: ApiKey, *, lock: bool = False) -> list[ApiKey]:
    """Every key minted by `key`, directly or through other minted keys (one query per generation).

    With `lock` (inside a transaction) each generation is read FOR UPDATE: a key being minted under one of them
    commits first and is then found by the next generation's query.
    """
    found: list[ApiKey] = []
    generation = [key.pk]
    while generation:
        queryset = ApiKey.objects.select_related("project").filter(parent_id__in=generation).order_by("pk")
        children = list(queryset.select_for_update(of=("self",)) if lock else queryset)
        found.extend(children)
        generation = [child.pk for child in children]
    return found


def active_project_and_role(request) -> tuple[Project, str]:
    """The request's project and role; 409 `active_project_required` when there is none."""
    if isinstance(request.auth, ApiKey):
        role = Role.PM if request.auth.can_write else Role.VIEWER
        return request.auth.project, role
    project_id = request.session.get(ACTIVE_PROJECT_SESSION_KEY)
    project = Project.objects.select_related("account_scope").filter(pk=project_id).first() if project_id else None
    role = project_role(request.user, project) if project else None
    if project is None or role is None:
        request.session.pop(ACTIVE_PROJECT_SESSION_KEY, None)
        raise ActiveProjectRequired()
    return project, role


def session_active_project(request) -> Project | None:
    """The session's active project if the user can still open it (no error)."""
    project_id = request.session.get(ACTIVE_PROJECT_SESSION_KEY)
    if not project_id:
        return None
    project = projects_visible_to(request.user).filter(pk=project_id).first()
    return project


def project_get(project_id) -> Project | None:
    """The project with this id (a UUID or its string), or None."""
    return Project.objects.select_related("account_scope").filter(pk=project_id).first()


def projects_all() -> QuerySet[Project]:
    """Every project, by name (operators' tools: the doctor, metrics)."""
    return Project.objects.select_related("account_scope").order_by("name")


def projects_with_ids(project_ids) -> QuerySet[Project]:
    """The projects with these ids (those that still exist)."""
    return Project.objects.select_related("account_scope").filter(pk__in=list(project_ids))


def project_by_ref(ref: str) -> Project | None:
    """A project by name or by id (for commands)."""
    project = Project.objects.filter(name=ref).first()
    if project is not None:
        return project
    try:
        return Project.objects.filter(pk=uuid.UUID(ref)).first()
    except ValueError:
        return None


def project_members(project: Project) -> QuerySet[Membership]:
    """A project's memberships with their users, by username (one query)."""
    return Membership.objects.filter(project=project).select_related("user").order_by("user__username")


def project_api_keys(project: Project, *, limit: int = 200) -> list[ApiKey]:
    """A project's API keys, newest first, with who made them (one query)."""
    return list(ApiKey.objects.filter(project=project).select_related("created_by").order_by("-created_at")[:limit])
