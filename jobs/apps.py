from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Job runs, dispatch and lifecycle, schedules and their supervision, retention runner."""

    name = "jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jobs import contributions, supervision  # noqa: F401 - supervision connects the Celery signal handlers

        contributions.register()
