"""CRM page partials (pipeline by stage with won/lost, deals, accounts, orphans) and the overview's pipeline
panel. They read the mirror through `crm.selectors` and redraw when a run ends or data changes (a stage move
publishes `data_changed`)."""

from crm import selectors as crm
from ops_dashboard.partials import DATA_CHANGED, JOB_COMPLETED, Partial, partial_register

RUN_ENDED = (JOB_COMPLETED, DATA_CHANGED)
DEAL_FILTERS = ("stage", "q", "include_closed")
OVERVIEW_MOVES_SHOWN = 5


def chart_data(summary: dict) -> dict:
    """What `chart_pipeline.js` draws: open value per stage, one series per currency, and the counts."""
    series = {
        currency: [
            float(next((a["amount"] for a in stage["amounts"] if a["currency"] == currency), 0))
            for stage in summary["stages"]
        ]
        for currency in summary["currencies"]
    }
    return {
        "stages": [stage["stage"] for stage in summary["stages"]],
        "counts": [stage["count"] for stage in summary["stages"]],
        "series": series,
    }


def _pipeline(*, request, project) -> dict:
    summary = crm.pipeline_summary(project=project)
    return {"summary": summary, "chart": chart_data(summary)}


def _deals(*, request, project) -> dict:
    filters = crm.PipelineFilter.from_query(request.GET)
    return {"filters": filters, "page": crm.deals_page(project=project, filters=filters)}


def _accounts(*, request, project) -> dict:
    filters = crm.PipelineFilter.from_query(request.GET)
    return {"filters": filters, "page": crm.accounts_page(project=project, q=filters.q)}


def _orphans(*, request, project) -> dict:
    return {"page": crm.orphans_page(project=project)}


def _overview_pipeline(*, request, project) -> dict:
    summary = crm.open_pipeline(project=project)
    moves = crm.stage_moves_since(project=project, since=crm.week_start(), limit=OVERVIEW_MOVES_SHOWN)
    return {"summary": summary, "moves": moves}


for _partial in (
    Partial("crm/pipeline", "ops_dashboard/_crm_pipeline.html", _pipeline, RUN_ENDED),
    Partial("crm/deals", "ops_dashboard/_crm_deals.html", _deals, RUN_ENDED, DEAL_FILTERS),
    Partial("crm/accounts", "ops_dashboard/_crm_accounts.html", _accounts, RUN_ENDED, ("q",)),
    Partial("crm/orphans", "ops_dashboard/_crm_orphans.html", _orphans, RUN_ENDED),
    Partial("overview/pipeline", "ops_dashboard/_overview_pipeline.html", _overview_pipeline, RUN_ENDED),
):
    partial_register(_partial)
