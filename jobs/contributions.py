"""What the jobs app registers itself (called from `JobsConfig.ready()`): the retention job and its table,
its metrics and its checklist items."""


def register() -> None:
    from core.checklist import doctor_check_register
    from core.collectors import metric_source_register
    from jobs import checks, tasks
    from jobs.metrics import job_families
    from jobs.retention import job_runs_retention_register, retention_families
    from jobs.schedules import Schedule, schedule_register

    # Every 12 h: delete rows past their retention, oldest first, in batches (global, not per project).
    schedule_register(Schedule("retention_cleanup", tasks.retention_cleanup.name, 12 * 3600,
                               "Delete rows past retention"))  # fmt: skip
    job_runs_retention_register()
    metric_source_register(job_families)
    metric_source_register(retention_families)
    for check in checks.CHECKS:
        doctor_check_register(check)
