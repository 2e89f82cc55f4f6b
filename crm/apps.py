from django.apps import AppConfig


class CrmConfig(AppConfig):
    """CRM mirror built from raw Attio and Chatwoot rows."""

    name = "crm"
    default_auto_field = "django.db.models.BigAutoField"
