from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    """Tenancy (account scopes, projects, memberships, API keys) and platform plumbing."""

    name = "workforce"
    verbose_name = "Workforce platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from workforce import metrics
        from workforce.api import schema  # noqa: F401 - registers the OpenAPI auth extensions

        metrics.register_collectors()
