"""Asking LightRAG is reading: any member of the active project (or any key of it) may query; rating an answer
is a write, which a member of any role may make but a read key may not."""

from rest_framework import permissions

from core import selectors
from core.api.permissions import read_key_check


class IsProjectMember(permissions.BasePermission):
    """Needs an active project (409 `active_project_required` without one); any role; a read key only reads."""

    requires_active_project = True  # documented by core.api.schema

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        read_key_check(request, view)
        request.project, request.role = selectors.active_project_and_role(request)
        return True
