from django.apps import AppConfig


class CrmConfig(AppConfig):
    """CRM mirror built from raw Attio and Chatwoot rows."""

    name = "crm"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from connectors import hooks
        from crm import selectors, services
        from jobs.status import status_block_register

        hooks.on_page_committed(services.mirror_on_page)
        hooks.on_records_removed(services.mirror_on_removed)
        hooks.on_mirror_lookup(services.mirror_ids)
        status_block_register("crm", lambda project: {"entities": {"crm": selectors.entity_counts(project=project)}})
