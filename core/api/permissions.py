"""Who may do what: members read their active project; owners and PMs (or write keys) change it."""

from rest_framework import permissions

from core import selectors
from core.models import ApiKey, Role

WRITE_ROLES = {Role.OWNER, Role.PM}


class IsAuthenticatedUser(permissions.BasePermission):
    """A logged-in user or a valid API key."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)


class IsMemberOfActiveProject(permissions.BasePermission):
    """Needs an active project; safe methods for any member, mutations for owner/pm or a write key.

    Sets `request.project` and `request.role` for the view (409 `active_project_required` without one).
    """

    message = "Your role in this project cannot make changes."
    requires_active_project = True  # 409 `active_project_required` (documented by core.api.schema)

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        project, role = selectors.active_project_and_role(request)
        request.project, request.role = project, role
        if request.method in permissions.SAFE_METHODS:
            return True
        if isinstance(request.auth, ApiKey):
            return request.auth.can_write
        return role in WRITE_ROLES
