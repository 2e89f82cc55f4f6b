"""Overview partials: health, freshness, errors, embeddings backlog, LightRAG query problems, completeness trend,
throughput, runs."""

from core.health import health_report
from ops_dashboard import selectors
from ops_dashboard.partials import CONNECTOR_SYNC_PROGRESS, DATA_CHANGED, JOB_COMPLETED, Partial, partial_register

ANY_CHANGE = (JOB_COMPLETED, CONNECTOR_SYNC_PROGRESS, DATA_CHANGED)
# Charts redraw when a run ends, not on every page a running sync commits.
RUN_ENDED = (JOB_COMPLETED, DATA_CHANGED)


def _health(*, request, project) -> dict:
    return {"health": health_report()}


def _freshness(*, request, project) -> dict:
    rows = selectors.freshness_rows(project=project)
    return {
        "connectors": rows,
        "any_configured": any(row.configured for row in rows),
        "any_webhook": any(row.webhook.registered or row.webhook.received for row in rows),
    }


def _errors(*, request, project) -> dict:
    return {"errors": selectors.error_counts(project=project)}


def _embeddings(*, request, project) -> dict:
    return {"embeddings": selectors.embedding_backlog(project=project)}


def _queries(*, request, project) -> dict:
    return {"queries": selectors.lightrag_query_outcomes(project=project)}


def _completeness(*, request, project) -> dict:
    return {"trend": selectors.completeness_trend(project=project), "days": selectors.TREND_DAYS}


def _throughput(*, request, project) -> dict:
    return {"throughput": selectors.sync_throughput(project=project)}


def _recent_runs(*, request, project) -> dict:
    return {"runs": list(selectors.recent_job_runs(project=project))}


for _partial in (
    Partial("overview/health", "ops_dashboard/_overview_health.html", _health, ANY_CHANGE),
    Partial("overview/freshness", "ops_dashboard/_overview_freshness.html", _freshness, ANY_CHANGE),
    Partial("overview/errors", "ops_dashboard/_overview_errors.html", _errors, ANY_CHANGE),
    Partial("overview/embeddings", "ops_dashboard/_overview_embeddings.html", _embeddings, RUN_ENDED),
    # Queries publish no event: refetched every minute (visible tabs), and with the embeddings after a run.
    Partial("overview/queries", "ops_dashboard/_overview_queries.html", _queries, RUN_ENDED, refresh_seconds=60),
    Partial("overview/completeness", "ops_dashboard/_overview_completeness.html", _completeness, RUN_ENDED),
    Partial("overview/throughput", "ops_dashboard/_overview_throughput.html", _throughput, RUN_ENDED),
    Partial("overview/runs", "ops_dashboard/_overview_runs.html", _recent_runs, RUN_ENDED),
):
    partial_register(_partial)
