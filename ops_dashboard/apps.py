from django.apps import AppConfig


class OpsDashboardConfig(AppConfig):
    """Server-rendered ops pages, partials and the SSE channel authorisation."""

    name = "ops_dashboard"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ops_dashboard import panels  # noqa: F401 - registers every page's partials
        from ops_dashboard.channels import listener_manager_install

        listener_manager_install()
