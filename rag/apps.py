from django.apps import AppConfig


class RagConfig(AppConfig):
    """LightRAG: chunks, embeddings, hybrid retrieval and answers."""

    name = "rag"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from connectors import hooks
        from core.collectors import FAMILY_SOURCES
        from rag.metrics import rag_families
        from rag.retention import retention_targets_register
        from rag.services.cascade import embeddings_on_run_finished
        from rag.services.chunks import chunks_on_page

        retention_targets_register()
        hooks.on_page_committed(chunks_on_page)
        hooks.on_run_finished(embeddings_on_run_finished)
        if rag_families not in FAMILY_SOURCES:
            FAMILY_SOURCES.append(rag_families)
