"""Jobs page partials: the schedules (with supervision state) and the project's job runs."""

from core.api.actors import request_is_staff
from ops_dashboard import selectors
from ops_dashboard.partials import DATA_CHANGED, JOB_COMPLETED, Partial, partial_register

RUN_ENDED = (JOB_COMPLETED, DATA_CHANGED)
# Scheduled jobs are shared by every project: their runs publish no project event, so the table also
# refreshes on a clock (and "next run in" stays true).
SCHEDULES_REFRESH_SECONDS = 30


def _schedules(*, request, project) -> dict:
    staff = request_is_staff(request)
    return {"schedules": selectors.schedule_rows(staff=staff), "staff": staff}


def _runs(*, request, project) -> dict:
    job = request.GET.get("job") or ""
    return {"runs": selectors.job_runs_page(project=project, job=job), "job": job}


for _partial in (
    Partial(
        "jobs/schedules",
        "ops_dashboard/_jobs_schedules.html",
        _schedules,
        RUN_ENDED,
        refresh_seconds=SCHEDULES_REFRESH_SECONDS,
    ),
    Partial("jobs/runs", "ops_dashboard/_jobs_runs.html", _runs, RUN_ENDED, ("job",)),
):
    partial_register(_partial)
