from django.apps import AppConfig


class RagConfig(AppConfig):
    """LightRAG: chunks, embeddings, hybrid retrieval and answers."""

    name = "rag"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rag import contributions

        contributions.register()
