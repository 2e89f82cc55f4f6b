"""What a retriever returns: a chunk id, its score and its record (vector and keyword search both)."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Hit:
    id: int
    score: float
    source: tuple[str, str] | None = None  # (source type, source id) of the chunk's record
