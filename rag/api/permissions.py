"""Asking LightRAG is reading: any member of the active project (or any key of it) may query and rate."""

from rest_framework import permissions

from core import selectors


class IsProjectMember(permissions.BasePermission):
    """Needs an active project (409 `active_project_required` without one); any role, any API key scope."""

    requires_active_project = True  # documented by core.api.schema

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        request.project, request.role = selectors.active_project_and_role(request)
        return True
