"""OpenAI and OpenAI-compatible endpoints (`OPENAI_BASE_URL`) through the official `openai` client.

The client retries 429/5xx/timeouts itself (`max_retries`, honouring `Retry-After` up to 2 minutes);
what still fails comes back as a classed ProviderError.
"""

import openai

from rag.providers.base import ProviderError, provider_label

# Sent when an OpenAI-compatible endpoint needs no key: the client refuses to start without one.
NO_KEY = "not-needed"


def make_client(*, api_key: str, base_url: str, timeout: float, max_retries: int) -> openai.OpenAI:
    return openai.OpenAI(api_key=api_key or NO_KEY, base_url=base_url or None, timeout=timeout, max_retries=max_retries)


def classify(exc: Exception) -> ProviderError:
    """Map an `openai` exception to a ProviderError kind."""
    status = getattr(exc, "status_code", None)
    message = str(getattr(exc, "message", "") or exc)[:500]
    if isinstance(exc, openai.RateLimitError):
        return ProviderError(message, kind=ProviderError.RATE_LIMITED, status=status)
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError | openai.NotFoundError):
        return ProviderError(message, kind=ProviderError.MISCONFIGURED, status=status)
    if isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
        return ProviderError(message, kind=ProviderError.INVALID_INPUT, status=status)
    return ProviderError(message or exc.__class__.__name__, kind=ProviderError.TRANSIENT, status=status)


class OpenAIEmbeddings:
    """`embeddings.create` with a fixed model and dimension; validates what comes back."""

    name = "openai"

    def __init__(self, *, client: openai.OpenAI, model: str, dimensions: int, encoding_format: str = "base64"):
        self.client, self.model, self.dimensions = client, model, dimensions
        # Left unset, the client asks for base64 and decodes it; "float" is for endpoints without base64.
        self.encoding_format = encoding_format

    @property
    def label(self) -> str:
        return provider_label(self.name, self.model, self.dimensions)

    def embed(self, texts: list[str]) -> list[list[float]]:
        kwargs = {"encoding_format": "float"} if self.encoding_format == "float" else {}
        try:
            response = self.client.embeddings.create(
                model=self.model, input=texts, dimensions=self.dimensions, **kwargs
            )
        except openai.OpenAIError as exc:
            raise classify(exc) from exc
        return self._vectors(response, len(texts))

    def _vectors(self, response, expected: int) -> list[list[float]]:
        data = sorted(response.data, key=lambda item: item.index)
        if len(data) != expected:
            raise ProviderError(f"asked for {expected} embeddings, got {len(data)}", kind=ProviderError.TRANSIENT)
        vectors = [list(item.embedding) for item in data]
        wrong = next((len(v) for v in vectors if len(v) != self.dimensions), None)
        if wrong is not None:
            message = f"model {self.model} returned {wrong} dimensions, EMBEDDING_DIMENSIONS is {self.dimensions}"
            raise ProviderError(message, kind=ProviderError.MISCONFIGURED)
        return vectors


class OpenAIChat:
    """`chat.completions.create` with one system and one user message."""

    name = "openai"

    def __init__(self, *, client: openai.OpenAI, model: str) -> None:
        self.client, self.model = client, model

    def complete(self, *, system: str, user: str) -> str:
        try:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                temperature=0,
            )
        except openai.OpenAIError as exc:
            raise classify(exc) from exc
        if not response.choices:
            raise ProviderError("no choices in the chat response", kind=ProviderError.TRANSIENT)
        return response.choices[0].message.content or ""
