from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    """The roof: the Django project package (settings, URLs, Celery app, launcher) and the commands that tie
    every app together (`bootstrap`, `doctor`, `sandbox`). It owns no models."""

    name = "workforce"
    label = "site"
    verbose_name = "Workforce Ops"

    def ready(self) -> None:
        from crm.clients import client_graph_register
        from rag.graph.selectors import client_neighbourhood, client_records

        # The client page reads the knowledge graph's links; crm may not import rag (floors), so the roof ties them.
        client_graph_register(records=client_records, neighbourhood=client_neighbourhood)
