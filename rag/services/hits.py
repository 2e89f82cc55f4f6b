"""What a retriever returns: a chunk id and its score (vector and keyword search both)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    id: int
    score: float
