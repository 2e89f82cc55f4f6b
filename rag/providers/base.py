"""What every embedding and chat provider offers, and how their failures are classed."""

from typing import Protocol


class ProviderError(Exception):
    """A provider call failed. `kind` says what the caller should do about it.

    - `rate_limited` / `transient`: try again later (the run stops; the query degrades)
    - `misconfigured`: wrong key, model or dimension; nothing will work until an operator acts
    - `invalid_input`: the provider refused these inputs; other inputs may still work
    """

    RATE_LIMITED = "rate_limited"
    TRANSIENT = "transient"
    MISCONFIGURED = "misconfigured"
    INVALID_INPUT = "invalid_input"

    def __init__(self, message: str, *, kind: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status

    @property
    def retryable(self) -> bool:
        return self.kind in (self.RATE_LIMITED, self.TRANSIENT)

    def __str__(self) -> str:
        prefix = f"{self.kind} ({self.status})" if self.status else self.kind
        return f"{prefix}: {self.args[0]}"


class EmbeddingProvider(Protocol):
    name: str
    model: str
    dimensions: int

    @property
    def label(self) -> str:
        """`provider:model:dimensions`, stored on each embedded chunk."""

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order; raises ProviderError."""


class ChatProvider(Protocol):
    name: str
    model: str

    def complete(self, *, system: str, user: str) -> str:
        """The model's reply; raises ProviderError."""


def provider_label(name: str, model: str, dimensions: int) -> str:
    return f"{name}:{model}:{dimensions}"
