"""Sources page partial: how the project reaches each source, its token's age, its state and its webhook."""

from core import selectors as tenancy
from core.api.permissions import WRITE_ROLES
from ops_dashboard import selectors
from ops_dashboard.partials import CONNECTOR_SYNC_PROGRESS, DATA_CHANGED, JOB_COMPLETED, Partial, partial_register


def _sources(*, request, project) -> dict:
    return {
        "connectors": selectors.freshness_rows(project=project),
        "can_write": tenancy.project_role(request.user, project) in WRITE_ROLES,
    }


ANY_CHANGE = (JOB_COMPLETED, CONNECTOR_SYNC_PROGRESS, DATA_CHANGED)
partial_register(Partial("sources/list", "ops_dashboard/_sources_list.html", _sources, ANY_CHANGE))
