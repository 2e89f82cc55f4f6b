"""Settings pages' partials: the project's members and its API keys (refreshed after each change on the page)."""

from core import selectors as tenancy
from core.roles import Role
from ops_dashboard.partials import DATA_CHANGED, Partial, partial_register

KEYS_SHOWN = 200


def _members(*, request, project) -> dict:
    return {
        "members": tenancy.project_members(project),
        "is_owner": tenancy.project_role(request.user, project) == Role.OWNER,
        "roles": Role.choices,
        "me": request.user.pk,
    }


def _keys(*, request, project) -> dict:
    role = tenancy.project_role(request.user, project)
    return {"keys": tenancy.project_api_keys(project, limit=KEYS_SHOWN), "shown": KEYS_SHOWN,
            "can_write": role in (Role.OWNER, Role.PM)}  # fmt: skip


for _partial in (
    Partial("settings/members", "ops_dashboard/_settings_members.html", _members, (DATA_CHANGED,)),
    Partial("settings/keys", "ops_dashboard/_settings_keys.html", _keys, (DATA_CHANGED,)),
):
    partial_register(_partial)
