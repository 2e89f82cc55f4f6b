from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    """Chatwoot, Linear and Attio sync: raw tables, state, runs, errors and dead letters."""

    name = "connectors"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from connectors import contributions

        contributions.register()
