from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Job runs, dispatch and lifecycle, schedules and their supervision, retention runner."""

    name = "jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.collectors import metric_source_register
        from jobs import supervision  # noqa: F401 - connects the Celery signal handlers
        from jobs.metrics import job_families
        from jobs.retention import job_runs_retention_register, retention_families

        job_runs_retention_register()
        metric_source_register(job_families)
        metric_source_register(retention_families)
