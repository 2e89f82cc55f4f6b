from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Audit events and job runs (one row per background run)."""

    name = "audit"
    default_auto_field = "django.db.models.BigAutoField"
