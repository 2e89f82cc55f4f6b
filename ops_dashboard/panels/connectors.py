"""Connectors page partials: state with lease/progress, runs, errors (filtered), dead letters, webhooks,
reconciliation."""

from ops_dashboard import selectors
from ops_dashboard.partials import CONNECTOR_SYNC_PROGRESS, DATA_CHANGED, JOB_COMPLETED, Partial, partial_register

ANY_CHANGE = (JOB_COMPLETED, CONNECTOR_SYNC_PROGRESS, DATA_CHANGED)
RUN_ENDED = (JOB_COMPLETED, DATA_CHANGED)


def _state(*, request, project) -> dict:
    rows = selectors.connector_rows(project=project)
    return {"connectors": rows, "any_configured": any(row.configured for row in rows)}


def _runs(*, request, project) -> dict:
    return {"sync_runs": selectors.recent_sync_runs(project=project)}


def _errors(*, request, project) -> dict:
    filters = selectors.ErrorFilter.from_query(request.GET)
    return {"filters": filters, "page": selectors.errors_page(project=project, filters=filters)}


def _dead_letters(*, request, project) -> dict:
    return {"page": selectors.dead_letters_page(project=project)}


def _webhooks(*, request, project) -> dict:
    rows = [row for row in selectors.freshness_rows(project=project) if row.configured]
    return {"connectors": rows, "public_url": selectors.webhook_public_url()}


def _reconciliation(*, request, project) -> dict:
    return {"diff": selectors.reconciliation_diff(project=project)}


for _partial in (
    Partial("connectors/state", "ops_dashboard/_connectors_state.html", _state, ANY_CHANGE),
    Partial("connectors/runs", "ops_dashboard/_connectors_runs.html", _runs, ANY_CHANGE),
    Partial("connectors/errors", "ops_dashboard/_connectors_errors.html", _errors, ANY_CHANGE, ("status", "connector")),
    Partial("connectors/dead-letters", "ops_dashboard/_connectors_dead_letters.html", _dead_letters, RUN_ENDED),
    Partial("connectors/webhooks", "ops_dashboard/_connectors_webhooks.html", _webhooks, ANY_CHANGE),
    Partial("connectors/reconciliation", "ops_dashboard/_connectors_reconciliation.html", _reconciliation, RUN_ENDED),
):
    partial_register(_partial)
