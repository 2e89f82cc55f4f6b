"""Who may do what: members read their active project; owners and PMs (or write keys) change it.

A read API key never changes anything: every permission class here refuses it any method but GET, HEAD and
OPTIONS (403), unless the view says its POST only reads (`post_only_reads = True`, the LightRAG query).
"""

from rest_framework import permissions

from core import selectors
from core.api.errors import ApiError
from core.models import WRITE_KEY_CREATOR_ROLES, ApiKey

WRITE_ROLES = WRITE_KEY_CREATOR_ROLES
READ_ONLY_KEY = "This API key is read-only: it cannot change anything (use a write key)."


def read_key_check(request, view) -> None:
    """403 when a read key asks for a method that writes (see the module docstring)."""
    key = request.auth
    if not isinstance(key, ApiKey) or key.can_write or request.method in permissions.SAFE_METHODS:
        return
    if getattr(view, "post_only_reads", False) and request.method == "POST":
        return
    raise ApiError("forbidden", READ_ONLY_KEY, 403)


class IsAuthenticatedUser(permissions.BasePermission):
    """A logged-in user or a valid API key (a read key only reads)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        read_key_check(request, view)
        return True


class IsMemberOfActiveProject(permissions.BasePermission):
    """Needs an active project; safe methods for any member, mutations for owner/pm or a write key.

    Sets `request.project` and `request.role` for the view (409 `active_project_required` without one).
    """

    message = "Your role in this project cannot make changes."
    requires_active_project = True  # 409 `active_project_required` (documented by core.api.schema)

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        read_key_check(request, view)
        project, role = selectors.active_project_and_role(request)
        request.project, request.role = project, role
        if request.method in permissions.SAFE_METHODS or isinstance(request.auth, ApiKey):
            return True  # a key that got here is a write key
        return role in WRITE_ROLES
