"""`GET /api/jobs/status`: the jobs' own figures plus the blocks other apps register for one project.

An app contributes with `status_block_register(name, block)` from its `AppConfig.ready()`, where
`block(project) -> dict` returns top-level keys of the response (`{"cursors": …}`); a dict value merges with
what other blocks give under the same key (connectors and crm both fill `entities`).
"""

from collections.abc import Callable

from jobs import supervision
from jobs.selectors import job_run_summary, latest_job_runs, storage_use

StatusBlock = Callable[..., dict]
_BLOCKS: dict[str, StatusBlock] = {}


def status_block_register(name: str, block: StatusBlock) -> None:
    """Add (or replace, by name) one block of the status response."""
    _BLOCKS[name] = block


def jobs_status(*, project, staff: bool) -> dict:
    """Latest run per job of the project, the scheduler, storage, and every registered block.

    The database's size and the global schedules' error text are for staff only (`storage` is None and the
    schedules' `last_error`/`suspended_reason` are None for everyone else).
    """
    status = {
        "jobs": [{**job_run_summary(run), "run_id": str(run.id)} for run in latest_job_runs(project=project)],
        "scheduler": supervision.scheduler_jobs(show_errors=staff),
        "storage": storage_use() if staff else None,
    }
    for block in _BLOCKS.values():
        for key, value in block(project=project).items():
            if isinstance(value, dict) and isinstance(status.get(key), dict):
                status[key] = {**status[key], **value}
            else:
                status[key] = value
    return status
