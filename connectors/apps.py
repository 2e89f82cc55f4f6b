from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    """Chatwoot, Linear and Attio sync: raw tables, state, runs, errors and dead letters."""

    name = "connectors"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from connectors.metrics import connector_families
        from connectors.retention import retention_targets_register
        from core.collectors import FAMILY_SOURCES

        retention_targets_register()
        if connector_families not in FAMILY_SOURCES:
            FAMILY_SOURCES.append(connector_families)
