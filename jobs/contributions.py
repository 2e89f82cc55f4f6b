"""What the jobs app registers itself (called from `JobsConfig.ready()`): the stale-work sweep, the retention
job and its table, its metrics and its checklist items."""


def register() -> None:
    from core.checklist import doctor_check_register
    from core.collectors import metric_source_register
    from jobs import checks, tasks
    from jobs.metrics import job_families
    from jobs.retention import job_runs_retention_register, retention_families
    from jobs.schedules import Schedule, schedule_register
    from jobs.sweeper import EVERY_SECONDS as SWEEP_EVERY_SECONDS
    from jobs.sweeper import JOB as JOB_SWEEP

    # Every 20 s: recover stale leases and close runs whose task is gone (a killed worker), within a minute.
    schedule_register(Schedule(JOB_SWEEP, tasks.stale_work_sweep.name, SWEEP_EVERY_SECONDS,
                               "Recover dead runs and stale leases"))  # fmt: skip
    # Every 12 h: delete rows past their retention, oldest first, in batches (global, not per project).
    schedule_register(Schedule("retention_cleanup", tasks.retention_cleanup.name, 12 * 3600,
                               "Delete rows past retention"))  # fmt: skip
    job_runs_retention_register()
    metric_source_register(job_families)
    metric_source_register(retention_families)
    for check in checks.CHECKS:
        doctor_check_register(check)
