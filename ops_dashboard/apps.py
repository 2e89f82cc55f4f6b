from django.apps import AppConfig


class OpsDashboardConfig(AppConfig):
    """Server-rendered ops pages, partials and the SSE channel authorisation."""

    name = "ops_dashboard"
    default_auto_field = "django.db.models.BigAutoField"
