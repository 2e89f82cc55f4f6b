"""Provider selection from settings (read at call time, so tests and commands can switch).

Embeddings: `EMBEDDING_PROVIDER=offline|openai`; left empty, `openai` when `OPENAI_API_KEY` or
`OPENAI_BASE_URL` is set, else `offline`. `openai` covers OpenAI itself and any OpenAI-compatible endpoint
at `OPENAI_BASE_URL`. Answers: `LLM_PROVIDER=extractive|openai`, chosen the same way; `extractive` means no
chat model (the answer is built from the top evidence).
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from rag.providers.base import ChatProvider, EmbeddingProvider, ProviderError
from rag.providers.offline import OfflineEmbeddings
from rag.providers.openai_compat import OpenAIChat, OpenAIEmbeddings, make_client

__all__ = [
    "ChatProvider",
    "EmbeddingProvider",
    "ProviderError",
    "chat_model_configured",
    "chat_provider",
    "embedding_provider",
]


def _remote_configured() -> bool:
    return bool(settings.OPENAI_API_KEY or settings.OPENAI_BASE_URL)


def _choice(value: str, *, setting: str, local: str) -> str:
    choice = (value or "").strip().lower()
    if not choice:
        return "openai" if _remote_configured() else local
    if choice not in ("openai", local):
        raise ImproperlyConfigured(f"{setting} must be '{local}' or 'openai', got {value!r}.")
    return choice


def embedding_provider_name() -> str:
    return _choice(settings.EMBEDDING_PROVIDER, setting="EMBEDDING_PROVIDER", local="offline")


def llm_provider_name() -> str:
    return _choice(settings.LLM_PROVIDER, setting="LLM_PROVIDER", local="extractive")


def _client(*, for_query: bool):
    # A query gets one short try (then keyword-only results); background runs get the client's retries.
    timeout = settings.RAG_QUERY_PROVIDER_TIMEOUT_SECONDS if for_query else settings.OPENAI_TIMEOUT_SECONDS
    return make_client(
        api_key=settings.OPENAI_API_KEY,
        base_url=settings.OPENAI_BASE_URL,
        timeout=timeout,
        max_retries=0 if for_query else settings.OPENAI_MAX_RETRIES,
    )


def embedding_provider(*, for_query: bool = False) -> EmbeddingProvider:
    """The configured embedding provider."""
    if embedding_provider_name() == "offline":
        return OfflineEmbeddings(dimensions=settings.EMBEDDING_DIMENSIONS)
    return OpenAIEmbeddings(
        client=_client(for_query=for_query),
        model=settings.EMBEDDING_MODEL,
        dimensions=settings.EMBEDDING_DIMENSIONS,
        encoding_format=settings.EMBEDDING_ENCODING_FORMAT,
    )


def chat_model_configured() -> bool:
    """Whether queries are answered by a chat model (else extractively, with no model call)."""
    return llm_provider_name() != "extractive"


def chat_provider() -> ChatProvider | None:
    """The configured chat model, or None for extractive answers."""
    if not chat_model_configured():
        return None
    client = make_client(
        api_key=settings.OPENAI_API_KEY,
        base_url=settings.OPENAI_BASE_URL,
        timeout=settings.OPENAI_TIMEOUT_SECONDS,
        max_retries=1,
    )
    return OpenAIChat(client=client, model=settings.LLM_MODEL)
